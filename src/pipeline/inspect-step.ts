import type { Catalog } from '../catalog/index.ts';
import type { Rect } from '../config/schema.ts';
import { errorMessage } from '../errors.ts';
import type { Inspection, Inspector } from '../inspect/inspector.ts';
import type { Logger } from '../logger.ts';
import type { RawImage } from '../vision/image.ts';
import type { RecognitionStep, SlotRecognition, SlotReports } from './types.ts';

/**
 * How many times a board is looked at again while parts of it were hidden (a hand, a tool): each
 * new picture of the slot that verifies the same board, until nothing is hidden.
 */
export const MAX_LOOKS = 5;

/** A picture of a slot's followed recognition to inspect: its own, or a later one (a look again). */
interface Pending {
  job: SlotRecognition;
  image: RawImage;
  region: Rect;
  /** Looks again taken so far (0: the recognition's own picture). */
  looks: number;
  /** Hidden regions of the inspection shown for this recognition; null before one. */
  shownHidden: number | null;
}

const hiddenIn = (i: Inspection) => i.regions.filter((r) => r.verdict === 'hidden').length;

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
 * Where parts were hidden under a hand or a tool, the board is looked at again in the next new
 * pictures that verify it (MAX_LOOKS at most); a look that hides fewer parts replaces what was shown.
 */
export class InspectStep implements RecognitionStep {
  readonly #o: InspectStepOptions;
  readonly #waiting = new Map<string, Pending>();
  /** Recognitions whose inspection hid parts, waiting for another picture. */
  readonly #again = new Map<string, Pending>();
  /** The recognition each slot follows now (a look again is only for it). */
  readonly #latest = new Map<string, SlotRecognition>();
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
    this.#again.clear();
    this.#latest.clear();
    await this.#running;
  }

  schedule(job: SlotRecognition): void {
    if (this.#stopped || !job.verified || job.visionBoardId === null) return;
    if (!this.#o.catalog.getInspectionMap(job.visionBoardId)) return;
    const key = `${job.camera}/${job.slot}`;
    this.#again.delete(key);
    this.#latest.set(key, job);
    this.#queue(key, { job, image: job.image, region: job.region, looks: 0, shownHidden: null });
  }

  forget(camera: string, slot: string): void {
    this.#waiting.delete(`${camera}/${slot}`);
    this.#again.delete(`${camera}/${slot}`);
    this.#latest.delete(`${camera}/${slot}`);
  }

  wantsLook(camera: string, slot: string): boolean {
    return this.#again.has(`${camera}/${slot}`);
  }

  look(camera: string, slot: string, image: RawImage, region: Rect): void {
    const key = `${camera}/${slot}`;
    const again = this.#again.get(key);
    if (!again || this.#stopped) return;
    this.#again.delete(key);
    this.#queue(key, { ...again, image, region, looks: again.looks + 1 });
  }

  #queue(key: string, pending: Pending): void {
    this.#waiting.delete(key);
    this.#waiting.set(key, pending);
    this.#running ??= this.#drain();
  }

  async #drain(): Promise<void> {
    try {
      for (let next = this.#take(); next; next = this.#take()) await this.#process(next);
    } finally {
      this.#running = null;
    }
  }

  #take(): Pending | undefined {
    if (this.#stopped) return undefined;
    const next = this.#waiting.entries().next();
    if (next.done) return undefined;
    this.#waiting.delete(next.value[0]);
    return next.value[1];
  }

  async #process(p: Pending): Promise<void> {
    const { job } = p;
    const key = `${job.camera}/${job.slot}`;
    const reports = this.#reports.get(job.camera);
    let inspection: Inspection;
    try {
      inspection = await this.#o.inspector.inspect(p.image, p.region, job.visionBoardId!);
    } catch (err) {
      this.#o.logger.warn({ err: errorMessage(err), slot: job.slot }, 'board not inspected');
      if (p.looks === 0) reports?.inspected(job, null, errorMessage(err));
      return;
    }
    // a look again that does not verify, or hides as much, leaves what was shown
    const hidden = inspection.verified ? hiddenIn(inspection) : null;
    const better = p.shownHidden === null || (hidden !== null && hidden < p.shownHidden);
    if (better) reports?.inspected(job, inspection, null);
    const shown = better ? hidden : p.shownHidden;
    // another picture while parts stay hidden, unless the slot moved on to another recognition
    if (shown !== null && shown > 0 && p.looks < MAX_LOOKS && this.#latest.get(key) === job) {
      this.#again.set(key, { ...p, shownHidden: shown });
    }
  }
}
