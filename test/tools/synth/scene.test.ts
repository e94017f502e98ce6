import { describe, expect, it } from 'vitest';
import { BOARD_KINDS, boardTypeFromSeed } from '../../../tools/synth/board.ts';
import { NO_NUISANCE, nuisanceOnly, resolveNuisance } from '../../../tools/synth/nuisance.ts';
import { renderBenchView } from '../../../tools/synth/scene.ts';
import {
  channelMeans,
  correlation,
  edgeCorrelation,
  edgeEnergy,
  grey,
  inside,
  mean,
  meanAbsDiff,
  overlaps,
} from './helpers.ts';

const size = { width: 320, height: 240 };
const hashboard = boardTypeFromSeed(77, 'hashboard');

describe('renderBenchView', () => {
  it('is deterministic: same arguments, byte-identical JPEG; another view seed, another image', async () => {
    const a = await renderBenchView(hashboard, 5, size);
    const b = await renderBenchView(hashboard, 5, size);
    const c = await renderBenchView(hashboard, 6, size);
    expect(a.jpeg.equals(b.jpeg)).toBe(true);
    expect(a.meta).toEqual(b.meta);
    expect(a.jpeg.equals(c.jpeg)).toBe(false);
    const [w, h] = [a.jpeg.readUInt16BE(a.jpeg.indexOf(Buffer.from([0xff, 0xc0])) + 7), 0];
    expect(w + h).toBe(size.width);
  });

  it.each(BOARD_KINDS)('places a %s inside the frame and reports where', async (kind) => {
    const type = boardTypeFromSeed(9, kind);
    const { jpeg, meta } = await renderBenchView(type, 3, { ...size, nuisance: { occlusion: 0 } });
    expect(meta.board?.kind).toBe(kind);
    const box = meta.board!.bbox;
    expect(box.width).toBeGreaterThan(20);
    for (const [x, y] of meta.board!.corners) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(size.width);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(size.height);
    }
    const empty = await renderBenchView(null, 3, { ...size, nuisance: { occlusion: 0 } });
    const [g, e] = [await grey(jpeg), await grey(empty.jpeg)];
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    expect(meanAbsDiff(g, e, (x, y) => Math.hypot(x - cx, y - cy) < 12)).toBeGreaterThan(8);
  });

  it('renders an empty bench without a board', async () => {
    const { meta } = await renderBenchView(null, 11, size);
    expect(meta.board).toBeNull();
    expect(meta.shadow).toBeNull();
  });

  it('with everything off, changes only lighting when only lighting is switched on', async () => {
    const off = await renderBenchView(hashboard, 21, { ...size, nuisance: NO_NUISANCE });
    const lit = await renderBenchView(hashboard, 21, { ...size, nuisance: nuisanceOnly('lighting') });
    expect(lit.meta.board).toEqual(off.meta.board);
    expect(lit.meta.background).toBe(off.meta.background);
    expect(lit.meta.clutter).toEqual([]);
    const [a, b] = [await grey(off.jpeg), await grey(lit.jpeg)];
    expect(Math.abs(mean(a) - mean(b))).toBeGreaterThan(6);
    // Same edges under other light (a moved or turned board scores below 0.4).
    expect(edgeCorrelation(a, b)).toBeGreaterThan(0.75);
    expect(off.meta.lighting.exposure).toBe(1);
    expect(lit.meta.lighting.exposure).not.toBe(1);
  });

  it('shifts white balance, and only that, under colorTemp', async () => {
    const off = await renderBenchView(hashboard, 22, { ...size, nuisance: NO_NUISANCE });
    const warm = await renderBenchView(hashboard, 22, { ...size, nuisance: nuisanceOnly('colorTemp') });
    const [r0, , b0] = await channelMeans(off.jpeg);
    const [r1, , b1] = await channelMeans(warm.jpeg);
    expect(Math.abs(r1 / b1 - r0 / b0)).toBeGreaterThan(0.03);
    expect(correlation(await grey(off.jpeg), await grey(warm.jpeg))).toBeGreaterThan(0.97);
  });

  it('rotates the board and leaves the bench alone under rotation', async () => {
    const off = await renderBenchView(hashboard, 31, { ...size, nuisance: NO_NUISANCE });
    const turned = await renderBenchView(hashboard, 31, { ...size, nuisance: nuisanceOnly('rotation') });
    expect(off.meta.board!.pose.angleDeg).toBe(0);
    expect(Math.abs(turned.meta.board!.pose.angleDeg)).toBeGreaterThan(1);
    const [a, b] = [await grey(off.jpeg), await grey(turned.jpeg)];
    const boxes = [off.meta.board!.bbox, turned.meta.board!.bbox];
    const outside = (x: number, y: number): boolean => !boxes.some((box) => inside(box, x, y, 16));
    expect(meanAbsDiff(a, b, outside)).toBeLessThan(1.5);
    expect(meanAbsDiff(a, b)).toBeGreaterThan(3);
  });

  it('puts hands, tools or cables over the board under occlusion', async () => {
    for (const seed of [41, 42, 43]) {
      const off = await renderBenchView(hashboard, seed, { ...size, nuisance: NO_NUISANCE });
      const occluded = await renderBenchView(hashboard, seed, {
        ...size,
        nuisance: nuisanceOnly('occlusion'),
      });
      const box = occluded.meta.board!.bbox;
      expect(occluded.meta.occluders.length).toBeGreaterThan(0);
      for (const o of occluded.meta.occluders) expect(overlaps(o.bbox, box)).toBe(true);
      expect(occluded.meta.board).toEqual(off.meta.board);
      const [a, b] = [await grey(off.jpeg), await grey(occluded.jpeg)];
      expect(meanAbsDiff(a, b, (x, y) => inside(box, x, y))).toBeGreaterThan(2);
    }
  });

  it('scatters small objects on the bench under clutter', async () => {
    const off = await renderBenchView(null, 51, { ...size, nuisance: NO_NUISANCE });
    const messy = await renderBenchView(null, 51, { ...size, nuisance: nuisanceOnly('clutter') });
    expect(off.meta.clutter).toEqual([]);
    expect(messy.meta.clutter.length).toBeGreaterThanOrEqual(3);
    expect(meanAbsDiff(await grey(off.jpeg), await grey(messy.jpeg))).toBeGreaterThan(0.3);
  });

  it('softens edges under blur and roughens them under noise', async () => {
    const off = await grey((await renderBenchView(hashboard, 61, { ...size, nuisance: NO_NUISANCE })).jpeg);
    const blurred = await renderBenchView(hashboard, 61, { ...size, nuisance: nuisanceOnly('blur') });
    const noisy = await renderBenchView(hashboard, 61, { ...size, nuisance: nuisanceOnly('noise') });
    expect(blurred.meta.camera.blur).not.toBeNull();
    expect(edgeEnergy(await grey(blurred.jpeg))).toBeLessThan(edgeEnergy(off) * 0.9);
    const n = await grey(noisy.jpeg);
    expect(edgeEnergy(n)).toBeGreaterThan(edgeEnergy(off) * 1.1);
    expect(Math.abs(mean(n) - mean(off))).toBeLessThan(1.5);
  });

  it('lowers JPEG quality under jpeg, and adds a glare spot and a shadow when asked', async () => {
    const off = await renderBenchView(hashboard, 71, { ...size, nuisance: NO_NUISANCE });
    const blocky = await renderBenchView(hashboard, 71, { ...size, nuisance: nuisanceOnly('jpeg') });
    expect(blocky.meta.camera.jpegQuality).toBeLessThan(off.meta.camera.jpegQuality);
    expect(blocky.jpeg.length).toBeLessThan(off.jpeg.length);
    const glare = await renderBenchView(hashboard, 71, { ...size, nuisance: nuisanceOnly('glare') });
    expect(mean(await grey(glare.jpeg))).toBeGreaterThan(mean(await grey(off.jpeg)));
    const shadow = await renderBenchView(hashboard, 71, { ...size, nuisance: nuisanceOnly('shadow') });
    expect(shadow.meta.shadow?.opacity).toBeGreaterThan(0);
    expect(mean(await grey(shadow.jpeg))).toBeLessThan(mean(await grey(off.jpeg)));
  });

  it('honours a forced background and pose', async () => {
    const { meta } = await renderBenchView(hashboard, 81, {
      ...size,
      background: 'esd-mat',
      pose: { cx: 100, cy: 120, angleDeg: 30 },
    });
    expect(meta.background).toBe('esd-mat');
    expect(meta.board!.pose).toMatchObject({ cx: 100, cy: 120, angleDeg: 30 });
  });
});

describe('nuisance strengths', () => {
  it('fill in defaults and clamp to 0..1', () => {
    const n = resolveNuisance({ blur: 3, noise: -1 });
    expect(n.blur).toBe(1);
    expect(n.noise).toBe(0);
    expect(n.rotation).toBe(1);
    expect(Object.values(nuisanceOnly('glare', 0.5)).filter((v) => v > 0)).toEqual([0.5]);
  });
});
