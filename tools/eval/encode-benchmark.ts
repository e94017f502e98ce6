import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { Encoder } from '../../src/vision/encoder.ts';
import { inputSize, type LoadedManifest } from '../../src/vision/manifest.ts';
import { preprocess } from '../../src/vision/preprocess.ts';

export interface EncodeTimes {
  /** Median ms to preprocess one camera frame (decode, resize, normalise). */
  preprocessMs: number;
  /** Median ms of Encoder.encode for one bench slot (worker thread, L2 normalisation). */
  encodeMs: number;
  /** Median ms of a bare onnxruntime session.run on the same input, same options. */
  bareMs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(runs: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 5; i++) await fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

/** Times one slot through benchsight's Encoder beside a bare session.run of the same model and input. */
export async function benchmarkEncode(
  loaded: LoadedManifest,
  encoder: Encoder,
  frame: Buffer,
  intraOpThreads: number,
  runs: number,
): Promise<EncodeTimes> {
  const { manifest } = loaded;
  const [h, w] = inputSize(manifest);
  const preprocessMs = await time(runs, () => preprocess(frame, manifest));
  const input = await preprocess(frame, manifest);
  const encodeMs = await time(runs, () => encoder.encode(input, 1));
  const session = await InferenceSession.create(loaded.modelPath, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    ...(intraOpThreads > 0 ? { intraOpNumThreads: intraOpThreads } : {}),
  });
  try {
    const output = manifest.pooling === 'pooler' ? manifest.outputs.pooler : manifest.outputs.lastHiddenState;
    const feeds = { [manifest.inputName]: new Tensor('float32', input, [1, 3, h, w]) };
    const bareMs = await time(runs, () => session.run(feeds, [output]));
    return { preprocessMs, encodeMs, bareMs };
  } finally {
    await session.release();
  }
}
