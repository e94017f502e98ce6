import { randomBytes } from 'node:crypto';
import type { Frame } from '../capture/types.ts';
import type { Rect } from '../config/schema.ts';
import { BenchsightError } from '../errors.ts';

/** How long a captured picture is kept for the dialog that shows it ("This is…"). */
export const CAPTURE_TTL_MS = 10 * 60_000;
/** Captures kept at most (a frame each): the oldest goes first. */
export const MAX_CAPTURES = 16;

/** One slot of one frame, held so that the picture a person was shown is the picture that is saved. */
export interface SlotCapture {
  id: string;
  slot: string;
  rect: Rect;
  frame: Frame;
  /** When it was taken and until when it is kept, ms since the epoch. */
  takenAt: number;
  expiresAt: number;
}

/**
 * Pictures of a slot taken for enrollment, kept for a while under a handle (their id): the dashboard
 * shows the capture and sends its id back, so a board that arrived in the slot meanwhile is never
 * enrolled instead. Kept in memory only: a restart forgets them, like an expiry.
 */
export class SlotCaptures {
  readonly #held = new Map<string, SlotCapture>();
  readonly #now: () => number;

  constructor(opts: { now?: () => number } = {}) {
    this.#now = opts.now ?? Date.now;
  }

  take(slot: string, rect: Rect, frame: Frame): SlotCapture {
    this.#prune();
    while (this.#held.size >= MAX_CAPTURES) this.#held.delete(this.#held.keys().next().value!);
    const takenAt = this.#now();
    const capture: SlotCapture = {
      id: randomBytes(12).toString('base64url'),
      slot,
      rect: { ...rect },
      frame,
      takenAt,
      expiresAt: takenAt + CAPTURE_TTL_MS,
    };
    this.#held.set(capture.id, capture);
    return capture;
  }

  /** The capture with this id; E_CAPTURE_EXPIRED (410) when it is no longer kept. */
  get(id: string): SlotCapture {
    this.#prune();
    const capture = this.#held.get(id);
    if (!capture) {
      throw new BenchsightError(
        'E_CAPTURE_EXPIRED',
        `the captured picture ${id} is no longer kept (pictures are kept ${CAPTURE_TTL_MS / 60_000} minutes, ` +
          'and not across a restart): take the picture again ("This is…" on the slot)',
        { status: 410 },
      );
    }
    return capture;
  }

  #prune(): void {
    const now = this.#now();
    for (const [id, c] of this.#held) if (c.expiresAt <= now) this.#held.delete(id);
  }
}
