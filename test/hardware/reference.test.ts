import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HardwareReference, modelKey } from '../../src/hardware/reference.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const sharedDir = process.env.BENCHSIGHT_SHARED_DIR ?? resolve(repoRoot, '../shared');
const referenceDir = join(sharedDir, 'reference');
const present = existsSync(join(referenceDir, 'hashboards.csv'));
if (!present)
  console.warn(`hardware reference vs ${referenceDir}: skipped, folder absent (set BENCHSIGHT_SHARED_DIR)`);

/** Minimal CSV reader for the reference files (quoted cells may hold commas). */
function readCsv(file: string): Record<string, string>[] {
  const rows = readFileSync(file, 'utf8').trim().split('\n');
  const split = (line: string) =>
    [...line.matchAll(/("([^"]*)"|[^,]*)(,|$)/g)].map((m) => m[2] ?? m[1] ?? '').slice(0, -1);
  const header = split(rows[0]!);
  return rows.slice(1).map((line) => {
    const cells = split(line);
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  });
}

const reference = HardwareReference.load();
const n = (v: string) => (v === '' ? null : Number(v));

describe('the shipped hardware reference', () => {
  it('loads, credits D-Central and names a source on every row', () => {
    expect(reference.data.credit).toBe('D-Central (d-central.tech)');
    expect(reference.data.licence).toContain('CC BY 4.0');
    for (const row of [...reference.models, ...reference.families]) expect(row.source).toMatch(/^https:\/\//);
  });

  it('finds a model by the names a technician types', () => {
    for (const name of ['Antminer S19j Pro', 'S19j Pro', 's19j-pro', 'Bitmain Antminer S19j Pro hashboard']) {
      expect(reference.findModel(name)?.chipsPerBoard, name).toBe(126);
    }
    expect(reference.findModel('S19')?.asicChip).toBe('BM1398');
    expect(reference.findModel('S19 Pro')?.chipsPerBoard).toBe(114);
    expect(reference.findModel('Antminer S9i')?.model).toBe('Antminer S9 / S9i / S9j');
    expect(reference.findModel('T21')?.asicChip).toBe('BM1368');
    expect(reference.findModel('Whatsminer M30S')).toBeNull();
    expect(modelKey('Antminer S19j Pro')).toBe(modelKey('S19J-PRO'));
  });

  it.skipIf(!present)('matches ../shared/reference row for row (facts, sources, empty cells)', () => {
    const models = readCsv(join(referenceDir, 'hashboards.csv'));
    expect(reference.models.map((m) => [m.vendor, m.model])).toEqual(models.map((r) => [r.vendor, r.model]));
    models.forEach((r, i) => {
      const m = reference.models[i]!;
      expect([m.boardKind, m.asicChip, m.chipsPerBoard, m.voltageDomains, m.source]).toEqual([
        r.board_kind,
        r.asic_chip || null,
        n(r.chips_per_board!),
        n(r.voltage_domains!),
        r.source,
      ]);
    });
    const families = readCsv(join(referenceDir, 'bhb-families.csv'));
    expect(reference.families.map((f) => f.pattern)).toEqual(families.map((r) => r.pattern));
    families.forEach((r, i) => {
      const f = reference.families[i]!;
      expect([f.asicChip, f.chipsPerBoard, f.note, f.source]).toEqual([
        r.asic_chip,
        n(r.chips_per_board!),
        r.note,
        r.source,
      ]);
      // Each model the source names appears among the family's models.
      const named = r
        .models!.split(/,\s*|\s*\/\s*/)
        .map((s) => s.replace(/^Antminer\s+|\s*\(.*\)$/g, '').trim());
      const shipped = f.models.join(' | ').replace(/Antminer /g, '');
      for (const model of named) expect(shipped, `${r.pattern}: ${model}`).toContain(model);
    });
  });
});
