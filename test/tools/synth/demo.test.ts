import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseImportManifest } from '../../../src/catalog/import.ts';
import { familyChips, findPartNumber } from '../../../src/hardware/part-number.ts';
import { HardwareReference, modelKey } from '../../../src/hardware/reference.ts';
import { type DemoSummary, makeDemo } from '../../../tools/synth/demo.ts';
import { chooseFamily } from '../../../tools/synth/identity.ts';
import { Rng } from '../../../tools/synth/rng.ts';
import { tempDir } from './helpers.ts';

const tmp = tempDir('demo');
const dir = join(tmp.dir, 'demo');
let summary: DemoSummary;

const frame = (n: number): Buffer => readFileSync(join(dir, 'frames', `${String(n).padStart(6, '0')}.jpg`));

beforeAll(async () => {
  summary = await makeDemo(dir);
});

afterAll(() => tmp.cleanup());

describe('makeDemo', () => {
  it('writes a replay: empty bench, each board put down, left still, taken away', () => {
    const names = readdirSync(join(dir, 'frames')).sort();
    expect(names.length).toBe(summary.frames);
    expect(names[0]).toBe('000001.jpg');
    expect(summary.boards.map((b) => b.kind)).toEqual(['hashboard', 'hashboard', 'control-board', 'psu']);
    expect(new Set(summary.boards.map((b) => b.model)).size).toBe(4);
    expect(frame(1).equals(frame(2))).toBe(true);
    for (const board of summary.boards) {
      const [first, last] = board.staticFrames;
      expect(last - first + 1).toBeGreaterThanOrEqual(10);
      for (let n = first + 1; n <= last; n++) expect(frame(n).equals(frame(first))).toBe(true);
      // Moving frames before the still run: all different from each other and from the still view.
      const moving = [first - 3, first - 2, first - 1].map(frame);
      expect(new Set([...moving, frame(first)].map((b) => b.toString('base64'))).size).toBe(4);
      // Taken away: the frame after the run is the empty bench again.
      expect(frame(last + 1).equals(frame(1))).toBe(true);
    }
  });

  it('writes a catalogue the import reads, with the still view among each board images', () => {
    const text = readFileSync(join(dir, 'catalog', 'boards.yaml'), 'utf8');
    const entries = parse(text) as Array<{ kind: string; model: string; images: string[] }>;
    expect(entries.length).toBe(5);
    expect(entries.filter((e) => e.kind === 'empty-bench').map((e) => e.model)).toEqual(['Empty bench']);
    for (const e of entries) {
      expect(e.images.length).toBeGreaterThanOrEqual(2);
      for (const image of e.images) expect(existsSync(join(dir, 'catalog', image))).toBe(true);
    }
    for (const board of summary.boards) {
      const still = frame(board.staticFrames[0]);
      expect(readFileSync(join(dir, 'catalog', board.images[0]!)).equals(still)).toBe(true);
      expect(readFileSync(join(dir, 'catalog', board.images[1]!)).equals(still)).toBe(false);
    }
    const rows = parseImportManifest(text, 'yaml');
    const hashboard = rows.find((r) => r.kind === 'hashboard')!;
    expect(hashboard.chipCount).toBe(summary.boards[0]!.chipCount);
    expect(hashboard.notes).toMatch(/12 V/);
  });

  it("tells the truth: chip facts from the shipped hardware reference, nothing it doesn't state, notes marked as examples", () => {
    const reference = HardwareReference.load();
    const rows = parseImportManifest(readFileSync(join(dir, 'catalog', 'boards.yaml'), 'utf8'), 'yaml');
    const byModel = new Map(rows.map((r) => [r.model, r]));
    // the demo's S19j Pro hashboard: BM1362 x 126 (the reference), not the 128 chips its drawing has
    const pro = byModel.get('S19j Pro');
    expect(pro).toMatchObject({ chipType: 'BM1362', chipCount: 126 });
    for (const board of summary.boards) {
      const row = byModel.get(board.model)!;
      const known = board.kind === 'hashboard' ? reference.findModel(board.model) : null;
      expect(row.chipType ?? null).toBe(known?.asicChip ?? null);
      expect(row.chipCount ?? null).toBe(known?.chipsPerBoard ?? null);
      expect(row.notes).toMatch(/^Example note/);
      if (known?.chipsPerBoard) expect(row.notes).toContain(`${known.chipsPerBoard} ${known.asicChip} chips`);
      else expect(row.notes).not.toMatch(/\d+ \S+ chips/);
    }
  });

  it('draws Bitmain hashboard codes only in the part-number family of the drawn model, or in none', () => {
    const reference = HardwareReference.load();
    for (let seed = 1; seed <= 400; seed++) {
      const { identity } = chooseFamily(new Rng(seed), 'hashboard');
      const part = findPartNumber([identity.boardCode], reference);
      if (!part?.family) continue;
      expect(familyChips(part), `${identity.model} drawn with ${identity.boardCode}`).toContain(
        identity.chipType,
      );
      expect(
        part.models.map((m) => modelKey(m)),
        identity.boardCode,
      ).toContain(modelKey(identity.model));
    }
  });

  it('stays small', () => {
    expect(summary.bytes).toBeLessThan(3_200_000);
    expect(summary.skipped).toBe(false);
  });

  it('skips a complete demo with the same version and options, and rebuilds on other options', async () => {
    const marker = join(dir, '.complete');
    const before = statSync(marker).mtimeMs;
    const first = frame(1);
    const again = await makeDemo(dir);
    expect(again.skipped).toBe(true);
    expect(again.frames).toBe(summary.frames);
    expect(statSync(marker).mtimeMs).toBe(before);

    const other = await makeDemo(dir, { seed: 2, boards: 1, width: 160, height: 120 });
    expect(other.skipped).toBe(false);
    expect(other.frames).toBe(3 + (4 + 12 + 6));
    expect(readdirSync(join(dir, 'frames')).length).toBe(other.frames);
    expect(frame(1).equals(first)).toBe(false);
    expect(readdirSync(tmp.dir)).toEqual(['demo']);
  });

  it('rebuilds a demo whose marker is missing or from another version', async () => {
    const small = join(tmp.dir, 'small');
    const opts = { seed: 3, boards: 1, width: 160, height: 120 };
    await makeDemo(small, opts);
    writeFileSync(join(small, '.complete'), '{"version": -1}');
    expect((await makeDemo(small, opts)).skipped).toBe(false);
    expect((await makeDemo(small, opts)).skipped).toBe(true);
  });

  it('refuses impossible options', async () => {
    await expect(makeDemo(join(tmp.dir, 'bad'), { boards: 0 })).rejects.toMatchObject({
      code: 'E_BAD_REQUEST',
    });
    await expect(makeDemo(join(tmp.dir, 'bad'), { width: 10 })).rejects.toMatchObject({
      code: 'E_BAD_REQUEST',
    });
  });
});
