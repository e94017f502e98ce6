import type { Bus } from '../bus.ts';
import { FpsMeter } from '../capture/fps-meter.ts';
import type { Frame, FrameSource } from '../capture/types.ts';
import type { Catalog } from '../catalog/index.ts';
import type { CameraSetup, Config, Rect } from '../config/schema.ts';
import { BenchsightError, errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { CameraBench, InspectedPayload, OcrPayload, SlotView, StatusPayload } from '../protocol.ts';
import { decodeImage, type RawImage } from '../vision/preprocess.ts';
import { decodeReduction } from '../vision/reduced-decode.ts';
import { CameraHealth } from './camera-health.ts';
import { type SlotCapture, SlotCaptures } from './captures.ts';
import { decodeAhead } from './decode-ahead.ts';
import type { EncodeBatcher } from './encode-batcher.ts';
import { FrameGate } from './frame-gate.ts';
import type { Housekeeping } from './housekeeping.ts';
import type { Recognizer } from './recognizer.ts';
import { preprocessSlots } from './slot-batch.ts';
import { SlotOwner } from './slot-owner.ts';
import { RollingMedian } from './stats.ts';
import type { BenchSlot, FrameDone, FrameStages, RecognitionStep } from './types.ts';
import { benchSlots } from './types.ts';
import type { UnitTracker } from './units.ts';

export interface BenchPipelineOptions {
  config: Readonly<Config>;
  /** The camera this pipeline watches: its slots, gate and health settings. */
  camera: Readonly<CameraSetup>;
  source: FrameSource;
  /** The one encoder's door, shared by every camera's pipeline. */
  batcher: EncodeBatcher;
  /** Pictures held for enrollment, shared by every camera (a capture id names one camera's slot). */
  captures?: SlotCaptures;
  recognizer: Recognizer;
  catalog: Catalog;
  bus: Bus;
  logger: Logger;
  storage: Housekeeping;
  /** What follows a slot's stable recognition, off the frame loop (reading its label...). */
  steps?: readonly RecognitionStep[];
  /** The owner of units: told the serials read and the slots that emptied. */
  units?: UnitTracker | null;
  /**
   * Takes in catalog changes made by another process (CatalogEditor.sync): called with every frame looked at
   * (an idle bench's skipped frames excepted) and before each match, so a board removed elsewhere is not recognized once the removal is committed.
   */
  syncCatalog?: () => void;
}

interface Decoded {
  frame: Frame;
  raw: RawImage;
  /** The recognizer whose model the frame was decoded for (and its batch is preprocessed for). */
  recognizer: Recognizer;
  /** When the decode started (performance.now()). */
  startedAt: number;
  /** Its stages, and its capture, on the performance.now() clock (made relative once done). */
  stages: FrameStages;
  capture: number;
  /** The scene it shows: a new number each time the picture changed (the gate), or after a rescan. */
  scene: number;
}

/**
 * capture -> gate -> preprocess/encode -> match -> smoothing -> history + live events.
 * Frames the pipeline cannot keep up with are dropped by the source, never queued.
 */
export class BenchPipeline {
  readonly slots: BenchSlot[];
  /** The slots' rectangles, for decodeReduction. */
  readonly #regions: Rect[];
  readonly #o: BenchPipelineOptions;
  readonly #gate: FrameGate;
  readonly #health: CameraHealth;
  readonly #slotOwner: SlotOwner;
  readonly #captures: SlotCaptures;
  /** The same meter (and window) as the camera's captured fps: the two are shown side by side. */
  readonly #encodedRate = new FpsMeter();
  readonly #timings = {
    preprocess: new RollingMedian(),
    encode: new RollingMedian(),
    match: new RollingMedian(),
  };
  readonly #counts = { captured: 0, encoded: 0, skippedByGate: 0, badFrames: 0 };
  #recognizer: Recognizer;
  #latest: Frame | null = null;
  /** The last frame decoded for recognition: dashboards scale it instead of decoding it again. */
  #decoded: { seq: number; raw: RawImage } | null = null;
  /** Model inputs of the frame being prepared, one per slot. */
  #batch = new Float32Array(0);
  readonly #frameDone = new Set<(done: FrameDone) => void>();
  #loop: Promise<void> | null = null;
  /** Frames posted to the encoder and not yet matched and published. */
  #inFlight = 0;
  #stopping = false;
  readonly #startedAt = Date.now();

  constructor(opts: BenchPipelineOptions) {
    this.#o = opts;
    this.#recognizer = opts.recognizer;
    this.#captures = opts.captures ?? new SlotCaptures();
    this.slots = benchSlots(opts.camera);
    this.#regions = this.slots.map((s) => s.rect);
    this.#health = new CameraHealth(opts.camera.health);
    this.#gate = new FrameGate(opts.camera.gate, this.#health, () => opts.config.match.smoothing);
    this.#slotOwner = new SlotOwner(
      {
        ...opts,
        camera: opts.camera.id,
        matchTimings: this.#timings.match,
        // a verified picture: the same scene's next frames are encoded again (the gate had stopped)
        lookAgain: () => this.#gate.lookAgain(),
      },
      this.slots,
    );
  }

  /** The camera's id. */
  get camera(): string {
    return this.#o.camera.id;
  }

  /** The recognizer of the active model. */
  get recognizer(): Recognizer {
    return this.#recognizer;
  }

  /** Switches to another model's recognizer at once (its embeddings must be complete). */
  setRecognizer(next: Recognizer): void {
    this.#recognizer = next;
    this.rescan();
  }

  get latestFrame(): Frame | null {
    return this.#latest;
  }

  /**
   * The decoded pixels of frame `seq` when it was the last one decoded for recognition and they are
   * at least `minWidth` wide (a large frame may have been decoded at a reduced scale), else null.
   */
  decodedFrame(seq: number, minWidth = 0): RawImage | null {
    const decoded = this.#decoded;
    return decoded?.seq === seq && decoded.raw.width >= minWidth ? decoded.raw : null;
  }

  slotViews(): SlotView[] {
    return this.#slotOwner.views();
  }

  /** The history row of the recognition a slot shows now (null: none); a typed serial names it. */
  currentRecognition(slot: string): number | null {
    return this.#slotOwner.currentRecognition(slot);
  }

  /** The text read off each slot's current board, where it has been read. */
  slotTexts(): OcrPayload[] {
    return this.#slotOwner.texts();
  }

  /** The inspection of each slot's current board, where it has finished. */
  slotInspections(): InspectedPayload[] {
    return this.#slotOwner.inspections();
  }

  start(): void {
    this.#stopping = false;
    this.#slotOwner.start();
    this.#encodedRate.reset(Date.now());
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#loop;
    await this.#slotOwner.stop();
  }

  /**
   * One slot of the latest frame, kept under a handle for a while (enrollment from the live view: the
   * picture shown is the picture saved). E_NOT_FOUND for an unknown slot, E_CAMERA_LOST before a frame.
   */
  captureSlot(name: string): SlotCapture {
    const slot = this.slots.find((s) => s.name === name);
    if (!slot) {
      throw new BenchsightError(
        'E_NOT_FOUND',
        `no slot named "${name}" (slots: ${this.slots.map((s) => s.name).join(', ')})`,
        { status: 404 },
      );
    }
    if (!this.#latest) {
      throw new BenchsightError('E_CAMERA_LOST', 'no live frame yet: the camera has not delivered a frame', {
        status: 409,
      });
    }
    return this.#captures.take(slot.name, slot.rect, this.#latest);
  }

  /** A picture captureSlot took; E_CAPTURE_EXPIRED once it is no longer kept. */
  capture(id: string): SlotCapture {
    return this.#captures.get(id);
  }

  /**
   * After a catalog change or a model switch: the bench is looked at again (an idle scene is encoded
   * anew, so a board just enrolled is recognized), and only the slots whose board left the catalog
   * are forgotten; a slot whose board is still in the catalog keeps it (no second recognition).
   */
  rescan(): void {
    this.#slotOwner.forgetBoardsNotIn((id) => this.#recognizer.board(id) !== undefined);
    this.#gate.reset();
  }

  /** This camera's part of the status: health, frame rates, gate, slots. */
  bench(): CameraBench {
    const s = this.status();
    return {
      id: s.camera.id,
      camera: s.camera,
      fps: s.fps,
      frames: s.frames,
      gate: s.gate,
      slots: this.slotViews(),
    };
  }

  /** The status as this camera sees it (the daemon's lists every camera: Benches.status). */
  status(): Omit<StatusPayload, 'cameras' | 'modelSwitch'> {
    const cam = this.#o.source.status();
    const r = this.#recognizer;
    return {
      at: Date.now(),
      camera: {
        id: this.#o.camera.id,
        kind: this.#o.source.kind,
        state: cam.state,
        reason: cam.reason,
        since: cam.since,
        retries: cam.retries,
        suspect: cam.state === 'online' ? this.#health.suspect(Date.now()) : null,
      },
      fps: { captured: cam.fps, encoded: this.#encodedRate.rate(Date.now()) },
      timings: {
        preprocessMs: this.#timings.preprocess.median(),
        encodeMs: this.#timings.encode.median(),
        matchMs: this.#timings.match.median(),
      },
      model: {
        id: r.modelId,
        name: r.manifest.name,
        randomWeights: r.manifest.randomWeights,
        providers: r.encoder.providers,
        references: r.index.size,
      },
      match: { ...r.policy },
      frames: {
        captured: this.#counts.captured,
        encoded: this.#counts.encoded,
        dropped: this.#o.source.dropped,
        skippedByGate: this.#counts.skippedByGate,
        verified: this.#slotOwner.verifications.started,
      },
      gate: this.#gate.state,
      storage: this.#o.storage.state(),
      uptimeS: (Date.now() - this.#startedAt) / 1000,
    };
  }

  /** Called with every frame that went through the encoder and the matcher (benchmarks, metrics). */
  onFrameDone(listener: (done: FrameDone) => void): () => void {
    this.#frameDone.add(listener);
    return () => this.#frameDone.delete(listener);
  }

  /**
   * While one frame is encoded (in the encoder's thread), the next is preprocessed here and handed
   * to the encoder, which starts it as soon as the first ends: the encoder never waits for
   * preprocessing or for this thread. When the encoder is idle as a frame is taken (a model faster
   * than the frame path), the frame after it is decoded meanwhile (decodeAhead). Frames that arrive
   * meanwhile are dropped by the source (it keeps the newest), never queued.
   */
  async #run(): Promise<void> {
    let previous: Promise<void> = Promise.resolve();
    const frames = decodeAhead(
      this.#o.source.frames(),
      (frame) => this.#onFrame(frame),
      () => this.#inFlight === 0,
    );
    for await (const { frame, result } of frames) {
      if (this.#stopping) break;
      if (result.status === 'rejected') {
        this.#frameSkipped(frame, result.reason);
        continue;
      }
      if (!result.value) continue;
      try {
        const current = this.#recognize(await this.#preprocess(result.value), previous);
        await previous;
        previous = current;
      } catch (err) {
        this.#frameSkipped(frame, err);
      }
      if (this.#stopping) break;
    }
    await previous;
  }

  #frameSkipped(frame: Frame, err: unknown): void {
    this.#counts.badFrames++;
    this.#o.logger.warn({ err: errorMessage(err), seq: frame.seq }, 'frame skipped');
  }

  /** Gate, then decode; null when the gate skips the frame. */
  async #onFrame(frame: Frame): Promise<Decoded | null> {
    const taken = performance.now();
    // The capture on the monotonic clock: exact where the source stamped it, else from the wall
    // clock's whole ms.
    const capture = frame.monotonicAt ?? taken - (Date.now() - frame.capturedAt);
    this.#latest = frame;
    this.#counts.captured++;
    // A frame that is looked at takes in catalog changes first (a board removed elsewhere makes the
    // bench look again); an idle bench's frame between two checks has nothing to do with the catalog.
    const verdict = await this.#gate.look(frame, () => this.#o.syncCatalog?.());
    if (!verdict.look || !verdict.encode) {
      this.#counts.skippedByGate++;
      return null;
    }
    return this.#decode(frame, verdict.scene, taken, capture);
  }

  async #decode(frame: Frame, scene: number, taken: number, capture: number): Promise<Decoded> {
    const r = this.#recognizer;
    const startedAt = performance.now();
    // A frame several times larger than the model needs is decoded smaller (4K for a 224 px model).
    const reduce = decodeReduction(frame.width, frame.height, this.#regions, r.manifest);
    const raw = await decodeImage(frame.jpeg, { maxPixels: this.#o.config.data.maxImagePixels, reduce });
    this.#decoded = { seq: frame.seq, raw };
    const stages = { taken, decoded: performance.now(), preprocessing: 0, posted: 0, encoded: 0, done: 0 };
    return { frame, raw, recognizer: r, startedAt, scene, stages, capture };
  }

  /**
   * Preprocesses every slot into the batch buffer, as Recognizer.embed does, but outside its queue
   * so that it can overlap the previous frame's encode.
   */
  async #preprocess(decoded: Decoded): Promise<Decoded> {
    const { raw, recognizer: r } = decoded;
    decoded.stages.preprocessing = performance.now();
    this.#batch = await preprocessSlots(raw, r.manifest, r.encoder.inputSize, this.#regions, this.#batch);
    // Decode + preprocess, as before decoding ahead (a decoded frame may wait for this thread).
    this.#timings.preprocess.push(performance.now() - decoded.startedAt);
    return decoded;
  }

  /**
   * Encodes the prepared slots as one batch, then, once `previous` (the frame before) is done,
   * matches each slot and publishes. Never throws.
   */
  async #recognize(prepared: Decoded, previous: Promise<void>): Promise<void> {
    const { frame, raw, recognizer: r, scene, stages, capture } = prepared;
    // A model switch since: the batch holds the previous model's input.
    if (r !== this.#recognizer) return;
    this.#inFlight++;
    try {
      // encode() copies the batch and posts it before returning, so the next frame may be
      // preprocessed into the batch at once.
      const encoded = this.#o.batcher.encode(r.encoder, this.#batch, this.slots.length);
      stages.posted = performance.now();
      await previous;
      const t1 = performance.now();
      const flat = await encoded;
      stages.encoded = performance.now();
      this.#timings.encode.push(performance.now() - t1);
      this.#counts.encoded++;
      this.#encodedRate.tick(Date.now());
      this.#o.syncCatalog?.();
      await this.#slotOwner.publish(frame, raw, r, flat, scene, this.#gate.setup.enabled);
      stages.done = performance.now();
      for (const key of Object.keys(stages) as (keyof FrameStages)[]) stages[key] -= capture;
      const done: FrameDone = {
        seq: frame.seq,
        capturedAt: frame.capturedAt,
        doneAt: Date.now(),
        slots: this.slots.length,
        stages,
      };
      for (const listener of this.#frameDone) listener(done);
    } catch (err) {
      this.#frameSkipped(frame, err);
    } finally {
      this.#inFlight--;
    }
  }
}
