import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BenchsightError, type ErrorCode, errorMessage } from '../errors.ts';

/**
 * The start-up handshake of benchsight's worker threads (the encoder, OCR): the thread opens its
 * networks and posts one message, `ready` (with whatever it reports) or `failed` (with an error code
 * and a message for the user). A thread that dies or throws before that counts as a failed start.
 */
export type StartupMessage = { type: 'failed'; code: ErrorCode; message: string };

/** The `failed` message for an error thrown while a thread starts. */
export function startupFailure(err: unknown): StartupMessage {
  return {
    type: 'failed',
    code: err instanceof BenchsightError ? err.code : 'E_MODEL_RUN',
    message: errorMessage(err),
  };
}

/**
 * Starts the worker module `entry` (a sibling file of `caller`, named without extension: it runs from
 * source as .ts, through tsx, or built as .js) with `init` as its workerData, and waits for its first
 * message. Resolves with the thread and its `ready` message; throws the thread's own error otherwise.
 */
export async function startWorker<Ready extends { type: 'ready' }>(
  caller: string,
  entry: string,
  init: unknown,
  what: string,
): Promise<{ worker: Worker; ready: Ready }> {
  const ext = extname(fileURLToPath(caller));
  const worker = new Worker(new URL('./bootstrap.mjs', import.meta.url), {
    workerData: { entry: new URL(`${entry}${ext}`, caller).href, init },
  });
  const first = await new Promise<Ready | StartupMessage>((resolve) => {
    const done = (msg: Ready | StartupMessage) => {
      worker.off('message', done);
      worker.off('error', onError);
      worker.off('exit', onExit);
      resolve(msg);
    };
    const onError = (err: Error) => done({ type: 'failed', code: 'E_MODEL_RUN', message: err.message });
    const onExit = (code: number) =>
      done({
        type: 'failed',
        code: 'E_MODEL_RUN',
        message: `${what} thread exited during start (code ${code})`,
      });
    worker.on('message', done);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
  if (first.type !== 'ready') {
    await worker.terminate();
    throw new BenchsightError(first.code, first.message);
  }
  return { worker, ready: first };
}
