import type { Bus } from '../bus.ts';
import type { Catalog } from '../catalog/index.ts';
import type { OcrConfig, Rect } from '../config/schema.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { OcrReader } from '../ocr/reader.ts';
import { compileSerialPattern, extractSerial } from '../ocr/serial.ts';
import { compileTextPattern, decideByText, type PatternBoard, type TextDecision } from '../ocr/text-match.ts';
import type { OcrLine } from '../ocr/types.ts';
import type { BoardInfo, OcrPayload } from '../protocol.ts';
import type { RawImage } from '../vision/image.ts';
import { toBoardInfo } from './recognizer.ts';

/** A slot whose recognition just became stable: its frame, and what vision said. */
export interface OcrJob {
  recognitionId: number | null;
  at: number;
  camera: string;
  slot: string;
  image: RawImage;
  region: Rect;
  visionBoardId: number | null;
}

/** What the text of an image says: the lines, the serial, and its verdict on the visual match. */
export interface TextReading {
  lines: OcrLine[];
  serial: string | null;
  decision: TextDecision;
  ms: number;
}

export interface OcrStepOptions {
  config: Readonly<OcrConfig>;
  catalog: Catalog;
  bus: Bus;
  logger: Logger;
  /** Starts the OCR worker; called on first use, so a bench that recognizes nothing pays nothing. */
  openReader: () => Promise<OcrReader>;
}

/**
 * OCR off the frame loop: the pipeline hands over a slot when its recognition becomes stable and
 * goes on at once. Slots are read one at a time; a newer recognition of a slot replaces one still
 * waiting. The result updates the history row, confirms or corrects the visual match against the
 * boards' label patterns, and goes out as an `ocr` event.
 */
export class OcrStep {
  readonly #o: OcrStepOptions;
  readonly #serialPattern: RegExp;
  readonly #waiting = new Map<string, OcrJob>();
  readonly #latest = new Map<string, OcrPayload>();
  readonly #patterns = new Map<string, RegExp>();
  #reader: Promise<OcrReader> | null = null;
  #running: Promise<void> | null = null;
  #offCleared: (() => void) | null = null;
  #stopped = false;

  constructor(opts: OcrStepOptions) {
    this.#o = opts;
    this.#serialPattern = compileSerialPattern(opts.config.serialPattern);
  }

  start(): void {
    this.#stopped = false;
    this.#offCleared = this.#o.bus.on('cleared', (p) => this.#latest.delete(p.slot));
  }

  /** Waits for the slot being read, drops the waiting ones and stops the worker. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#offCleared?.();
    this.#waiting.clear();
    await this.#running;
    const reader = await this.#reader?.catch(() => null);
    await reader?.stop();
    this.#reader = null;
  }

  /** Queues a slot for reading; returns at once. */
  schedule(job: OcrJob): void {
    if (this.#stopped) return;
    this.#latest.delete(job.slot);
    this.#waiting.delete(job.slot);
    this.#waiting.set(job.slot, job);
    this.#running ??= this.#drain();
  }

  /** The text of each slot's current board, where OCR has finished (for a new dashboard's snapshot). */
  latest(): OcrPayload[] {
    return [...this.#latest.values()];
  }

  /** Reads `region` of an image and judges the visual match by its text; stores nothing. */
  async read(image: RawImage, region: Rect, visionBoardId: number | null): Promise<TextReading> {
    const reader = await this.#openReader();
    const result = await reader.read(image, region);
    const texts = result.lines.map((l) => l.text);
    return {
      lines: result.lines,
      serial: extractSerial(texts, this.#serialPattern),
      decision: decideByText(texts, this.#patternBoards(), visionBoardId),
      ms: result.timings.totalMs,
    };
  }

  /** Board info for a reading's board ids (null for none or a deleted board). */
  board(id: number | null): BoardInfo | null {
    if (id === null) return null;
    const b = this.#o.catalog.getBoard(id);
    return b ? toBoardInfo(b) : null;
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

  #take(): OcrJob | undefined {
    if (this.#stopped) return undefined;
    const next = this.#waiting.values().next();
    if (next.done) return undefined;
    this.#waiting.delete(next.value.slot);
    return next.value;
  }

  async #process(job: OcrJob): Promise<void> {
    const t0 = performance.now();
    let payload: OcrPayload;
    try {
      const reading = await this.read(job.image, job.region, job.visionBoardId);
      this.#save(job, reading);
      payload = this.#payload(job, reading, null);
    } catch (err) {
      this.#o.logger.warn({ err: errorMessage(err), slot: job.slot }, 'board label not read (OCR failed)');
      const none: TextReading = {
        lines: [],
        serial: null,
        decision: { verdict: 'none', textBoardId: null, boardId: job.visionBoardId },
        ms: performance.now() - t0,
      };
      payload = this.#payload(job, none, errorMessage(err));
    }
    if (this.#stopped) return;
    // A newer recognition of the slot is waiting: this text is history, not the slot's current state.
    if (!this.#waiting.has(job.slot)) this.#latest.set(job.slot, payload);
    this.#o.bus.emit('ocr', payload);
  }

  #save(job: OcrJob, reading: TextReading): void {
    if (job.recognitionId === null) return;
    try {
      this.#o.catalog.saveRecognitionText({
        recognitionId: job.recognitionId,
        lines: reading.lines,
        serial: reading.serial,
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

  #payload(job: OcrJob, reading: TextReading, error: string | null): OcrPayload {
    const { decision } = reading;
    return {
      recognitionId: job.recognitionId,
      at: job.at,
      camera: job.camera,
      slot: job.slot,
      lines: reading.lines,
      serial: reading.serial,
      verdict: decision.verdict,
      textOverride: decision.verdict === 'corrected',
      board: this.board(decision.boardId),
      visionBoard: this.board(job.visionBoardId),
      textBoard: this.board(decision.textBoardId),
      ms: reading.ms,
      error,
    };
  }

  /** Boards with a label pattern, compiled once per distinct pattern. */
  #patternBoards(): PatternBoard[] {
    const out: PatternBoard[] = [];
    for (const b of this.#o.catalog.listBoards()) {
      if (!b.textPattern) continue;
      let pattern = this.#patterns.get(b.textPattern);
      if (!pattern) {
        pattern = compileTextPattern(b.textPattern);
        this.#patterns.set(b.textPattern, pattern);
      }
      out.push({ id: b.id, pattern });
    }
    return out;
  }
}
