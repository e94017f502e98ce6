import type { Bus } from '../bus.ts';
import type { Frame } from '../capture/types.ts';
import type { Catalog } from '../catalog/index.ts';
import type { Config } from '../config/schema.ts';
import { errorMessage } from '../errors.ts';
import { partNumberConflict } from '../hardware/part-number.ts';
import type { Inspection } from '../inspect/inspector.ts';
import type { Logger } from '../logger.ts';
import { UnknownAppearances } from '../match/appearances.ts';
import { type SlotOutcome, SlotTracker } from '../match/smoothing.ts';
import type { BoardInfo, InspectedPayload, OcrPayload, SlotView } from '../protocol.ts';
import { cropJpeg, decodeImage, type RawImage } from '../vision/preprocess.ts';
import type { Housekeeping } from './housekeeping.ts';
import { reportInspection } from './inspection-report.ts';
import { type MatchResult, type Recognizer, toBoardInfo } from './recognizer.ts';
import type { RollingMedian } from './stats.ts';
import type { BenchSlot, RecognitionStep, SlotRecognition, SlotReports, TextReading } from './types.ts';
import type { UnitTracker } from './units.ts';
import { NOT_VERIFIED } from './verification.ts';
import { SlotVerifications } from './verified-pictures.ts';

const RECOGNITION_THUMB_WIDTH = 240;

export interface SlotOwnerOptions {
  config: Readonly<Config>;
  /** The camera whose slots these are. */
  camera: string;
  catalog: Catalog;
  bus: Bus;
  logger: Logger;
  storage: Pick<Housekeeping, 'writeSucceeded' | 'writeFailed'>;
  /** What follows a recognition (reading the label...): each reports back here. */
  steps?: readonly RecognitionStep[];
  /** Where the time of each slot's match goes (the status's matchMs). */
  matchTimings: RollingMedian;
  /** Told each serial read and each slot that emptied: links the board on the bench to its unit. */
  units?: UnitTracker | null;
  /**
   * A slot's verification finished (off the frame loop): the bench is to be looked at again, so that
   * frames of the same scene bring the verified decision to the slot's smoothing.
   */
  lookAgain?: () => void;
}

/**
 * The one owner of "which board is in slot X". Vision decides first: per slot, match -> smoothing,
 * and for each new appearance a history row (with its thumbnail), a `recognized` event and the
 * follow-up steps. A step that knows better reports here: the label's text naming exactly one other
 * board moves the slot (and its history row) to that board. Every change goes out as a `slot` event
 * saying where the board came from (`source`); nobody else patches the slot or its history.
 */
export class SlotOwner implements SlotReports {
  readonly #o: SlotOwnerOptions;
  readonly #slots: readonly BenchSlot[];
  readonly #steps: readonly RecognitionStep[];
  readonly #trackers = new Map<string, SlotTracker>();
  /** Tells apart the unknown boards each slot shows. */
  readonly #unknowns = new Map<string, UnknownAppearances>();
  readonly #views = new Map<string, SlotView>();
  /** The recognition of each slot that the steps are following now. */
  readonly #following = new Map<string, SlotRecognition>();
  /** The board the label named, where it overrides vision. */
  readonly #byText = new Map<string, number>();
  /** The text read off each slot's current board. */
  readonly #texts = new Map<string, OcrPayload>();
  /** The inspection of each slot's current board, where it has finished. */
  readonly #inspections = new Map<string, InspectedPayload>();
  /** Each slot's verified pictures, the verifications running now, and how many ran (the status). */
  readonly verifications: SlotVerifications;
  /** The scene each slot's followed board was last recorded or looked at again in. */
  readonly #looked = new Map<string, number>();

