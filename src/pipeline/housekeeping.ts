import { statfsSync } from 'node:fs';
import type { Catalog } from '../catalog/index.ts';
import type { Config } from '../config/schema.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';

export interface StorageState {
  state: 'ok' | 'low' | 'error';
  reason: string | null;
  freeMB: number | null;
}

/**
 * Keeps the disk from filling silently: deletes old recognition thumbnails (by age and total size)
 * on a timer, and watches free space in the data folder. A failed history write is recorded here
 * by the pipeline and shown in the status until a later write succeeds.
 */
export class Housekeeping {
  readonly #config: Readonly<Config>;
  readonly #catalog: Catalog;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | null = null;
  #writeError: string | null = null;
  #freeMB: number | null = null;

  constructor(config: Readonly<Config>, catalog: Catalog, logger: Logger) {
    this.#config = config;
    this.#catalog = catalog;
    this.#logger = logger;
  }

  start(): void {
    this.runOnce();
    this.#timer = setInterval(() => this.runOnce(), this.#config.data.retention.intervalMinutes * 60_000);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Prunes thumbnails and measures free space; returns the number of thumbnails deleted. */
  runOnce(now = Date.now()): number {
    const r = this.#config.data.retention;
    let pruned = 0;
    try {
      pruned = this.#catalog.pruneRecognitionThumbnails({
        olderThan: now - r.thumbnailMaxAgeDays * 86_400_000,
        maxTotalBytes: r.thumbnailMaxMB * 1024 * 1024,
      });
      if (pruned) this.#logger.info({ pruned }, 'old recognition thumbnails deleted');
    } catch (err) {
      this.#logger.warn({ err: errorMessage(err) }, 'thumbnail retention failed');
    }
    try {
      const s = statfsSync(this.#config.data.dir);
      this.#freeMB = Math.round((s.bavail * s.bsize) / (1024 * 1024));
    } catch {
      this.#freeMB = null;
    }
    return pruned;
  }

  writeFailed(err: unknown): void {
    this.#writeError = errorMessage(err);
  }

  writeSucceeded(): void {
    this.#writeError = null;
  }

  state(): StorageState {
    if (this.#writeError) return { state: 'error', reason: this.#writeError, freeMB: this.#freeMB };
    if (this.#freeMB !== null && this.#freeMB < this.#config.data.minFreeMB) {
      return {
        state: 'low',
        reason: `only ${this.#freeMB} MB free in ${this.#config.data.dir}`,
        freeMB: this.#freeMB,
      };
    }
    return { state: 'ok', reason: null, freeMB: this.#freeMB };
  }
}
