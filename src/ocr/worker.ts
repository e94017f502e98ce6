/**
 * The OCR worker thread: owns the engine. onnxruntime-node's session.run blocks its thread for the
 * whole inference (hundreds of ms for a slot), so reading happens here, never on the event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../errors.ts';
import { type StartupMessage, startupFailure } from '../threads/start.ts';
import { OcrEngine, type OcrEngineOptions } from './engine.ts';
import type { OcrResult } from './types.ts';

export type ToOcrWorker =
  | { type: 'read'; id: number; pixels: ArrayBuffer; width: number; height: number }
  | { type: 'stop' };

export type FromOcrWorker =
  | { type: 'ready' }
  | StartupMessage
  | { type: 'result'; id: number; result: OcrResult }
  | { type: 'error'; id: number; message: string }
  | { type: 'stopped' };

const port = parentPort!;
const post = (msg: FromOcrWorker) => port.postMessage(msg);

let engine: OcrEngine;
try {
  engine = await OcrEngine.open((workerData as { init: OcrEngineOptions }).init);
  post({ type: 'ready' });
} catch (err) {
  post(startupFailure(err));
  process.exit(0);
}

port.on('message', async (msg: ToOcrWorker) => {
  if (msg.type === 'stop') {
    await engine.release();
    post({ type: 'stopped' });
    port.close();
    return;
  }
  try {
    const image = {
      data: new Uint8Array(msg.pixels),
      width: msg.width,
      height: msg.height,
      channels: 3 as const,
    };
    post({ type: 'result', id: msg.id, result: await engine.read(image) });
  } catch (err) {
    post({ type: 'error', id: msg.id, message: errorMessage(err) });
  }
});
