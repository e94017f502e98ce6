import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/vision/image.ts';
import { loadManifest, manifestSchema } from '../../src/vision/manifest.ts';
import { decodeReduction } from '../../src/vision/reduced-decode.ts';

const models = join(import.meta.dirname, '..', '..', 'models');
const dinov2 = loadManifest('dinov2-small', models).manifest;
const bundled = loadManifest('benchsight-vit', models).manifest;
const WHOLE = [{ x: 0, y: 0, width: 1, height: 1 }];

describe('reduced-scale decode', () => {
  it('is used only where the frame is at least 5 x 1.5 times what the model resizes to, and is then 1/5', () => {
    // 720 / 256 = 2.8: full size. 2160 / 256 = 8.4 >= 7.5: 1/5; 4320 / 256 too (never 1/9).
    expect(decodeReduction(1280, 720, WHOLE, dinov2)).toBe(1);
    expect(decodeReduction(1920, 1080, WHOLE, dinov2)).toBe(1);
    expect(decodeReduction(3840, 2160, WHOLE, dinov2)).toBe(5);
    expect(decodeReduction(7680, 4320, WHOLE, dinov2)).toBe(5);
    // Bundled 320x240 from 4K: min(12, 9) = 9 >= 7.5: 1/5.
    expect(decodeReduction(3840, 2160, WHOLE, bundled)).toBe(5);
    // Every slot must have the room: a small slot keeps the frame at full size.
    expect(decodeReduction(3840, 2160, [...WHOLE, { x: 0, y: 0, width: 0.5, height: 0.5 }], dinov2)).toBe(1);
  });

  it('is off where the manifest says reducedDecode: false (and on by default)', () => {
    const optOut = manifestSchema.parse({
      ...dinov2,
      preprocess: { ...dinov2.preprocess, reducedDecode: false },
    });
    expect(dinov2.preprocess.reducedDecode).toBe(true);
    expect(decodeReduction(3840, 2160, WHOLE, optOut)).toBe(1);
  });

  it('decodes a JPEG at 1/reduce of its size, the same picture', async () => {
    const width = 1000;
    const height = 600;
    // Left half red, right half blue.
    const pixels = new Uint8Array(width * height * 3);
    for (let i = 0; i < width * height; i++)
      pixels.set(i % width < width / 2 ? [220, 20, 20] : [20, 20, 220], i * 3);
    const jpeg = await sharp(pixels, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 90 })
      .toBuffer();
    const small = await decodeImage(jpeg, { reduce: 5 });
    expect([small.width, small.height]).toEqual([200, 120]);
    const at = (x: number, y: number) =>
      Array.from(small.data.subarray((y * 200 + x) * 3, (y * 200 + x) * 3 + 3));
    expect(at(40, 60)[0]).toBeGreaterThan(180);
    expect(at(160, 60)[2]).toBeGreaterThan(180);
    const full = await decodeImage(jpeg);
    expect([full.width, full.height]).toEqual([width, height]);
  });
});
