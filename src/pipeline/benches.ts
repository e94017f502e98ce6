import type { Bus } from '../bus.ts';
import type { FrameSource } from '../capture/types.ts';
import type { CameraSetup } from '../config/schema.ts';
import { BenchsightError } from '../errors.ts';
import type { InspectedPayload, ModelSwitch, OcrPayload, SlotView, StatusPayload } from '../protocol.ts';
import type { BenchPipeline } from './bench.ts';
import { announceCamera } from './camera-events.ts';
import type { Recognizer } from './recognizer.ts';

/** One camera as it runs: its settings, its frame source and its pipeline. */
export interface Bench {
  camera: Readonly<CameraSetup>;
  source: FrameSource;
  pipeline: BenchPipeline;
}

/**
 * Every camera of the daemon. Each has its own source, gate, health and slots (its BenchPipeline);
 * they share one encoder (EncodeBatcher) and one catalog. The first camera is the one the
 * one-camera routes show (`/api/frame.jpg`). Starting and stopping go to every camera at once: one
 * that hangs or fails holds up no other.
 */
export class Benches {
  readonly list: readonly Bench[];
  readonly #bus: Bus;
  #offs: (() => void)[] = [];
  #modelSwitch: ModelSwitch | null = null;

  constructor(list: readonly Bench[], bus: Bus) {
    if (list.length === 0) throw new Error('Benches: at least one camera');
    this.list = list;
    this.#bus = bus;
  }

  /** The first camera's pipeline. */
  get first(): BenchPipeline {
    return this.list[0]!.pipeline;
  }

  /** A camera's pipeline by id; E_NOT_FOUND (404) naming the cameras there are. */
  get(id: string | undefined): BenchPipeline {
    if (id === undefined) return this.first;
    const bench = this.list.find((b) => b.camera.id === id);
    if (!bench) {
      throw new BenchsightError(
        'E_NOT_FOUND',
        `no camera "${id}" (cameras: ${this.list.map((b) => b.camera.id).join(', ')})`,
        { status: 404 },
      );
    }
    return bench.pipeline;
  }

  /** The active model's recognizer (every camera uses the same). */
  get recognizer(): Recognizer {
    return this.first.recognizer;
  }

  setRecognizer(next: Recognizer): void {
    for (const b of this.list) b.pipeline.setRecognizer(next);
  }

  get modelSwitch(): ModelSwitch | null {
    return this.#modelSwitch;
  }

  reportModelSwitch(progress: ModelSwitch | null): void {
    this.#modelSwitch = progress;
  }

  /** After a catalog change: every camera looks at its bench again. */
  rescan(): void {
    for (const b of this.list) b.pipeline.rescan();
  }

  slotViews(): SlotView[] {
    return this.list.flatMap((b) => b.pipeline.slotViews());
  }

  slotTexts(): OcrPayload[] {
    return this.list.flatMap((b) => b.pipeline.slotTexts());
  }

  slotInspections(): InspectedPayload[] {
    return this.list.flatMap((b) => b.pipeline.slotInspections());
  }

  /** The daemon's status: the first camera at the top level (as before), every camera in `cameras`. */
  status(): StatusPayload {
    return {
      ...this.first.status(),
      modelSwitch: this.#modelSwitch,
      cameras: this.list.map((b) => b.pipeline.bench()),
    };
  }

  /** Starts every camera; one that cannot open goes offline (and retries) without holding up the others. */
  async start(): Promise<void> {
    this.#offs = this.list.map((b) => announceCamera(b.camera.id, b.source, this.#bus));
    await Promise.all(this.list.map((b) => b.source.start()));
    for (const b of this.list) b.pipeline.start();
  }

  /**
   * Stops every source at once (their frame loops end), then every pipeline: each waits for its own
   * batch in flight, which the shared encoder finishes without waiting for any other camera.
   */
  async stop(): Promise<void> {
    await Promise.all(this.list.map((b) => b.source.stop()));
    await Promise.all(this.list.map((b) => b.pipeline.stop()));
    for (const off of this.#offs) off();
    this.#offs = [];
  }
}
