import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEncoder, type Encoder } from '../../src/vision/encoder.ts';
import { type LoadedManifest, loadManifest, manifestSchema } from '../../src/vision/manifest.ts';
import { preprocess } from '../../src/vision/preprocess.ts';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const tiny = loadManifest(join(fixtures, 'tiny-vit.json'), fixtures);
const bundled = loadManifest(
  fileURLToPath(new URL('../../models/benchsight-tiny.json', import.meta.url)),
  'models',
);
const cpu = { executionProviders: ['cpu' as const], intraOpThreads: 1 };

/** The tiny fixture model under a manifest with other settings. */
function variant(overrides: Record<string, unknown>, modelPath = tiny.modelPath): LoadedManifest {
  const manifest = manifestSchema.parse({ ...tiny.manifest, ...overrides });
  return { manifest, manifestPath: tiny.manifestPath, modelPath };
}

function norm(v: Float32Array): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return d / Math.sqrt(na * nb);
}

/** Three different 32x32 inputs for the tiny model. */
async function tinyBatch(): Promise<Float32Array> {
  const batch = new Float32Array(3 * 3 * 32 * 32);
  const colours = ['#d03020', '#20a040', '#203080'];
  for (let i = 0; i < 3; i++) {
    const img = await sharp({ create: { width: 48, height: 40, channels: 3, background: colours[i]! } })
      .composite([
        {
          input: { create: { width: 16, height: 16, channels: 3, background: '#ffffff' } },
          left: i * 12,
          top: 10,
        },
      ])
      .png()
      .toBuffer();
    await preprocess(img, tiny.manifest, { out: batch, offset: i * 3 * 32 * 32 });
  }
  return batch;
}

describe('encoder on the tiny fixture model', () => {
  let encoder: Encoder;
  beforeAll(async () => {
    encoder = await createEncoder(tiny, cpu);
  });
  afterAll(async () => {
    await encoder.stop();
  });

  it('reports the model it runs', () => {
    expect(encoder.modelId).toBe('tiny-vit@random-1');
    expect(encoder.dim).toBe(32);
    expect(encoder.inputSize).toEqual([32, 32]);
    expect(encoder.providers).toEqual(['cpu']);
  });

  it('returns count x dim L2-normalised embeddings, a batch of 3 equal to 3 single runs', async () => {
    const batch = await tinyBatch();
    const all = await encoder.encode(batch, 3);
    expect(all).toHaveLength(3 * 32);
    const per = 3 * 32 * 32;
    for (let i = 0; i < 3; i++) {
      const one = await encoder.encode(batch.subarray(i * per, (i + 1) * per), 1);
      const row = all.subarray(i * 32, (i + 1) * 32);
      expect(norm(row)).toBeCloseTo(1, 5);
      for (let d = 0; d < 32; d++) expect(row[d]).toBeCloseTo(one[d]!, 5);
    }
    expect(cosine(all.subarray(0, 32), all.subarray(32, 64))).toBeLessThan(0.99);
  });

  it('mean pooling equals the mean of the patch tokens from a bare onnxruntime run', async () => {
    const batch = await tinyBatch();
    const session = await InferenceSession.create(tiny.modelPath);
    const out = await session.run({ pixel_values: new Tensor('float32', batch, [3, 3, 32, 32]) }, [
      'last_hidden_state',
    ]);
    await session.release();
    const hidden = out.last_hidden_state!.data as Float32Array;
    const [, tokens, dim] = out.last_hidden_state!.dims as number[];
    const got = await encoder.encode(batch, 3);
    for (let b = 0; b < 3; b++) {
      const mean = new Float32Array(dim!);
      for (let t = 1; t < tokens!; t++)
        for (let d = 0; d < dim!; d++) mean[d]! += hidden[(b * tokens! + t) * dim! + d]!;
      expect(cosine(mean, got.subarray(b * dim!, (b + 1) * dim!))).toBeGreaterThan(0.99999);
    }
  });

  it('copies the batch, so the caller may refill it while encoding', async () => {
    const batch = await tinyBatch();
    const first = encoder.encode(batch, 1);
    const expected = await encoder.encode(batch.slice(), 1);
    batch.fill(0);
    expect(Array.from(await first)).toEqual(Array.from(expected));
  });

  it('keeps several batches in flight apart, and again once their buffers come back for reuse', async () => {
    const batch = await tinyBatch();
    const per = 3 * 32 * 32;
    const image = (i: number) => batch.subarray(i * per, (i + 1) * per);
    const expected = await Promise.all(
      [0, 1, 2].map(async (i) => Array.from(await encoder.encode(image(i), 1))),
    );
    // three in flight at once, then three more on the buffers the first three brought back, in
    // another order: each result is its own image's
    for (const order of [
      [0, 1, 2],
      [2, 0, 1],
      [1, 2, 0],
    ]) {
      const got = await Promise.all(order.map((i) => encoder.encode(image(i), 1)));
      order.forEach((i, k) => {
        expect(Array.from(got[k]!)).toEqual(expected[i]);
      });
    }
  });

  it('encodes images with regions in one call', async () => {
    const img = await sharp({ create: { width: 64, height: 32, channels: 3, background: '#102030' } })
      .composite([
        {
          input: { create: { width: 32, height: 32, channels: 3, background: '#f0e0d0' } },
          left: 32,
          top: 0,
        },
      ])
      .png()
      .toBuffer();
    const [left, right, whole] = await encoder.encodeImages(
      [img, img, img],
      [{ x: 0, y: 0, width: 0.5, height: 1 }, { x: 0.5, y: 0, width: 0.5, height: 1 }, undefined],
    );
    expect(norm(left!)).toBeCloseTo(1, 5);
    expect(cosine(left!, right!)).toBeLessThan(0.99);
    const direct = await encoder.encode(await preprocess(img, tiny.manifest), 1);
    expect(cosine(whole!, direct)).toBeGreaterThan(0.99999);
  });

  it('rejects a batch shorter than count images', async () => {
    await expect(encoder.encode(new Float32Array(10), 1)).rejects.toThrow(RangeError);
  });
});

