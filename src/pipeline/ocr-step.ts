import type { Catalog } from '../catalog/index.ts';
import type { OcrConfig, Rect } from '../config/schema.ts';
import { errorMessage } from '../errors.ts';
import { findPartNumber } from '../hardware/part-number.ts';
import type { HardwareReference } from '../hardware/reference.ts';
import type { Logger } from '../logger.ts';
import type { OcrReader } from '../ocr/reader.ts';
import { compileSerialPattern, extractSerial } from '../ocr/serial.ts';
import { compileTextPattern, decideByText, type PatternBoard, type TextPattern } from '../ocr/text-match.ts';
import type { RawImage } from '../vision/image.ts';
import type { RecognitionStep, SlotRecognition, SlotReports, TextReading } from './types.ts';

export interface OcrStepOptions {
  config: Readonly<OcrConfig>;
  /** Read for the boards' label patterns. */
  catalog: Catalog;
  /** The shipped hardware facts, for the part numbers read off the boards. */
  hardware: HardwareReference;
  logger: Logger;
  /** Starts the OCR worker; called on first use, so a bench that recognizes nothing pays nothing. */
  openReader: () => Promise<OcrReader>;
}

/**
 * Reading the board's label, a step that follows a recognition, off the frame loop: the slot's owner
 * hands over a slot when its recognition becomes stable and goes on at once. Slots are read one at a
 * time; a newer recognition of a slot replaces one still waiting. What the text says about the
 * visual match (against the boards' label patterns) is reported to the slot's owner, which decides.
 */
export class OcrStep implements RecognitionStep {
  readonly #o: OcrStepOptions;
  readonly #serialPattern: RegExp;
  readonly #waiting = new Map<string, SlotRecognition>();
  /** Compiled patterns by source; null for a stored pattern that cannot be used (saved before RE2). */
  readonly #patterns = new Map<string, TextPattern | null>();
  /** Each camera's slot owner. */
  readonly #reports = new Map<string, SlotReports>();
  #reader: Promise<OcrReader> | null = null;
  #running: Promise<void> | null = null;
  #stopped = false;

  constructor(opts: OcrStepOptions) {
    this.#o = opts;
    this.#serialPattern = compileSerialPattern(opts.config.serialPattern);
  }

  start(camera: string, reports: SlotReports): void {
    this.#stopped = false;
    this.#reports.set(camera, reports);
  }

  /** Waits for the slot being read, drops the waiting ones and stops the worker. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#waiting.clear();
    await this.#running;
    const reader = await this.#reader?.catch(() => null);
    await reader?.stop();
    this.#reader = null;
  }

  /** Queues a slot for reading; returns at once. */
  schedule(job: SlotRecognition): void {
    if (this.#stopped) return;
    const key = slotKey(job.camera, job.slot);
    this.#waiting.delete(key);
    this.#waiting.set(key, job);
    this.#running ??= this.#drain();
  }

  forget(camera: string, slot: string): void {
    this.#waiting.delete(slotKey(camera, slot));
  }

  /** Reads `region` of an image and judges the visual match by its text; stores nothing. */
  async read(image: RawImage, region: Rect, visionBoardId: number | null): Promise<TextReading> {
    const reader = await this.#openReader();
    const result = await reader.read(image, region);
    const texts = result.lines.map((l) => l.text);
    return {
      lines: result.lines,
      serial: extractSerial(texts, this.#serialPattern),
      partNumber: findPartNumber(texts, this.#o.hardware),
      decision: decideByText(texts, this.#patternBoards(), visionBoardId),
      ms: result.timings.totalMs,
    };
  }

  /**
   * The worker, started on first use and again after it failed to start or died. Callers chain on the
   * same promise, so two first reads at once start one worker.
   */
  #openReader(): Promise<OcrReader> {
    const open = () => this.#o.openReader();
    this.#reader = this.#reader
      ? this.#reader.then((r) => (r.alive ? r : r.stop().then(open)), open)
      : open();
    return this.#reader;
  }

  /**
   * Reads waiting slots until none is left. There is always one when it starts, so it awaits before
   * `#running` is assigned, and it clears `#running` in the same step that finds the queue empty.
   */
  async #drain(): Promise<void> {
    try {
      for (let job = this.#take(); job; job = this.#take()) await this.#process(job);
    } finally {
      this.#running = null;
    }
  }

  #take(): SlotRecognition | undefined {
    if (this.#stopped) return undefined;
    const next = this.#waiting.values().next();
    if (next.done) return undefined;
    this.#waiting.delete(slotKey(next.value.camera, next.value.slot));
    return next.value;
  }

  async #process(job: SlotRecognition): Promise<void> {
    const t0 = performance.now();
    try {
      this.#reports
        .get(job.camera)
        ?.textRead(job, await this.read(job.image, job.region, job.visionBoardId), null);
    } catch (err) {
      this.#o.logger.warn({ err: errorMessage(err), slot: job.slot }, 'board label not read (OCR failed)');
      const none: TextReading = {
        lines: [],
        serial: null,
        partNumber: null,
        decision: { verdict: 'none', textBoardId: null, boardId: job.visionBoardId },
        ms: performance.now() - t0,
      };
      this.#reports.get(job.camera)?.textRead(job, none, errorMessage(err));
    }
  }

  /** Boards with a label pattern, compiled once per distinct pattern. */
  #patternBoards(): PatternBoard[] {
    const out: PatternBoard[] = [];
    for (const b of this.#o.catalog.listBoards()) {
      if (!b.textPattern) continue;
      if (!this.#patterns.has(b.textPattern)) {
        try {
          this.#patterns.set(b.textPattern, compileTextPattern(b.textPattern));
        } catch (err) {
          this.#o.logger.warn(
            { board: b.id, err: errorMessage(err) },
            'board label pattern ignored: edit the board to fix its textPattern',
          );
          this.#patterns.set(b.textPattern, null);
        }
      }
      const pattern = this.#patterns.get(b.textPattern);
      if (pattern) out.push({ id: b.id, pattern });
    }
    return out;
  }
}

/** Slots of different cameras may have the same name. */
function slotKey(camera: string, slot: string): string {
  return `${camera}/${slot}`;
}
