/**
 * The encoder's worker thread: owns the onnxruntime session. onnxruntime-node's session.run is
 * synchronous on the calling thread (its promise only defers the call), so running it here keeps
 * the daemon's event loop free while a batch is encoded.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { env, InferenceSession, Tensor } from 'onnxruntime-node';
import { BenchsightError, errorMessage } from '../errors.ts';
import { type StartupMessage, startupFailure } from '../threads/start.ts';
import { describeExpectation, firstNonFinite, signatureProblems } from './model-check.ts';
import { checkPooledDims, type Pooling, poolEmbeddings } from './pooling.ts';

export type ExecutionProvider = 'cuda' | 'tensorrt' | 'cpu';

export interface WorkerInit {
  modelPath: string;
  manifestPath: string;
  executionProviders: ExecutionProvider[];
  /** Everything but the providers (see sessionOptions in encoder.ts). */
  sessionOptions: InferenceSession.SessionOptions;
  inputName: string;
  outputName: string;
  pooling: Pooling;
  dim: number;
  /** [height, width] */
  inputSize: [number, number];
}

export type ToWorker = { type: 'run'; id: number; input: ArrayBuffer; count: number } | { type: 'stop' };

/** The start-up handshake's `ready` (see threads/start.ts): the session runs on these providers. */
export interface EncoderReady {
  type: 'ready';
  providers: ExecutionProvider[];
  unavailable: { provider: ExecutionProvider; message: string }[];
  warmupMs: number;
}

export type FromWorker =
  | EncoderReady
  | StartupMessage
  | { type: 'result'; id: number; input: ArrayBuffer; embeddings: ArrayBuffer }
  | { type: 'error'; id: number; input: ArrayBuffer; message: string }
  | { type: 'stopped' };

interface Opened {
  session: InferenceSession;
  providers: ExecutionProvider[];
  unavailable: { provider: ExecutionProvider; message: string }[];
}

/**
 * Tries the providers in order: a provider whose library cannot be loaded is dropped and the rest
 * are tried. A failure with CPU first means the model itself cannot be loaded.
 */
async function openSession(init: WorkerInit): Promise<Opened> {
  const unavailable: Opened['unavailable'] = [];
  const requested = init.executionProviders;
  for (let i = 0; i < requested.length; i++) {
    const providers = requested.slice(i);
    try {
      const session = await InferenceSession.create(init.modelPath, {
        ...init.sessionOptions,
        executionProviders: providers,
      });
      return { session, providers, unavailable };
    } catch (err) {
      if (providers[0] === 'cpu') {
        throw new BenchsightError(
          'E_MODEL_MISSING',
          `model file ${init.modelPath} (named by ${init.manifestPath}) could not be loaded by onnxruntime: ` +
            `expected an ONNX model with ${describeExpectation(init)}, found a file that is not a valid ONNX model ` +
            `(${errorMessage(err)}); rebuild it or download it again`,
          { cause: err },
        );
      }
      unavailable.push({ provider: providers[0]!, message: errorMessage(err) });
    }
  }
  throw new BenchsightError(
    'E_DEPENDENCY',
    `none of the execution providers [${requested.join(', ')}] is available ` +
      `(${unavailable.map((u) => `${u.provider}: ${u.message}`).join('; ')}); add "cpu" to model.executionProviders`,
  );
}

function checkSignature(session: InferenceSession, init: WorkerInit): void {
  const problems = signatureProblems(session.inputMetadata, session.outputMetadata, init);
  if (problems.length > 0) throw mismatch(init, problems);
}

function mismatch(init: WorkerInit, problems: string[]): BenchsightError {
  return new BenchsightError(
    'E_MODEL_MANIFEST',
    `model ${init.modelPath} does not match its manifest ${init.manifestPath}: ${problems.join('; ')}. ` +
      'Use the file the manifest describes, or fix the manifest (inputName, preprocess size, outputs, pooling, embeddingSize)',
  );
}

async function run(session: InferenceSession, init: WorkerInit, input: Float32Array, count: number) {
  const [h, w] = init.inputSize;
  const feeds = { [init.inputName]: new Tensor('float32', input, [count, 3, h, w]) };
  const result = await session.run(feeds, [init.outputName]);
  const output = result[init.outputName]!;
  if (output.type !== 'float32') {
    throw new BenchsightError(
      'E_MODEL_MANIFEST',
      `model ${init.modelPath}: output "${init.outputName}" is ${output.type}; benchsight needs float32 outputs`,
    );
  }
  return { data: output.data as Float32Array, dims: output.dims };
}

async function main(): Promise<void> {
  const port = parentPort!;
  const init = workerData.init as WorkerInit;
  const post = (msg: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);
  // Failed provider probes are reported once by the encoder; onnxruntime's own log would repeat them.
  env.logLevel = 'fatal';
  let session: InferenceSession;
  try {
    const opened = await openSession(init);
    session = opened.session;
    checkSignature(session, init);
    const [h, w] = init.inputSize;
    const t0 = performance.now();
    // The warm-up is also the proof that the file computes: one blank input, finite values out.
    const warm = await run(session, init, new Float32Array(3 * h * w), 1).catch((err) => {
      throw mismatch(init, [
        `expected one inference on a blank [1, 3, ${h}, ${w}] input, found: ${errorMessage(err)}`,
      ]);
    });
    const problem = checkPooledDims(warm.dims, init.pooling, init.dim);
    if (problem) {
      throw mismatch(init, [
        `output "${init.outputName}" does not fit pooling "${init.pooling}": ${problem}`,
      ]);
    }
    const bad = firstNonFinite(warm.data);
    if (bad >= 0) {
      throw mismatch(init, [
        `expected finite values from a blank input, found ${warm.data[bad]} at index ${bad} of "${init.outputName}"`,
      ]);
    }
    post({
      type: 'ready',
      providers: opened.providers,
      unavailable: opened.unavailable,
      warmupMs: performance.now() - t0,
    });
  } catch (err) {
    post(startupFailure(err));
    return;
  }

  const handle = async (msg: ToWorker): Promise<void> => {
    if (msg.type === 'stop') {
      await session.release();
      post({ type: 'stopped' });
      port.close();
      return;
    }
    try {
      const out = await run(session, init, new Float32Array(msg.input), msg.count);
      const embeddings = new Float32Array(msg.count * init.dim);
      poolEmbeddings(out.data, out.dims, init.pooling, msg.count, init.dim, embeddings);
      post({ type: 'result', id: msg.id, input: msg.input, embeddings: embeddings.buffer }, [
        msg.input,
        embeddings.buffer,
      ]);
    } catch (err) {
      post({ type: 'error', id: msg.id, input: msg.input, message: errorMessage(err) }, [msg.input]);
    }
  };
  // One message at a time, in order: a batch posted while another runs waits here, not in the caller.
  let chain = Promise.resolve();
  port.on('message', (msg: ToWorker) => {
    chain = chain.then(() => handle(msg)).catch(() => undefined);
  });
}

await main();
