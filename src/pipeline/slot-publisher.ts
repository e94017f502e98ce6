import type { Bus } from '../bus.ts';
import type { Frame } from '../capture/types.ts';
import type { Catalog } from '../catalog/index.ts';
import type { Config } from '../config/schema.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { SlotTracker } from '../match/smoothing.ts';
import type { SlotView } from '../protocol.ts';
import { cropJpeg, type RawImage } from '../vision/preprocess.ts';
import type { Housekeeping } from './housekeeping.ts';
import type { OcrJob } from './ocr-step.ts';
import type { Recognizer } from './recognizer.ts';
import type { RollingMedian } from './stats.ts';
import type { BenchSlot } from './types.ts';

const RECOGNITION_THUMB_WIDTH = 240;

export interface SlotPublisherOptions {
  config: Readonly<Config>;
  catalog: Catalog;
  bus: Bus;
  logger: Logger;
  storage: Housekeeping;
  ocr?: { schedule(job: OcrJob): void } | null;
  /** Where the time of each slot's match goes (the status's matchMs). */
  matchTimings: RollingMedian;
}

/**
 * The slots' side of the pipeline, after the encoder: per slot, match -> smoothing -> the live view,
 * and for each new appearance a history row (with its thumbnail), a `recognized` event and an OCR job.
 */
export class SlotPublisher {
  readonly #o: SlotPublisherOptions;
  readonly #slots: readonly BenchSlot[];
  readonly #trackers = new Map<string, SlotTracker>();
  readonly #views = new Map<string, SlotView>();

  constructor(opts: SlotPublisherOptions, slots: readonly BenchSlot[]) {
    this.#o = opts;
    this.#slots = slots;
    for (const slot of slots) {
      this.#trackers.set(slot.name, new SlotTracker(opts.config.match.smoothing));
      this.#views.set(slot.name, {
        slot: slot.name,
        rect: slot.rect,
        state: 'pending',
        board: null,
        score: 0,
        margin: 0,
        candidates: [],
        since: Date.now(),
      });
    }
  }

  views(): SlotView[] {
    return [...this.#views.values()];
  }

  /** Forgets the smoothing state: the next stable scene is recognized afresh. */
  reset(): void {
    for (const t of this.#trackers.values()) t.reset();
  }

  /** Matches each slot's embedding, updates its smoothing and view, records and announces changes. */
  async publish(frame: Frame, raw: RawImage, r: Recognizer, embeddings: Float32Array): Promise<void> {
    const dim = r.encoder.dim;
    for (let i = 0; i < this.#slots.length; i++) {
      const slot = this.#slots[i]!;
      const tm = performance.now();
      const result = r.match(embeddings.subarray(i * dim, (i + 1) * dim));
      this.#o.matchTimings.push(performance.now() - tm);
      const view = this.#views.get(slot.name)!;
      const tracker = this.#trackers.get(slot.name)!;
      for (const event of tracker.push(result.outcome)) {
        if (event.type === 'cleared') {
          this.#o.bus.emit('cleared', {
            at: frame.capturedAt,
            camera: this.#o.config.camera.id,
            slot: slot.name,
            previousBoardId: event.previousBoardId,
            reason: event.reason,
          });
        } else {
          await this.#record(frame, raw, slot, r, result);
        }
      }
      const current = tracker.current;
      const state = current.kind === 'board' ? 'recognized' : current.kind;
      const changed =
        state !== view.state || (current.kind === 'board' && view.board?.id !== current.boardId);
      Object.assign(view, {
        state,
        board: current.kind === 'board' ? (r.board(current.boardId) ?? null) : null,
        score: result.decision.score,
        margin: result.decision.margin,
        candidates: result.candidates,
        since: changed ? Date.now() : view.since,
      });
      this.#o.bus.emit('slot', { ...view });
    }
  }

  async #record(
    frame: Frame,
    raw: RawImage,
    slot: BenchSlot,
    r: Recognizer,
    result: ReturnType<Recognizer['match']>,
  ): Promise<void> {
    const camera = this.#o.config.camera.id;
    const topk = result.candidates.map((c) => ({ boardId: c.boardId, score: c.score }));
    let recognitionId: number | null = null;
    try {
      const thumb = await cropJpeg(raw, slot.rect, { width: RECOGNITION_THUMB_WIDTH, quality: 70 });
      recognitionId = this.#o.catalog.insertRecognition({
        at: frame.capturedAt,
        camera,
        slot: slot.name,
        boardId: result.board?.id ?? null,
        score: result.decision.score,
        margin: result.decision.margin,
        topk,
        modelId: r.modelId,
        thumbnail: thumb.jpeg,
      }).id;
      this.#o.storage.writeSucceeded();
    } catch (err) {
      this.#o.storage.writeFailed(err);
      this.#o.logger.error({ err: errorMessage(err), slot: slot.name }, 'recognition not saved to history');
    }
    this.#o.bus.emit('recognized', {
      recognitionId,
      at: frame.capturedAt,
      camera,
      slot: slot.name,
      board: result.board,
      score: result.decision.score,
      margin: result.decision.margin,
      candidates: result.candidates,
    });
    this.#o.ocr?.schedule({
      recognitionId,
      at: frame.capturedAt,
      camera,
      slot: slot.name,
      image: raw,
      region: slot.rect,
      visionBoardId: result.board?.id ?? null,
    });
  }
}
