import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { manifestSchema } from '../../../src/vision/manifest.ts';
import { preprocessSection } from '../../../tools/benchmarks/preprocess.ts';

const work = mkdtempSync(join(tmpdir(), 'benchsight-preprocess-section-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('benchmark: preprocessing section', () => {
  it('prints the decode, then per manifest our figure beside Pillow (or why Pillow is skipped)', async () => {
    const frame = await sharp({ create: { width: 160, height: 90, channels: 3, background: '#4a7' } })
      .jpeg()
      .toBuffer();
    const manifest = manifestSchema.parse({
      id: 't@1',
      name: 't',
      file: 'none.onnx',
      preprocess: {
        resize: { mode: 'shortestEdge', size: 40 },
        crop: { width: 32, height: 32 },
        resample: 'pil-simd-bicubic',
        mean: [0.5, 0.5, 0.5],
        std: [0.5, 0.5, 0.5],
      },
      pooling: 'mean',
      embeddingSize: 8,
    });
    const { rows, decodeMs } = await preprocessSection(frame, [{ label: 'small', manifest }], {
      runs: 3,
      work,
      log: () => {},
    });
    expect(decodeMs).toBeGreaterThan(0);
    expect(rows.map((r) => r.what)).toEqual([
      'decode a 160x90 camera JPEG (sharp, RGB)',
      'small: resize + normalise a 160x90 frame (shortest edge 40, crop 32x32, pil-simd-bicubic)',
      'small: the same in JavaScript (runtimes without WebAssembly SIMD)',
    ]);
    const main = rows[1]!;
    expect(main.target).toBe('<= 3 ms');
    // Where Debian's Pillow is installed the reference is its time; elsewhere the row says why not.
    expect(main.reference).toMatch(/^Pillow \d+\.\d+\.\d+ \(C\) .* ms|^Pillow skipped: \/usr\/bin\/python3/);
  });
});
