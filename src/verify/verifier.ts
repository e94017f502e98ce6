import type { Worker } from 'node:worker_threads';
import type { Rect } from '../config/schema.ts';
import { BenchsightError } from '../errors.ts';
import type { AlignedComparison, PixelBox } from '../inspect/opencv-inspect.ts';
import type { FoundBox } from '../inspect/regions.ts';
import type { RegionKind } from '../protocol.ts';
import { startWorker } from '../threads/start.ts';
import type { RawImage } from '../vision/image.ts';
import type { Agreement } from './agreement.ts';
import type { GreyPicture } from './agreement-grey.ts';
import { cropPixels, type LocalFeatures } from './features.ts';
import type { Quad } from './geometry.ts';
import type { MutualRescue, SettleRule } from './shortlist.ts';
import type { VerifyRun } from './types.ts';
import type { FromVerifyWorker, ReferenceFeatures, ToVerifyWorker } from './worker.ts';

type Pending = { resolve: (msg: FromVerifyWorker) => void; reject: (err: Error) => void };

/**
 * The daemon's door to the feature worker: started on first use (loading OpenCV takes about a
 * second, so a bench that never verifies pays nothing), started again after it died.
 */
export class Verifier {
  #worker: Promise<Worker> | null = null;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;

  /** Local features of `region` of an image (a reference being enrolled). */
  async extract(image: RawImage, region: Rect): Promise<LocalFeatures> {
    const crop = cropPixels(image, region);
    const msg = await this.#call((id) => ({
      type: 'extract',
      id,
      pixels: crop.data,
      width: crop.width,
      height: crop.height,
    }));
    if (msg.type !== 'features')
      throw new BenchsightError('E_MODEL_RUN', 'feature worker answered out of turn');
    return msg.features;
  }

  /**
   * Matches `region` of an image against each reference's stored features; with `settle`, the
   * homographies that cannot change that rule's decision are not estimated; with `rescue`, that
   * board's references get a second estimate from mutual matches (MutualRescue).
   */
  async verify(
    image: RawImage,
    region: Rect,
    references: ReferenceFeatures[],
    settle: SettleRule | null = null,
    rescue: MutualRescue | null = null,
  ): Promise<VerifyRun> {
    const t0 = performance.now();
    const crop = cropPixels(image, region);
    const msg = await this.#call((id) => ({
      type: 'verify',
      id,
      pixels: crop.data,
      width: crop.width,
      height: crop.height,
      references,
      settle,
      rescue,
    }));
    if (msg.type !== 'verified')
      throw new BenchsightError('E_MODEL_RUN', 'feature worker answered out of turn');
    return {
      queryKeypoints: msg.query.keypoints.length / 2,
      width: msg.query.width,
      height: msg.query.height,
      pairs: msg.pairs,
      ms: performance.now() - t0,
    };
  }

  /** Boxes on a reference picture that look like the marked one (reference pixels), best first. */
  async detectChips(
    image: RawImage,
    box: PixelBox,
    maxBoxes: number,
    expected: number | null = null,
  ): Promise<FoundBox[]> {
    const msg = await this.#call((id) => ({
      type: 'detect-chips',
      id,
      pixels: Uint8Array.from(image.data),
      width: image.width,
      height: image.height,
      box,
      maxBoxes,
      expected,
    }));
    if (msg.type !== 'chips') throw new BenchsightError('E_MODEL_RUN', 'feature worker answered out of turn');
    return msg.boxes;
  }

  /**
   * Where a known board's map reference lies in `region` of an image, for inspection: matched at
   * INSPECTION_FEATURES (finer than recognition's), the reference's features kept in the worker
   * under `referenceKey` (the picture's sha256: ids repeat across catalogs).
   * The outline is in a picture of `width` x `height` (the region at that detection size).
   */
  async align(
    image: RawImage,
    region: Rect,
    referenceKey: string,
    reference: RawImage,
  ): Promise<{ inliers: number; outline: Quad | null; width: number; height: number }> {
    const crop = cropPixels(image, region);
    const msg = await this.#call((id) => ({
      type: 'align',
      id,
      pixels: crop.data,
      width: crop.width,
      height: crop.height,
      reference: {
        key: referenceKey,
        pixels: reference.data,
        width: reference.width,
        height: reference.height,
      },
    }));
    if (msg.type !== 'aligned')
      throw new BenchsightError('E_MODEL_RUN', 'feature worker answered out of turn');
    return { inliers: msg.pair.inliers, outline: msg.pair.outline, width: msg.width, height: msg.height };
  }

  /**
   * How well `region` of an image agrees with a verified reference (grey, at its feature size) where
   * `outline` (feature-size pixels of the region, as verify() gave it) says the reference lies.
   */
  async agree(image: RawImage, region: Rect, reference: GreyPicture, outline: Quad): Promise<Agreement> {
    const crop = cropPixels(image, region);
    const msg = await this.#call((id) => ({
      type: 'agree',
      id,
      pixels: crop.data,
      width: crop.width,
      height: crop.height,
      reference,
      outline,
    }));
    if (msg.type !== 'agreed')
      throw new BenchsightError('E_MODEL_RUN', 'feature worker answered out of turn');
    return msg.agreement;
  }

  /** Compares `region` of an image, whose board's reference has this outline in it, with the reference. */
  async inspect(
    image: RawImage,
    region: Rect,
    outline: Quad,
    reference: RawImage,
    regions: { id: number; kind?: RegionKind; box: PixelBox }[],
  ): Promise<AlignedComparison> {
    const crop = cropPixels(image, region);
    const msg = await this.#call((id) => ({
      type: 'inspect',
      id,
      pixels: crop.data,
      width: crop.width,
      height: crop.height,
      outline,
      reference: { pixels: reference.data, width: reference.width, height: reference.height },
      regions,
    }));
    if (msg.type !== 'inspected')
      throw new BenchsightError('E_MODEL_RUN', 'feature worker answered out of turn');
    return msg.comparison;
  }

  async stop(): Promise<void> {
    const worker = await this.#worker?.catch(() => null);
    this.#worker = null;
    await worker?.terminate();
  }

  async #call(make: (id: number) => ToVerifyWorker): Promise<FromVerifyWorker> {
    const worker = await this.#open();
    const id = this.#nextId++;
    const msg = make(id);
    const answer = new Promise<FromVerifyWorker>((resolve, reject) =>
      this.#pending.set(id, { resolve, reject }),
    );
    const transfer = 'pixels' in msg ? [msg.pixels.buffer as ArrayBuffer] : [];
    // held while it works, let go when idle: a command that verified once still exits by itself
    worker.ref();
    worker.postMessage(msg, transfer);
    const reply = await answer.finally(() => {
      if (this.#pending.size === 0) worker.unref();
    });
    if (reply.type === 'error') throw new BenchsightError('E_MODEL_RUN', `local features: ${reply.message}`);
    return reply;
  }

  #open(): Promise<Worker> {
    this.#worker ??= startWorker(import.meta.url, 'worker', null, 'feature').then(({ worker }) => {
      worker.on('message', (msg: FromVerifyWorker) => {
        if (!('id' in msg)) return;
        const p = this.#pending.get(msg.id);
        this.#pending.delete(msg.id);
        p?.resolve(msg);
      });
      const died = (why: string) => {
        this.#worker = null;
        for (const p of this.#pending.values()) p.reject(new BenchsightError('E_MODEL_RUN', why));
        this.#pending.clear();
      };
      worker.on('error', (err) => died(`feature worker failed: ${err.message}`));
      worker.on('exit', (code) => died(`feature worker exited (code ${code})`));
      worker.unref();
      return worker;
    });
    this.#worker.catch(() => {
      this.#worker = null;
    });
    return this.#worker;
  }
}
