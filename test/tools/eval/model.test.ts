import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEncoder, type Encoder } from '../../../src/vision/encoder.ts';
import { type LoadedManifest, loadManifest } from '../../../src/vision/manifest.ts';
import { renderBenchSet } from '../../../tools/eval/bench-set.ts';
import { PipelineMethod, type Recognition } from '../../../tools/eval/methods.ts';
import { accuracy, top1 } from '../../../tools/eval/metrics.ts';
import { splitType } from '../../../tools/eval/views.ts';
import { renderBenchView } from '../../../tools/synth/scene.ts';

const MODELS = join(import.meta.dirname, '../../../models');

describe('bundled encoder benchsight-vit (real onnxruntime, real catalog; CPU only)', () => {
  let loaded: LoadedManifest;
  let encoder: Encoder;
  let dir: string;

  beforeAll(async () => {
    loaded = loadManifest('benchsight-vit', MODELS);
    encoder = await createEncoder(loaded, { executionProviders: ['cpu'], intraOpThreads: 0 });
    dir = mkdtempSync(join(tmpdir(), 'benchsight-vit-test-'));
  });

  afterAll(async () => {
    await encoder?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is the trained int8 model its manifest describes, with the benchsight interface', () => {
    const m = loaded.manifest;
    const bytes = readFileSync(loaded.modelPath);
    expect(bytes.length).toBeLessThanOrEqual(8 * 2 ** 20);
    expect(m.source?.bytes).toBe(bytes.length);
    expect(m.source?.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(m.randomWeights).toBe(false);
    expect(m.inputName).toBe('pixel_values');
    expect(m.pooling).toBe('pooler');
    expect(m.operatingPoint).toBeDefined();
    expect(encoder.inputSize).toEqual([240, 320]);
    expect(encoder.dim).toBe(m.embeddingSize);
    expect(bytes.includes(Buffer.from('MatMulInteger'))).toBe(true);
  });

  it('recognizes held-out board types enrolled from 3 references (chance: 1 in 10)', async () => {
    const set = await renderBenchSet({
      seed: 1,
      split: 'test',
      unknownSplit: 'unknown',
      firstUnknown: 0,
      boards: 10,
      references: 3,
      queries: 2,
      unknownBoards: 0,
      unknownViews: 0,
      nuisanceViews: 0,
      width: 320,
      height: 240,
    });
    const method = new PipelineMethod(
      'benchsight-vit',
      encoder,
      loaded.manifest,
      loaded.manifest.operatingPoint!,
      join(dir, 'catalog.sqlite'),
    );
    const results: Recognition[] = [];
    try {
      await method.enroll(set);
      for (const q of set.queries) results.push(await method.recognize(q.jpeg, q.board));
    } finally {
      method.close();
    }
    expect(results).toHaveLength(20);
    // The eval's target is 95% top-1 on 50 boards; here 19 of 20 at least. (Version 1 also got 20 of
    // 20 on these easy views, but only 8 at its operating point; the test below is the harder one.)
    expect(top1(results)).toBeGreaterThanOrEqual(0.95);
    // At the manifest's operating point (tuned to reject unknown boards) fewer are accepted; a
    // random-weight model accepts next to none. (Version 2: 14 of 20.)
    expect(accuracy(results)).toBeGreaterThanOrEqual(0.5);
  });

  it('finds the board wherever it lies: each view of 8 boards has a view of the same board as its nearest neighbour', async () => {
    // Every board lies at any place and angle on any bench surface under the default light and
    // camera effects (no hands): the encoder's localizer and canonical crop have to undo that.
    // The whole-frame encoder of version 1 got 21 of these 32 views right.
    const BOARDS = 8;
    const VIEWS = 4;
    const jpegs: Buffer[] = [];
    for (let b = 0; b < BOARDS; b++) {
      const type = splitType(1, 'test', 20 + b);
      for (let v = 0; v < VIEWS; v++) {
        const { jpeg } = await renderBenchView(type, 1000 + v, {
          width: 320,
          height: 240,
          background: (['wood', 'esd-mat', 'metal'] as const)[(b + v) % 3],
          nuisance: { occlusion: 0 },
        });
        jpegs.push(jpeg);
      }
    }
    const z = await encoder.encodeImages(jpegs);
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, v, i) => sum + v * b[i]!, 0);
    let right = 0;
    for (let i = 0; i < z.length; i++) {
      let best = -1;
      let bestScore = -2;
      for (let j = 0; j < z.length; j++) {
        const score = j === i ? -2 : dot(z[i]!, z[j]!);
        if (score > bestScore) [best, bestScore] = [j, score];
      }
      if (Math.floor(best / VIEWS) === Math.floor(i / VIEWS)) right++;
    }
    expect(right).toBeGreaterThanOrEqual(28);
  });
});
