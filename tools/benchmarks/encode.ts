import { InferenceSession, Tensor } from 'onnxruntime-node';
import { createEncoder, sessionOptions } from '../../src/vision/encoder.ts';
import { inputSize, type LoadedManifest } from '../../src/vision/manifest.ts';
import { pooledOutput } from '../../src/vision/pooling.ts';
import { preprocess } from '../../src/vision/preprocess.ts';
import { median, timeInterleaved, timeRuns } from './stats.ts';

export interface EncodeResult {
  slots: number;
  /** Median ms per slot through benchsight's Encoder (worker thread, pooling, normalisation). */
  oursMs: number;
  /** Median ms per slot of a bare session.run on the same model, options and input. */
  bareMs: number;
  runs: number;
}

export interface EncodeOptions {
  /** Slots per frame: encoded as one batch. */
  slots: number[];
  runs: number;
  /** onnxruntime intra-op threads as the daemon's config sets them (0: onnxruntime's default). */
  intraOpThreads: number;
}

/**
 * benchsight's Encoder beside a bare onnxruntime-node session.run, the same model, session
 * options (CPU, sessionOptions: threads, graph optimisation, no spinning) and input (a preprocessed bench frame per slot), in
 * alternating blocks of consecutive calls, as the frame loop makes them (see timeInterleaved).
 */
export async function benchmarkEncode(
  loaded: LoadedManifest,
  frame: Buffer,
  opts: EncodeOptions,
): Promise<EncodeResult[]> {
  const { manifest } = loaded;
  const [h, w] = inputSize(manifest);
  const one = await preprocess(frame, manifest);
  const encoder = await createEncoder(loaded, {
    executionProviders: ['cpu'],
    intraOpThreads: opts.intraOpThreads,
  });
  const session = await InferenceSession.create(loaded.modelPath, {
    ...sessionOptions(opts.intraOpThreads),
    executionProviders: ['cpu'],
  });
  const output = pooledOutput(manifest);
  try {
    const results: EncodeResult[] = [];
    for (const slots of opts.slots) {
      const batch = new Float32Array(slots * one.length);
      for (let i = 0; i < slots; i++) batch.set(one, i * one.length);
      const feeds = { [manifest.inputName]: new Tensor('float32', batch, [slots, 3, h, w]) };
      const times = await timeInterleaved(
        () => encoder.encode(batch, slots),
        () => session.run(feeds, [output]),
        { runs: opts.runs, block: 5, warmup: 2 },
      );
      results.push({
        slots,
        oursMs: median(times.a) / slots,
        bareMs: median(times.b) / slots,
        runs: opts.runs,
      });
    }
    return results;
  } finally {
    await session.release();
    await encoder.stop();
  }
}

/** Median ms of a bare session.run on one preprocessed frame, over about `budgetMs` of calls. */
export async function bareInferenceMs(
  loaded: LoadedManifest,
  frame: Buffer,
  intraOpThreads: number,
  budgetMs: number,
): Promise<number> {
  const { manifest } = loaded;
  const [h, w] = inputSize(manifest);
  const input = await preprocess(frame, manifest);
  const session = await InferenceSession.create(loaded.modelPath, {
    ...sessionOptions(intraOpThreads),
    executionProviders: ['cpu'],
  });
  try {
    const feeds = { [manifest.inputName]: new Tensor('float32', input, [1, 3, h, w]) };
    const run = () => session.run(feeds, [pooledOutput(manifest)]);
    const first = await timeRuns(3, run, 2);
    const runs = Math.max(5, Math.min(200, Math.round(budgetMs / median(first))));
    return median(await timeRuns(runs, run, 0));
  } finally {
    await session.release();
  }
}
