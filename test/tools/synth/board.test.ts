import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  BOARD_KINDS,
  type BoardKind,
  boardTypeFromSeed,
  vendorModelFor,
} from '../../../tools/synth/board.ts';
import { renderBoard } from '../../../tools/synth/render-board.ts';
import { defaultTextMode } from '../../../tools/synth/svg.ts';

describe('boardTypeFromSeed', () => {
  it('is a pure function of the seed, and serialisable', () => {
    for (const seed of [0, 1, 12345, 0xffffffff]) {
      const a = boardTypeFromSeed(seed);
      expect(boardTypeFromSeed(seed)).toEqual(a);
      expect(JSON.parse(JSON.stringify(a))).toEqual(a);
    }
  });

  it('gives different types for different seeds, and every kind across seeds', () => {
    const types = Array.from({ length: 40 }, (_, i) => boardTypeFromSeed(1000 + i));
    expect(new Set(types.map((t) => JSON.stringify(t))).size).toBe(40);
    expect(new Set(types.map((t) => t.kind))).toEqual(new Set(BOARD_KINDS));
    const hashboards = types.filter((t) => t.kind === 'hashboard');
    expect(new Set(hashboards.map((t) => `${t.chips?.rows}x${t.chips?.cols}`)).size).toBeGreaterThan(3);
    expect(new Set(hashboards.map((t) => t.surface.color)).size).toBe(hashboards.length);
  });

  it('honours a forced kind', () => {
    for (const kind of BOARD_KINDS) {
      for (let seed = 0; seed < 10; seed++) expect(boardTypeFromSeed(seed, kind).kind).toBe(kind);
    }
  });

  it('keeps a hashboard chip grid inside the board and counts its chips', () => {
    for (let seed = 0; seed < 30; seed++) {
      const t = boardTypeFromSeed(seed, 'hashboard');
      const g = t.chips!;
      const groups = g.groupEvery > 0 ? Math.floor((g.cols - 1) / g.groupEvery) : 0;
      expect(g.x).toBeGreaterThan(0);
      expect(g.x + g.cols * g.pitchX + groups * g.groupGap).toBeLessThanOrEqual(t.width + 1e-6);
      expect(g.y + g.rows * g.pitchY).toBeLessThanOrEqual(t.height + 1e-6);
      expect(g.chipSize).toBeLessThanOrEqual(Math.min(g.pitchX, g.pitchY));
      const vm = vendorModelFor(t);
      expect(vm.chipCount).toBe(g.rows * g.cols);
      expect(vm.chipType).toMatch(/^[A-Z]/);
      expect(['Bitmain', 'MicroBT', 'Canaan', 'Innosilicon', 'Ebang']).toContain(vm.vendor);
    }
  });

  it('describes control boards and PSUs with their own parts', () => {
    const cb = boardTypeFromSeed(3, 'control-board');
    const kinds = cb.parts.flatMap((p) => (p.t === 'connector' ? [p.kind] : []));
    expect(kinds).toEqual(expect.arrayContaining(['rj45', 'box-header', 'fan-header']));
    expect(vendorModelFor(cb)).toMatchObject({ kind: 'control-board', chipCount: 1 });
    const psu = boardTypeFromSeed(3, 'psu');
    expect(psu.surface.material).toBe('metal');
    expect(psu.parts.some((p) => p.t === 'fan-grille')).toBe(true);
    expect(
      psu.overlay.some((p) => p.t === 'sticker' && p.lines.some((l) => l.includes(psu.identity.model))),
    ).toBe(true);
    expect(vendorModelFor(psu)).toMatchObject({ kind: 'psu', chipType: null, chipCount: 0 });
  });
});

describe('renderBoard', () => {
  it.each(BOARD_KINDS)(
    'renders a %s at the requested scale, opaque inside, holes see-through',
    async (kind) => {
      for (let seed = 21; seed < 27; seed++) await checkRender(seed, kind);
    },
  );

  async function checkRender(seed: number, kind: BoardKind): Promise<void> {
    const type = boardTypeFromSeed(seed, kind);
    const r = await renderBoard(type, { pixelsPerUnit: 2 });
    expect(r.width).toBe(Math.round(type.width * 2));
    expect(r.height).toBe(Math.round(type.height * 2));
    const { data, info } = await sharp(r.png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([r.width, r.height, 4]);
    const alpha = (x: number, y: number): number =>
      data[(Math.round(y) * info.width + Math.round(x)) * 4 + 3]!;
    expect(alpha(r.width / 2, r.height / 2)).toBe(255);
    for (const hole of type.holes) expect(alpha(hole.x * 2, hole.y * 2)).toBe(0);
    const stats = await sharp(r.png).stats();
    expect(stats.channels[0]!.stdev).toBeGreaterThan(15);
  }

  it('draws text-like glyph blocks when asked (or when no font is installed)', async () => {
    const type = boardTypeFromSeed(5, 'psu');
    const glyphs = await renderBoard(type, { pixelsPerUnit: 3, textMode: 'glyphs' });
    expect(glyphs.width).toBe(Math.round(type.width * 3));
    if (defaultTextMode() === 'font') {
      const font = await renderBoard(type, { pixelsPerUnit: 3, textMode: 'font' });
      expect(font.png.equals(glyphs.png)).toBe(false);
    }
  });
});
