import type { Worker } from 'node:worker_threads';
import { type Rect, WHOLE_FRAME } from '../config/schema.ts';
import { BenchsightError, errorMessage } from '../errors.ts';
import { startWorker } from '../threads/start.ts';
import { type RawImage, regionToPixels } from '../vision/image.ts';
import type { OcrEngineOptions } from './engine.ts';
import type { OcrResult } from './types.ts';
import type { FromOcrWorker, ToOcrWorker } from './worker.ts';

const STOP_TIMEOUT_MS = 5000;

interface Pending {
  resolve(result: OcrResult): void;
  reject(err: Error): void;
}

/** The pixels of one region of an image, as a new buffer that can be handed to another thread. */
export function cropPixels(
  image: RawImage,
  region: Rect,
): { pixels: ArrayBuffer; width: number; height: number } {
  const px = regionToPixels(region, image.width, image.height);
  const row = px.width * 3;
  const out = new Uint8Array(row * px.height);
  for (let y = 0; y < px.height; y++) {
    const start = ((px.top + y) * image.width + px.left) * 3;
    out.set(image.data.subarray(start, start + row), y * row);
  }
  return { pixels: out.buffer, width: px.width, height: px.height };
}

/**
 * Reads text off images in a worker thread (see worker.ts), one image at a time in call order.
 * Build it with OcrReader.open(); stop() releases the networks and the thread.
 */
export class OcrReader {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #failure: Error | null = null;
  #stopped = false;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (msg: FromOcrWorker) => this.#onMessage(msg));
    worker.on('error', (err) => this.#fail(err));
    worker.on('exit', (code) => {
      if (!this.#stopped) this.#fail(new Error(`OCR thread exited (code ${code})`));
    });
  }

  static async open(init: OcrEngineOptions): Promise<OcrReader> {
    const { worker } = await startWorker<{ type: 'ready' }>(import.meta.url, './worker', init, 'OCR');
    return new OcrReader(worker);
  }

  /** False once the worker has died (it is not restarted: open a new reader). */
  get alive(): boolean {
    return !this.#stopped && this.#failure === null;
  }

  /** Reads the text of `region` (fractions of the image; omitted: all of it). Boxes are fractions of the region. */
  read(image: RawImage, region: Rect = WHOLE_FRAME): Promise<OcrResult> {
    if (this.#stopped || this.#failure) {
      return Promise.reject(
        new BenchsightError('E_MODEL_RUN', `OCR is not running (${this.#failure?.message ?? 'stopped'})`),
      );
    }
    const { pixels, width, height } = cropPixels(image, region);
    const id = this.#nextId++;
    return new Promise<OcrResult>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      const msg: ToOcrWorker = { type: 'read', id, pixels, width, height };
      this.#worker.postMessage(msg, [pixels]);
    });
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#failure) {
      await this.#worker.terminate();
      return;
    }
    const stopped = new Promise<void>((resolve) => {
      const timer = setTimeout(() => void this.#worker.terminate().then(() => resolve()), STOP_TIMEOUT_MS);
      this.#worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.#worker.postMessage({ type: 'stop' } satisfies ToOcrWorker);
    await stopped;
    this.#rejectAll(new BenchsightError('E_MODEL_RUN', 'OCR stopped'));
  }

  #onMessage(msg: FromOcrWorker): void {
    if (msg.type === 'result' || msg.type === 'error') {
      const pending = this.#pending.get(msg.id);
      this.#pending.delete(msg.id);
      if (msg.type === 'result') pending?.resolve(msg.result);
      else pending?.reject(new BenchsightError('E_MODEL_RUN', `OCR failed: ${msg.message}`));
    } else if (msg.type === 'stopped') {
      void this.#worker.terminate();
    }
  }

  #fail(err: unknown): void {
    this.#failure ??= err instanceof Error ? err : new Error(errorMessage(err));
    this.#rejectAll(new BenchsightError('E_MODEL_RUN', `OCR thread failed: ${this.#failure.message}`));
  }

  #rejectAll(err: Error): void {
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
  }
}
