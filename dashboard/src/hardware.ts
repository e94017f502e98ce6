import { useEffect, useState } from 'preact/hooks';
import { modelKey } from '../../src/hardware/model-key.ts';
import { familyChips } from '../../src/hardware/part-number.ts';
import type { HardwareModel, HardwareReferenceData } from '../../src/hardware/reference.ts';
import type { BoardKind, PartNumberInfo } from '../../src/protocol.ts';
import { api } from './api.ts';

/** The hardware facts shipped with the daemon (GET /api/hardware), fetched once per page. */
let loading: Promise<HardwareReferenceData> | null = null;

export function loadHardware(): Promise<HardwareReferenceData> {
  loading ??= api<HardwareReferenceData>('/api/hardware').catch((err) => {
    loading = null;
    throw err;
  });
  return loading;
}

/** The shipped facts, or null while they load (or when the daemon could not send them). */
export function useHardware(): HardwareReferenceData | null {
  const [data, setData] = useState<HardwareReferenceData | null>(null);
  useEffect(() => {
    let live = true;
    loadHardware().then(
      (d) => live && setData(d),
      () => {},
    );
    return () => {
      live = false;
    };
  }, []);
  return data;
}

/** The reference's model a typed model name means ("S19j Pro", "Antminer S19j Pro"...), or null. */
export function factsFor(data: HardwareReferenceData | null, model: string): HardwareModel | null {
  const key = modelKey(model.replace(/\b(hash\s*board|hashboard)\b/gi, ''));
  if (!data || key === '') return null;
  return data.models.find((m) => [m.model, ...m.aliases].some((name) => modelKey(name) === key)) ?? null;
}

/** The single chip a fact names; null for "BM1362 or BM1366" (the technician says which). */
export function singleChip(asicChip: string | null): string | null {
  const chips = familyChips({ asicChip });
  return chips.length === 1 ? chips[0]! : null;
}

/** What the board form starts with when a board is enrolled from what its part number says. */
export interface BoardPrefill {
  vendor: string;
  model: string;
  kind: BoardKind;
  chipType: string | null;
  chipCount: number | null;
}

/** "Antminer S19j Pro" -> "S19j Pro", as the catalog names Bitmain boards. */
const withoutBrand = (model: string) => model.replace(/^Antminer\s+/i, '');

/**
 * The board form's values from a part number's family: Bitmain, the model when the family names one,
 * the chip when it names one, and its chips per board.
 */
export function prefillFromPart(p: PartNumberInfo): BoardPrefill {
  return {
    vendor: 'Bitmain',
    model: p.models.length === 1 ? withoutBrand(p.models[0]!) : '',
    kind: 'hashboard',
    chipType: singleChip(p.asicChip),
    chipCount: p.chipsPerBoard,
  };
}

/** The models the board form offers: each reference model and its other names, as written. */
export function modelNames(data: HardwareReferenceData | null): string[] {
  if (!data) return [];
  const names = new Set<string>();
  for (const m of data.models) {
    if (!m.model.includes('/')) names.add(m.model);
    for (const a of m.aliases) names.add(a);
  }
  return [...names].sort((a, b) => a.localeCompare(b));
}
