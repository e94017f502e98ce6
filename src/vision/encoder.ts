import { existsSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import type { InferenceSession } from 'onnxruntime-node';
import type { Rect } from '../config/schema.ts';
import { BenchsightError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { startWorker } from '../threads/start.ts';
import type { EncoderReady, ExecutionProvider, FromWorker, ToWorker, WorkerInit } from './encoder-worker.ts';
import type { RawImage } from './image.ts';
import { inputSize, type LoadedManifest, type ModelManifest } from './manifest.ts';
import { pooledOutput } from './pooling.ts';
import { preprocess } from './preprocess.ts';

export type { ExecutionProvider } from './encoder-worker.ts';

export interface EncoderOptions {
  /** Tried in order; an unavailable one is skipped with one warning. */
  executionProviders: ExecutionProvider[];
  /** onnxruntime intra-op threads; 0: onnxruntime's default (one per core). */
  intraOpThreads: number;
  logger?: Pick<Logger, 'warn' | 'info'> & Partial<Pick<Logger, 'error'>>;
}

const ENABLE_HINT: Record<ExecutionProvider, string> = {
  cuda:
    'install onnxruntime-node\'s CUDA binaries with "ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node" ' +
    '(needs an NVIDIA driver, CUDA 12 and cuDNN 9)',
  tensorrt:
    'install onnxruntime-node\'s CUDA binaries with "ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node" ' +
    'and put the TensorRT 10 libraries on LD_LIBRARY_PATH',
  cpu: 'the CPU provider is built in',
};

const STOP_TIMEOUT_MS = 5000;
/**
 * A thread that dies (an uncaught error, out of memory) is started again, the batches in flight
 * failed with the reason: a daemon that runs all day must not go blind for good over one bad moment.
 * At most RESTART_MAX restarts within RESTART_WINDOW_MS: a thread that keeps dying (a model that
 * crashes it on every batch) stays down, every encode saying why.
 */
export const RESTART_MAX = 3;
const RESTART_WINDOW_MS = 10 * 60_000;
/** For tests: the encoder's current thread (to end it as a crash would). */
export const ENCODER_THREAD = Symbol.for('benchsight.test.encoderThread');
/** Transfer buffers kept per batch size: one per batch in flight (the daemon keeps two). */
const TRANSFER_POOL = 3;

/**
 * onnxruntime options of every encoder session, but the providers (the benchmark's bare reference
 * uses them too). Intra-op threads do not spin-wait for work between operators: a spinning thread
 * keeps a core busy that preprocessing on the main thread, and the rest of the box, need; on a
 * 2-core bench PC that costs more than it saves (npm run bench).
 */
export function sessionOptions(intraOpThreads: number): InferenceSession.SessionOptions {
  return {
    graphOptimizationLevel: 'all',
    ...(intraOpThreads > 0 ? { intraOpNumThreads: intraOpThreads } : {}),
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}

interface Pending {
  resolve(embeddings: Float32Array): void;
  reject(err: Error): void;
  count: number;
}

/**
 * The one onnxruntime adapter. The session lives in a worker thread, so encoding never blocks the
 * event loop. Build it with createEncoder(); stop() releases the session and the thread.
 */
export class Encoder {
  readonly modelId: string;
  /** Embedding length. */
  readonly dim: number;
  /** [height, width] of the model input. */
  readonly inputSize: [number, number];
  /** Execution providers the session was created with, in priority order. */
  readonly providers: ExecutionProvider[];
  #worker: Worker;
  readonly #init: WorkerInit;
  readonly #logger: EncoderOptions['logger'];
  /** Times the thread was started again, within RESTART_WINDOW_MS. */
  #restarts: number[] = [];
  #restarting: Promise<void> | null = null;
  readonly #manifest: ModelManifest;
  readonly #inputLength: number;
  /**
   * Per batch size: the buffers that travel to the worker and back (detached while they are there),
   * up to TRANSFER_POOL of them, one per batch in flight, so that a daemon keeping two frames in
   * flight reuses its buffers instead of allocating one per frame (a 320x240 frame's batch is 0.9 MB
   * of external memory, which drove the main thread's full garbage collections).
   */
  readonly #transfer = new Map<number, ArrayBuffer[]>();
  /** Per batch size: a buffer callers may fill (see inputBuffer). */
  readonly #inputs = new Map<number, Float32Array>();
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #queue: Promise<unknown> = Promise.resolve();
  #failure: Error | null = null;
  #stopped = false;

  private constructor(
    worker: Worker,
    loaded: LoadedManifest,
    providers: ExecutionProvider[],
    init: WorkerInit,
    logger: EncoderOptions['logger'],
  ) {
    this.#worker = worker;
    this.#init = init;
    this.#logger = logger;
    this.#manifest = loaded.manifest;
    this.modelId = loaded.manifest.id;
    this.dim = loaded.manifest.embeddingSize;
    this.inputSize = inputSize(loaded.manifest);
    this.#inputLength = 3 * this.inputSize[0] * this.inputSize[1];
    this.providers = providers;
    this.#attach(worker);
  }

  /** Listens to a thread: its results, and its death (the first of 'error' and 'exit' counts). */
  #attach(worker: Worker): void {
    worker.on('message', (msg: FromWorker) => this.#onMessage(msg));
    let dead = false;
    const died = (err: Error) => {
      // a thread that throws reports 'error', then 'exit': one death, one restart
      if (dead || worker !== this.#worker || this.#stopped) return;
      dead = true;
      this.#fail(err);
      this.#restart(err);
    };
    worker.on('error', died);
    worker.on('exit', (code) => died(new Error(`encoder thread exited (code ${code})`)));
  }

  /** Starts the thread again after it died (see RESTART_MAX); encodes fail meanwhile, saying so. */
  #restart(cause: Error): void {
    const now = Date.now();
    this.#restarts = this.#restarts.filter((t) => now - t < RESTART_WINDOW_MS);
    if (this.#restarts.length >= RESTART_MAX) {
      this.#failure = new BenchsightError(
        'E_MODEL_RUN',
        `encoder ${this.modelId} thread died ${RESTART_MAX + 1} times within ${RESTART_WINDOW_MS / 60_000} minutes, not started again (last: ${cause.message}); restart the daemon`,
        { cause },
      );
      this.#logger?.error?.({ err: cause.message }, 'encoder thread keeps dying: not started again');
      return;
    }
    this.#restarts.push(now);
    this.#logger?.warn({ err: cause.message }, 'encoder thread died: starting it again');
    this.#restarting = startWorker<EncoderReady>(import.meta.url, './encoder-worker', this.#init, 'encoder')
      .then(
        async ({ worker }) => {
          if (this.#stopped) {
            await worker.terminate();
            return;
          }
          this.#worker = worker;
          this.#transfer.clear();
          this.#attach(worker);
          this.#failure = null;
          this.#logger?.info(`encoder ${this.modelId} thread started again`);
        },
        (err: unknown) => {
          this.#failure = new BenchsightError(
            'E_MODEL_RUN',
            `encoder ${this.modelId} thread died and could not be started again: ${err instanceof Error ? err.message : String(err)}`,
            { cause: err },
          );
          this.#logger?.error?.({ err: this.#failure.message }, 'encoder thread not started again');
        },
      )
      .finally(() => {
        this.#restarting = null;
      });
  }

  get [ENCODER_THREAD](): Worker {
    return this.#worker;
  }

  /** Loads the model, checks it against the manifest and runs one warm-up batch. */
  static async create(loaded: LoadedManifest, opts: EncoderOptions): Promise<Encoder> {
    const { manifest, manifestPath, modelPath } = loaded;
    if (!existsSync(modelPath)) {
      throw new BenchsightError(
        'E_MODEL_MISSING',
        manifest.source?.url
          ? `model file ${modelPath} not found: ${manifest.name} is not installed yet; run \`benchsight model fetch ${manifest.name}\` (or \`--from FILE\` on a bench without internet)`
          : `model file ${modelPath} not found (manifest ${manifestPath} names "${manifest.file}", relative to the manifest); ` +
              'put the ONNX file there, or rebuild it as scripts/model/README.md shows',
      );
    }
    const init: WorkerInit = {
      modelPath,
      manifestPath,
      executionProviders: opts.executionProviders.length > 0 ? [...opts.executionProviders] : ['cpu'],
      sessionOptions: sessionOptions(opts.intraOpThreads),
      inputName: manifest.inputName,
      outputName: pooledOutput(manifest),
      pooling: manifest.pooling,
      dim: manifest.embeddingSize,
      inputSize: inputSize(manifest),
    };
    const { worker, ready } = await startWorker<EncoderReady>(
      import.meta.url,
      './encoder-worker',
      init,
      'encoder',
    );
    if (ready.unavailable.length > 0) {
      const lines = ready.unavailable.map(
        (u) => `${u.provider} (${u.message}): to enable it, ${ENABLE_HINT[u.provider]}`,
      );
      opts.logger?.warn(
        `execution provider${lines.length > 1 ? 's' : ''} unavailable, using ${ready.providers.join(', ')} instead: ${lines.join('; ')}`,
      );
    }
    const encoder = new Encoder(worker, loaded, ready.providers, init, opts.logger);
    opts.logger?.info(
      `encoder ${manifest.id} ready on ${ready.providers.join(', ')}: input ${encoder.inputSize.join('x')}, ` +
        `${encoder.dim}-d ${manifest.pooling} embeddings, warm-up ${ready.warmupMs.toFixed(0)} ms`,
    );
    return encoder;
  }

  /**
   * A zeroed-on-creation Float32Array of `count` model inputs that this encoder keeps for that batch
   * size: fill it with preprocess({ out, offset }) and pass it to encode(). The same array is
   * returned on every call for that size, so it serves one caller at a time.
   */
  inputBuffer(count: number): Float32Array {
    let buf = this.#inputs.get(count);
    if (!buf) {
      buf = new Float32Array(count * this.#inputLength);
      this.#inputs.set(count, buf);
    }
    return buf;
  }

  /**
   * Encodes `count` preprocessed images (CHW, back to back at the start of `batch`). Resolves to a
   * new Float32Array of count x dim L2-normalised embeddings, owned by the caller. `batch` is copied
   * before the promise is created, so the caller may refill it at once. Calls run one at a time, in
   * the order they were made.
   */
  encode(batch: Float32Array, count: number): Promise<Float32Array> {
    if (!Number.isInteger(count) || count < 1 || batch.length < count * this.#inputLength) {
      return Promise.reject(
        new RangeError(
          `encode: ${count} images need ${count * this.#inputLength} floats, got ${batch.length}`,
        ),
      );
    }
    if (this.#stopped || this.#failure) {
      return Promise.reject(
        new BenchsightError(
          'E_MODEL_RUN',
          this.#restarting
            ? `encoder ${this.modelId} is starting again (${this.#failure?.message ?? 'its thread died'})`
            : `encoder ${this.modelId} is not running (${this.#failure?.message ?? 'stopped'})`,
        ),
      );
    }
    const size = count * this.#inputLength;
    const transfer = this.#transfer.get(count)?.pop() ?? new ArrayBuffer(size * 4);
    new Float32Array(transfer).set(batch.subarray(0, size));
    // Posted at once: the worker runs batches one at a time, in order, so a batch sent while another
    // runs starts as soon as that one ends, without a round trip through this thread.
    const job = this.#send(transfer, count);
    this.#queue = Promise.all([this.#queue, job.catch(() => undefined)]);
    return job;
  }

  /**
   * Preprocesses and encodes images (optionally one region each) as one batch; one embedding per
   * image. Uses its own input array, so concurrent calls do not share buffers.
   */
  async encodeImages(
    images: readonly (Buffer | RawImage)[],
    regions?: readonly (Rect | undefined)[],
  ): Promise<Float32Array[]> {
    const count = images.length;
    if (count === 0) return [];
    const batch = new Float32Array(count * this.#inputLength);
    for (let i = 0; i < count; i++) {
      await preprocess(images[i]!, this.#manifest, {
        region: regions?.[i],
        out: batch,
        offset: i * this.#inputLength,
      });
    }
    const flat = await this.encode(batch, count);
    return Array.from({ length: count }, (_, i) => flat.subarray(i * this.dim, (i + 1) * this.dim));
  }

  /** Waits for the running batch, then releases the session and ends the thread. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#queue;
    await this.#restarting;
    if (!this.#failure) {
      const stopped = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, STOP_TIMEOUT_MS);
        this.#worker.on('message', (msg: FromWorker) => {
          if (msg.type === 'stopped') {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      this.#worker.postMessage({ type: 'stop' } satisfies ToWorker);
      await stopped;
    }
    await this.#worker.terminate();
  }

  #send(input: ArrayBuffer, count: number): Promise<Float32Array> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise<Float32Array>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, count });
      this.#worker.postMessage({ type: 'run', id, input, count } satisfies ToWorker, [input]);
    });
  }

  #onMessage(msg: FromWorker): void {
    if (msg.type !== 'result' && msg.type !== 'error') return;
    const pending = this.#pending.get(msg.id);
    if (!pending) return;
    this.#pending.delete(msg.id);
    const pool = this.#transfer.get(pending.count) ?? [];
    if (pool.length < TRANSFER_POOL) pool.push(msg.input);
    this.#transfer.set(pending.count, pool);
    if (msg.type === 'result') pending.resolve(new Float32Array(msg.embeddings));
    else pending.reject(new BenchsightError('E_MODEL_RUN', `encoder ${this.modelId}: ${msg.message}`));
  }

  #fail(err: Error): void {
    this.#failure = new BenchsightError('E_MODEL_RUN', `encoder ${this.modelId} failed: ${err.message}`, {
      cause: err,
    });
    for (const p of this.#pending.values()) p.reject(this.#failure);
    this.#pending.clear();
  }
}

/** Starts an encoder for a loaded manifest (see Encoder.create). */
export function createEncoder(loaded: LoadedManifest, opts: EncoderOptions): Promise<Encoder> {
  return Encoder.create(loaded, opts);
}
