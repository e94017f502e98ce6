import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { boardTypeFromSeed } from '../../../tools/synth/board.ts';
import {
  applicableDefects,
  DEFECT_KINDS,
  type DefectKind,
  inspectableHashboard,
  withDefect,
} from '../../../tools/synth/defects.ts';
import { renderBoard } from '../../../tools/synth/render-board.ts';
import type { BoardType, Rect } from '../../../tools/synth/types.ts';

const PX = 3;

async function pixels(t: BoardType): Promise<{ data: Buffer; width: number; height: number }> {
  const r = await renderBoard(t, { pixelsPerUnit: PX });
  const { data, info } = await sharp(r.png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Mean absolute RGB difference of two renders inside `box` (mm) and outside it. */
function difference(a: Awaited<ReturnType<typeof pixels>>, b: typeof a, box: Rect) {
  let inSum = 0;
  let inN = 0;
  let outSum = 0;
  let outN = 0;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      const i = 3 * (y * a.width + x);
      const d =
        Math.abs(a.data[i]! - b.data[i]!) +
        Math.abs(a.data[i + 1]! - b.data[i + 1]!) +
        Math.abs(a.data[i + 2]! - b.data[i + 2]!);
      const inside =
        x >= box.x * PX - 2 &&
        x <= (box.x + box.w) * PX + 2 &&
        y >= box.y * PX - 2 &&
        y <= (box.y + box.h) * PX + 2;
      if (inside) [inSum, inN] = [inSum + d, inN + 1];
      else [outSum, outN] = [outSum + d, outN + 1];
    }
  }
  return { inside: inSum / Math.max(1, inN), outside: outSum / Math.max(1, outN) };
}

describe('synthetic defects with their truth (inspection ground truth)', () => {
  // two hashboard types: one with per-chip heatsinks, one with bare chips (every kind is covered)
  const boards = [11, 23].map((s) => inspectableHashboard(boardTypeFromSeed(s, 'hashboard')));

  it('the two boards carry every defect kind between them', () => {
    const kinds = new Set(boards.flatMap(applicableDefects));
    expect([...kinds].sort()).toEqual([...DEFECT_KINDS].sort());
    expect(boards[0]!.chips!.heatsink?.layout).toBe('per-chip');
    expect(boards[1]!.chips!.heatsink).toBeNull();
  });

  it('each defect changes the board where its truth says, and nowhere else', async () => {
    for (const t of boards) {
      const good = await pixels(t);
      for (const kind of applicableDefects(t) as DefectKind[]) {
        const { type, truth } = withDefect(t, kind, 5);
        expect(truth.kind).toBe(kind);
        expect(truth.chip === null).toBe(kind === 'connector-missing' || kind === 'capacitor-missing');
        const d = difference(good, await pixels(type), truth.box);
        expect(d.inside, `${t.seed} ${kind}`).toBeGreaterThan(20);
        expect(d.outside, `${t.seed} ${kind}`).toBeLessThan(0.5);
      }
    }
  }, 120_000);

  it('refuses a defect the board cannot carry (a chip under a heatsink is not seen burnt)', () => {
    expect(() => withDefect(boards[0]!, 'chip-burnt', 0)).toThrow(/cannot carry chip-burnt/);
  });
});