  constructor(opts: SlotOwnerOptions, slots: readonly BenchSlot[]) {
    this.#o = opts;
    this.#slots = slots;
    this.#steps = opts.steps ?? [];
    this.verifications = new SlotVerifications(opts.logger, opts.lookAgain);
    for (const slot of slots) {
      this.#trackers.set(slot.name, new SlotTracker(opts.config.match.smoothing));
      this.#unknowns.set(slot.name, new UnknownAppearances());
      this.#views.set(slot.name, {
        camera: opts.camera,
        slot: slot.name,
        rect: slot.rect,
        state: 'pending',
        board: null,
        source: 'vision',
        score: 0,
        margin: 0,
        candidates: [],
        since: Date.now(),
        ...NOT_VERIFIED,
      });
    }
  }

  start(): void {
    for (const step of this.#steps) step.start(this.#o.camera, this);
  }

  /** Stops the steps (each finishes what it is doing, and reports it). */
  async stop(): Promise<void> {
    for (const step of [...this.#steps].reverse()) await step.stop();
  }

  views(): SlotView[] {
    return [...this.#views.values()];
  }

  /** The text read off each slot's current board, where it has been read. */
  texts(): OcrPayload[] {
    return [...this.#texts.values()];
  }

  /** The inspection of each slot's current board, where it has finished. */
  inspections(): InspectedPayload[] {
    return [...this.#inspections.values()];
  }

  /** The history row of the recognition the slot shows now; null when none (or not written). */
  currentRecognition(slot: string): number | null {
    return this.#following.get(slot)?.recognitionId ?? null;
  }

  /**
   * Forgets the slots whose board is no longer in the catalog (the next stable scene there is recognized
   * afresh) and any board a label named that has gone; the other slots keep their board.
   */
  forgetBoardsNotIn(inCatalog: (boardId: number) => boolean): void {
    // the catalog changed (references added or removed): earlier verifications are not the catalog's
    this.verifications.clear();
    for (const [slot, tracker] of this.#trackers) {
      const current = tracker.current;
      if (current.kind === 'board' && !inCatalog(current.boardId)) tracker.reset();
      const named = this.#byText.get(slot);
      if (named !== undefined && !inCatalog(named)) this.#byText.delete(slot);
    }
  }

  /**
   * Matches each slot's embedding, updates its smoothing and view, records and announces changes.
   * `scene` changes whenever the picture did (the gate), so a slot is verified again. `gated`: the gate
   * is on (with it off, a slot picture must hold STILL_MS to be verified).
   */
  async publish(
    frame: Frame,
    raw: RawImage,
    r: Recognizer,
    embeddings: Float32Array,
    scene = frame.seq,
    gated = true,
  ): Promise<void> {
    const dim = r.encoder.dim;
    // A history thumbnail and the steps read the frame at full size: where the recognizer decoded it
    // at a reduced scale, it is decoded again, once, for the (rare) frames that record a recognition.
    let full: Promise<RawImage> | null = null;
    const fullImage = () => {
      full ??=
        raw.width * raw.height >= frame.width * frame.height
          ? Promise.resolve(raw)
          : decodeImage(frame.jpeg, { maxPixels: this.#o.config.data.maxImagePixels });
      return full;
    };
    for (let i = 0; i < this.#slots.length; i++) {
      const slot = this.#slots[i]!;
      const tm = performance.now();
      const vector = embeddings.subarray(i * dim, (i + 1) * dim);
      const result = this.verifications.match(r, slot, raw, vector, scene, frame.capturedAt, gated);
      if (!result) continue; // being verified (or waiting to be): no observation in this frame
      const outcome: SlotOutcome =
        result.outcome.kind === 'unknown'
          ? {
              kind: 'unknown',
              appearance: this.#unknowns.get(slot.name)!.identify(vector, r.policy.threshold),
            }
          : result.outcome;
      this.#o.matchTimings.push(performance.now() - tm);
      for (const event of this.#trackers.get(slot.name)!.push(outcome)) {
        if (event.type === 'cleared') {
          this.clear(slot.name, frame.capturedAt, event.previousBoardId, event.reason);
        } else {
          await this.#record(frame, await fullImage(), slot, r, result);
          this.#looked.set(slot.name, scene);
        }
      }
      const view = this.#views.get(slot.name)!;
      Object.assign(view, {
        score: result.decision.score,
        margin: result.decision.margin,
        candidates: result.candidates,
      });
      await this.#offerLook(slot, result, scene, fullImage);
      // the outline and inliers follow the board the slot shows (they are not replaced by a rejected view)
      if (this.#trackers.get(slot.name)!.current.kind !== 'board' || result.verification.verified) {
        Object.assign(view, result.verification);
      }
      this.#decide(view, (id) => r.board(id) ?? null);
    }
  }

  /**
   * A step that asked for another look at the board it follows (inspection, where a hand hid part
   * of it) gets this frame when it verifies that same board.
   */
  async #offerLook(
    slot: BenchSlot,
    result: MatchResult,
    scene: number,
    fullImage: () => Promise<RawImage>,
  ): Promise<void> {
    const followed = this.#following.get(slot.name);
    if (!followed || !result.verification.verified || result.board?.id !== followed.visionBoardId) return;
    // a new picture only: the one recorded, or last looked at, was seen already
    if (this.#looked.get(slot.name) === scene) return;
    const wanting = this.#steps.filter((step) => step.wantsLook?.(this.#o.camera, slot.name));
    if (wanting.length === 0) return;
    this.#looked.set(slot.name, scene);
    const image = await fullImage();
    for (const step of wanting) step.look?.(this.#o.camera, slot.name, image, slot.rect);
  }

  /**
   * The slot emptied (or shows another board): it goes out as `cleared`, its text and any board the
   * text named are forgotten, and the steps drop what they had waiting for it.
   */
  clear(slot: string, at: number, previousBoardId: number | null, reason: 'empty' | 'changed'): void {
    this.#forget(slot);
    this.#o.bus.emit('cleared', { at, camera: this.#o.camera, slot, previousBoardId, reason });
  }

  /**
   * A new recognition of a slot: the steps follow this one now (older ones still report, as history,
   * but no longer change the slot).
   */
  follow(recognition: SlotRecognition): void {
    this.#forget(recognition.slot);
    this.#following.set(recognition.slot, recognition);
    for (const step of this.#steps) step.schedule(recognition);
  }

  /** The board of a recognition was inspected (or could not be: `error`). */
  inspected(job: SlotRecognition, inspection: Inspection | null, error: string | null): void {
    const payload = reportInspection({ ...this.#o, board: (id) => this.#board(id) }, job, inspection, error);
    if (this.#following.get(job.slot) === job) this.#inspections.set(job.slot, payload);
  }

  /** The text of a recognition's board was read (or could not be: `error`). */
  textRead(job: SlotRecognition, reading: TextReading, error: string | null): void {
    const { decision } = reading;
    if (job.recognitionId !== null && error === null) this.#saveText(job, reading);
    const payload: OcrPayload = {
      recognitionId: job.recognitionId,
      at: job.at,
      camera: job.camera,
      slot: job.slot,
      lines: reading.lines,
      serial: reading.serial,
      partNumber: reading.partNumber,
      partNumberConflict: false,
      verdict: decision.verdict,
      textOverride: decision.verdict === 'corrected',
      board: this.#board(decision.boardId),
      visionBoard: this.#board(job.visionBoardId),
      textBoard: this.#board(decision.textBoardId),
      ms: reading.ms,
      error,
    };
    payload.partNumberConflict = partNumberConflict(payload.board, reading.partNumber);
    const current = this.#following.get(job.slot) === job;
    if (current) {
      this.#texts.set(job.slot, payload);
      const view = this.#views.get(job.slot);
      if (decision.verdict === 'corrected' && decision.textBoardId !== null && view) {
        this.#byText.set(job.slot, decision.textBoardId);
        this.#decide(view, (id) => this.#board(id));
      }
    }
    this.#o.bus.emit('ocr', payload);
    // after `ocr`: the unit follows the text it was read from
    if (reading.serial !== null && error === null) {
      this.#o.units?.serialRead(
        {
          serial: reading.serial,
          boardId: decision.boardId,
          recognitionId: job.recognitionId,
          at: job.at,
          camera: job.camera,
          slot: job.slot,
        },
        current,
      );
    }
  }

  #forget(slot: string): void {
    this.#following.delete(slot);
    this.#byText.delete(slot);
    this.#texts.delete(slot);
    this.#inspections.delete(slot);
    this.#looked.delete(slot);
    this.#o.units?.slotCleared(this.#o.camera, slot);
    for (const step of this.#steps) step.forget(this.#o.camera, slot);
  }

  /** The slot's state and board: vision's, unless the label named another board. Emits `slot`. */
  #decide(view: SlotView, board: (id: number) => BoardInfo | null): void {
    const current = this.#trackers.get(view.slot)!.current;
    const named = current.kind === 'empty' ? undefined : this.#byText.get(view.slot);
    const next: Pick<SlotView, 'state' | 'board' | 'source'> =
      named !== undefined
        ? { state: 'recognized', board: board(named), source: 'text' }
        : {
            state: current.kind === 'board' ? 'recognized' : current.kind,
            board: current.kind === 'board' ? board(current.boardId) : null,
            source: 'vision',
          };
    const changed = next.state !== view.state || next.board?.id !== view.board?.id;
    Object.assign(view, next, { since: changed ? Date.now() : view.since });
    this.#o.bus.emit('slot', { ...view });
  }

  #board(id: number | null): BoardInfo | null {
    if (id === null) return null;
    const b = this.#o.catalog.getBoard(id);
    return b ? toBoardInfo(b) : null;
  }

  /** The text of a history row, and the board the text named where it corrects vision (one transaction). */
  #saveText(job: SlotRecognition, reading: TextReading): void {
    try {
      this.#o.catalog.saveRecognitionText({
        recognitionId: job.recognitionId!,
        lines: reading.lines,
        serial: reading.serial,
        partNumber: reading.partNumber,
        verdict: reading.decision.verdict,
        visionBoardId: job.visionBoardId,
        textBoardId: reading.decision.textBoardId,
        ms: reading.ms,
      });
    } catch (err) {
      this.#o.logger.error(
        { err: errorMessage(err), recognitionId: job.recognitionId },
        'text of the board not saved to history',
      );
    }
  }

  async #record(
    frame: Frame,
    raw: RawImage,
    slot: BenchSlot,
    r: Recognizer,
    result: ReturnType<Recognizer['match']>,
  ): Promise<void> {
    const camera = this.#o.camera;
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
        ...(r.verification ? { verification: result.verification } : {}),
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
      ...result.verification,
    });
    this.follow({
      recognitionId,
      at: frame.capturedAt,
      camera,
      slot: slot.name,
      image: raw,
      region: slot.rect,
      visionBoardId: result.board?.id ?? null,
      verified: result.verification.verified,
    });
  }
}
