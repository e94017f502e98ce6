import type { PartNumberInfo } from '../protocol.ts';
import type { HardwareReference, PartNumberFamily } from './reference.ts';

/**
 * Bitmain hashboard part numbers read off the silkscreen ("BHB42601", "A3HB70601"): found in OCR
 * lines, look-alike characters resolved only where exactly one reading fits, and decoded into the
 * family's facts. Pure functions.
 */

/** A part number read off a board, with its family's facts (the shape is the protocol's). */
export type PartNumber = PartNumberInfo;

/** The shapes of a code: '#' is a digit, anything else that character. */
const CODE_SHAPES = ['BHB#####', 'A3HB#####'] as const;

/** Characters OCR confuses on silkscreen (O/0, I/1, B/8), both ways. */
const LOOK_ALIKE: Readonly<Record<string, string>> = { O: '0', '0': 'O', I: '1', '1': 'I', B: '8', '8': 'B' };

const isDigit = (c: string) => c >= '0' && c <= '9';
const fits = (c: string, want: string) => (want === '#' ? isDigit(c) : c === want);

/**
 * `read` in the shape, with at most one character replaced by its look-alike; null when it does not
 * fit or needs more than one replacement.
 */
export function resolveLookAlikes(read: string, shape: string): string | null {
  if (read.length !== shape.length) return null;
  let out = '';
  let replaced = 0;
  for (let i = 0; i < shape.length; i++) {
    const c = read[i]!;
    const want = shape[i]!;
    if (fits(c, want)) {
      out += c;
      continue;
    }
    const alt = LOOK_ALIKE[c];
    if (alt === undefined || !fits(alt, want) || ++replaced > 1) return null;
    out += alt;
  }
  return out;
}

interface Candidate {
  read: string;
  code: string;
  dash: boolean;
}

/** Codes in one piece of text: whole tokens first, then windows of the text with its spaces removed. */
function candidatesIn(text: string): Candidate[] {
  const upper = text.toUpperCase();
  const out: Candidate[] = [];
  const consider = (read: string, dash: boolean) => {
    for (const shape of CODE_SHAPES) {
      const code = resolveLookAlikes(read, shape);
      if (code) out.push({ read: dash ? `${read}-` : read, code, dash });
    }
  };
  for (const token of upper.split(/[^A-Z0-9-]+/)) {
    const dash = token.endsWith('-');
    consider(dash ? token.slice(0, -1) : token, dash);
  }
  if (out.length > 0) return out;
  // "PN:BHB 42601": OCR splits or joins boxes; look inside the text with its spaces removed, for a
  // window not followed by another digit (which would make it a longer number).
  const joined = upper.replace(/\s+/g, '');
  for (const shape of CODE_SHAPES) {
    for (let i = 0; i + shape.length <= joined.length; i++) {
      const next = joined[i + shape.length] ?? '';
      if (isDigit(next)) continue;
      const read = joined.slice(i, i + shape.length);
      const code = resolveLookAlikes(read, shape);
      if (code) out.push({ read: next === '-' ? `${read}-` : read, code, dash: next === '-' });
    }
  }
  return out;
}

function decoded(c: Candidate, family: PartNumberFamily | null): PartNumber {
  return {
    code: c.dash ? `${c.code}-` : c.code,
    read: c.read,
    family: family?.id ?? null,
    asicChip: family?.asicChip ?? null,
    models: family ? [...family.models] : [],
    chipsPerBoard: family?.chipsPerBoard ?? null,
    subRevision: c.dash,
    source: family?.source ?? null,
  };
}

/**
 * The part number in OCR lines: the first code that fits a family; else the first code of the right
 * shape, shown as read with no claim; else null. A read that needed a look-alike replaced is decoded
 * only when every such read in the text points to one family.
 */
export function findPartNumber(lines: readonly string[], reference: HardwareReference): PartNumber | null {
  const candidates: Candidate[] = [];
  for (const text of [...lines, lines.join(' ')]) {
    for (const c of candidatesIn(text)) {
      if (!candidates.some((k) => k.code === c.code && k.read === c.read)) candidates.push(c);
    }
  }
  if (candidates.length === 0) return null;
  const exact = candidates.filter((c) => c.read.replace(/-$/, '') === c.code);
  for (const c of exact) {
    const family = reference.familyOf(c.code);
    if (family) return decoded(c, family);
  }
  const corrected = candidates.filter((c) => !exact.includes(c));
  const families = new Set(corrected.map((c) => reference.familyOf(c.code)?.id ?? null));
  const first = corrected[0];
  if (first && families.size === 1 && !families.has(null)) {
    return decoded(first, reference.familyOf(first.code));
  }
  // No family, or look-alike reads that disagree: the code as read, no claim.
  const shown = exact[0] ?? first!;
  return decoded({ ...shown, code: shown.read.replace(/-$/, '') }, null);
}

/** The chips a family names ("BM1362 or BM1366" -> both), in capitals. */
export function familyChips(partNumber: Pick<PartNumber, 'asicChip'>): string[] {
  return (partNumber.asicChip ?? '')
    .split(/\s+or\s+|,\s*/i)
    .map((c) => c.trim().toUpperCase())
    .filter((c) => c !== '');
}

/**
 * Whether a board's chip type contradicts its part number: false where either says nothing (no chip
 * type entered, a code with no family).
 */
export function chipDisagrees(chipType: string | null, partNumber: Pick<PartNumber, 'asicChip'>): boolean {
  const chips = familyChips(partNumber);
  if (!chipType || chips.length === 0) return false;
  return !chips.includes(chipType.trim().toUpperCase());
}

/** Whether the board a recognition names has a chip type its part number contradicts. */
export function partNumberConflict(
  board: { chipType: string | null } | null,
  partNumber: Pick<PartNumber, 'asicChip'> | null,
): boolean {
  return board !== null && partNumber !== null && chipDisagrees(board.chipType, partNumber);
}

/** "BHB42601: Antminer S19j Pro hashboard, BM1362 × 126 (from its part number)". */
export function describePartNumber(p: PartNumber): string {
  if (!p.family) return `${p.code} (part number read; no known family)`;
  const models = p.models.join(', ');
  const chips = p.asicChip ? `, ${p.asicChip}${p.chipsPerBoard ? ` × ${p.chipsPerBoard}` : ''}` : '';
  return `${p.code}: ${models} hashboard${chips} (from its part number)`;
}
