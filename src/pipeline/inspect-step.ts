import type { Catalog } from '../catalog/index.ts';
import { errorMessage } from '../errors.ts';
import type { Inspector } from '../inspect/inspector.ts';
import type { Logger } from '../logger.ts';
import type { RecognitionStep, SlotRecognition, SlotReports } from './types.ts';

export interface InspectStepOptions {
  inspector: Inspector;
  /** Read for the boards' inspection maps: a board without one is not inspected. */
  catalog: Catalog;
  logger: Pick<Logger, 'warn'>;
}

/**
 * Inspection of a verified board, a step that follows a recognition, off the frame loop (like
 * OCR): once per verified recognition of a board that has an inspection map, one slot at a time; a
 * newer recognition of a slot replaces one still waiting. The result goes to the slot's owner.
 */
export class InspectStep implements RecognitionStep {
  readonly #o: InspectStepOptions;
  readonly #waiting = new Map<string, SlotRecognition>();
  readonly #reports = new Map<string, SlotReports>();
  #running: Promise<void> | null = null;
  #stopped = false;

  constructor(opts: InspectStepOptions) {
    this.#o = opts;
  }

  start(camera: string, reports: SlotReports): void {
    this.#stopped = false;
    this.#reports.set(camera, reports);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#waiting.clear();
    await this.#running;
  }

  schedule(job: SlotRecognition): void {
    if (this.#stopped || !job.verified || job.visionBoardId === null) return;
    if (!this.#o.catalog.getInspectionMap(job.visionBoardId)) return;
    const key = `${job.camera}/${job.slot}`;
    this.#waiting.delete(key);
    this.#waiting.set(key, job);
    this.#running ??= this.#drain();
  }

  forget(camera: string, slot: string): void {
    this.#waiting.delete(`${camera}/${slot}`);
  }

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
    this.#waiting.delete(`${next.value.camera}/${next.value.slot}`);
    return next.value;
  }

  async #process(job: SlotRecognition): Promise<void> {
    const reports = this.#reports.get(job.camera);
    try {
      reports?.inspected(
        job,
        await this.#o.inspector.inspect(job.image, job.region, job.visionBoardId!),
        null,
      );
    } catch (err) {
      this.#o.logger.warn({ err: errorMessage(err), slot: job.slot }, 'board not inspected');
      reports?.inspected(job, null, errorMessage(err));
    }
  }
}