describe('encoder pooling modes', () => {
  it("'pooler' and 'cls' agree on a model whose pooler_output is the normalised CLS token; 'mean' differs", async () => {
    const batch = await tinyBatch();
    const out: Record<string, Float32Array> = {};
    for (const pooling of ['pooler', 'cls', 'mean'] as const) {
      const encoder = await createEncoder(variant({ pooling }), cpu);
      out[pooling] = await encoder.encode(batch, 3);
      await encoder.stop();
    }
    for (let b = 0; b < 3; b++) {
      const row = (p: string) => out[p]!.subarray(b * 32, (b + 1) * 32);
      expect(cosine(row('pooler'), row('cls'))).toBeGreaterThan(0.99999);
      expect(cosine(row('mean'), row('cls'))).toBeLessThan(0.99);
    }
  });
});

describe('encoder start-up errors', () => {
  it('E_MODEL_MISSING with a fix hint when the ONNX file is missing', async () => {
    const loaded = variant({}, join(fixtures, 'no-such-model.onnx'));
    await expect(createEncoder(loaded, cpu)).rejects.toMatchObject({
      code: 'E_MODEL_MISSING',
      message: expect.stringMatching(/no-such-model\.onnx not found.*scripts\/model\/README\.md/),
    });
  });

  it('E_MODEL_MISSING when the file is not an ONNX model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'benchsight-encoder-'));
    const bogus = join(dir, 'bogus.onnx');
    writeFileSync(bogus, 'not a model');
    await expect(createEncoder(variant({}, bogus), cpu)).rejects.toMatchObject({
      code: 'E_MODEL_MISSING',
      message: expect.stringMatching(/could not be loaded by onnxruntime/),
    });
  });

  it('E_MODEL_MANIFEST when the input or output names do not match', async () => {
    await expect(createEncoder(variant({ inputName: 'images' }), cpu)).rejects.toMatchObject({
      code: 'E_MODEL_MANIFEST',
      message: expect.stringMatching(/missing input "images" \(the model has: pixel_values\)/),
    });
    await expect(
      createEncoder(variant({ outputs: { lastHiddenState: 'hidden', pooler: 'pooler_output' } }), cpu),
    ).rejects.toMatchObject({ code: 'E_MODEL_MANIFEST', message: expect.stringMatching(/output "hidden"/) });
  });

  it('E_MODEL_MANIFEST when the embedding size does not match the model', async () => {
    await expect(createEncoder(variant({ embeddingSize: 384 }), cpu)).rejects.toMatchObject({
      code: 'E_MODEL_MANIFEST',
      message: expect.stringMatching(/expected dim 384.*got \[1, 17, 32\]/),
    });
  });
});

const ortBin = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
const cudaInstalled = existsSync(join(ortBin, 'bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so'));

describe.skipIf(cudaInstalled)('execution providers (this machine has no CUDA provider)', () => {
  it('cuda provider requested on a machine without a GPU falls back to CPU', async () => {
    const warnings: string[] = [];
    const logger = { warn: (m: string) => warnings.push(m), info: () => {} };
    const encoder = await createEncoder(tiny, {
      executionProviders: ['cuda', 'cpu'],
      intraOpThreads: 1,
      logger,
    });
    try {
      expect(encoder.providers).toEqual(['cpu']);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(
        /cuda .*Failed to load.*ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node/,
      );
      const out = await encoder.encode(await tinyBatch(), 3);
      expect(norm(out.subarray(0, 32))).toBeCloseTo(1, 5);
    } finally {
      await encoder.stop();
    }
  });

  it('E_DEPENDENCY when no requested provider is available', async () => {
    await expect(
      createEncoder(tiny, { executionProviders: ['cuda'], intraOpThreads: 1 }),
    ).rejects.toMatchObject({
      code: 'E_DEPENDENCY',
      message: expect.stringMatching(/add "cpu" to model\.executionProviders/),
    });
  });
});

describe('encoder lifecycle on the bundled model', () => {
  it('keeps the event loop responsive while a batch is encoded (the session runs in a worker thread)', async () => {
    const encoder = await createEncoder(bundled, { executionProviders: ['cpu'], intraOpThreads: 0 });
    try {
      const count = 64;
      const batch = encoder.inputBuffer(count);
      for (let i = 0; i < batch.length; i++) batch[i] = Math.sin(i);
      // Counted in turns of the event loop, not in milliseconds (a shared machine stalls any thread
      // now and then): an encode that blocked this thread would leave no turn to count before it ends.
      let turns = 0;
      let done = false;
      const spin = () => {
        if (done) return;
        turns++;
        setImmediate(spin);
      };
      setImmediate(spin);
      await encoder.encode(batch, count);
      done = true;
      console.log(`batch of ${count}: ${turns} event-loop turns while it was encoded`);
      expect(turns).toBeGreaterThan(10);
    } finally {
      await encoder.stop();
    }
  });

  it('refuses to encode after stop()', async () => {
    const encoder = await createEncoder(tiny, cpu);
    await encoder.stop();
    await expect(encoder.encode(new Float32Array(3 * 32 * 32), 1)).rejects.toMatchObject({
      code: 'E_MODEL_RUN',
    });
    await encoder.stop();
  });
});
