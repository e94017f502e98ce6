import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EncodeBatcher } from '../../src/pipeline/encode-batcher.ts';
import { createEncoder, type Encoder } from '../../src/vision/encoder.ts';
import { loadManifest } from '../../src/vision/manifest.ts';
import { preprocess } from '../../src/vision/preprocess.ts';
import { pattern } from '../helpers/daemon.ts';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const tiny = loadManifest(`${fixtures}tiny-vit.json`, fixtures);

describe('EncodeBatcher: one encoder for every camera (real onnxruntime, tiny ViT)', () => {
  let encoder: Encoder;
  const inputs: Float32Array[] = [];

  beforeAll(async () => {
    encoder = await createEncoder(tiny, { executionProviders: ['cpu'], intraOpThreads: 1 });
    const [h, w] = encoder.inputSize;
    for (let i = 0; i < 5; i++) {
      const input = new Float32Array(3 * h * w);
      await preprocess(await pattern(70 + i), tiny.manifest, { out: input, offset: 0 });
      inputs.push(input);
    }
  });
  afterAll(async () => {
    await encoder?.stop();
  });

  it('sends what waits while the encoder is busy as one batch, and gives each camera its own embeddings', async () => {
    const alone = await Promise.all(inputs.map((input) => encoder.encode(input, 1)));
    const batcher = new EncodeBatcher();
    // five cameras' frames due at the same moment: two go at once, the three others wait and go together
    const together = await Promise.all(inputs.map((input) => batcher.encode(encoder, input, 1)));
    expect(batcher.counts).toEqual({ batches: 3, images: 5 });
    for (const [i, embedding] of together.entries()) {
      expect(embedding.length).toBe(encoder.dim);
      const reference = alone[i]!;
      const cosine = embedding.reduce((sum, v, j) => sum + v * reference[j]!, 0);
      expect(cosine).toBeGreaterThan(0.9999);
    }
  });

  it('copies the input at once (the caller refills it), and a stopped encoder fails every waiting camera', async () => {
    const batcher = new EncodeBatcher();
    const buffer = Float32Array.from(inputs[0]!);
    const first = batcher.encode(encoder, buffer, 1);
    buffer.set(inputs[1]!);
    const second = batcher.encode(encoder, buffer, 1);
    const [a, b] = await Promise.all([first, second]);
    expect(a).not.toEqual(b);

    const stopping = await createEncoder(tiny, { executionProviders: ['cpu'], intraOpThreads: 1 });
    const waiting = Promise.allSettled(inputs.map((input) => batcher.encode(stopping, input, 1)));
    await stopping.stop();
    const outcomes = await waiting;
    // each settles: fulfilled (it ran before the stop) or rejected, never left waiting
    expect(outcomes).toHaveLength(inputs.length);
    expect(outcomes.some((o) => o.status === 'rejected')).toBe(true);
    await expect(batcher.encode(stopping, inputs[0]!, 1)).rejects.toMatchObject({ code: 'E_MODEL_RUN' });
  });
});
