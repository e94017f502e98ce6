import { errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { RawImage } from '../vision/image.ts';
import type { MatchResult, Recognizer } from './recognizer.ts';
import type { BenchSlot } from './types.ts';

/*
 * When a slot's picture must be verified again (SlotOwner): the reuse rule for the results of
 * geometric verification, which runs off the frame loop.
 */

/**
 * Embeddings of one picture in consecutive frames (sensor noise, compression) stay above this
 * cosine; another board, or the board moved or covered, falls below it, and the slot is verified
 * again. It is what tells scenes apart when the gate is off (the gate's scene number does with it on).
 */
export const SAME_PICTURE_COSINE = 0.98;
/**
 * The very picture verified before (a board put back exactly where it was, a replayed frame): its
 * verification holds in a later scene too.
 */
export const IDENTICAL_PICTURE_COSINE = 0.999;
/** Verified pictures kept per slot. */
export const VERIFIED_KEPT = 4;
/**
 * With the gate off, a slot's picture is verified once it has held still this long (capture time):
 * a board being put down, a hand over it, changes the picture from frame to frame, and each of those
 * pictures verified would keep the feature worker busy on both cores for answers nobody uses (the
 * board has moved on). A camera whose frames come this far apart has no motion to wait out: each of
 * its frames is verified (a folder of photos replayed at 1 fps). With the gate on, the gate waits for
 * the scene to settle itself.
 */
export const STILL_MS = 500;
/**
 * A verification that failed (the feature worker died or answered with an error) is tried again for
 * that slot after RETRY_FIRST_MS of capture time, then twice as long after each failure in a row, at
 * most RETRY_MAX_MS: the slot is not left showing nothing until its scene changes, and a worker that
 * keeps failing is not asked again at the frame rate.
 */
export const RETRY_FIRST_MS = 1000;
export const RETRY_MAX_MS = 30_000;

/** The picture a slot shows (its embedding, a copy), since when, in which of the gate's scenes. */
interface HeldPicture {
  vector: Float32Array;
  since: number;
  scene: number;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < b.length; i++) dot += a[i]! * b[i]!;
  return dot;
}

/** What a slot's verification was asked about: the gate's scene, the shortlist, the embedding. */
export interface VerifiedAsked {
  scene: number;
  shortlist: string;
  vector: Float32Array;
}

export interface VerifiedPicture extends VerifiedAsked {
  recognizer: Recognizer;
  result: MatchResult;
}

/**
 * Whether a slot's earlier verification holds for what it shows now: the same shortlist, and the
 * embedding (L2-normalised) still that picture: within SAME_PICTURE_COSINE in the same scene, within
 * IDENTICAL_PICTURE_COSINE in a later one.
 */
export function stillVerified(last: VerifiedAsked, now: VerifiedAsked): boolean {
  if (last.shortlist !== now.shortlist || last.vector.length !== now.vector.length) return false;
  return (
    cosine(last.vector, now.vector) >=
    (last.scene === now.scene ? SAME_PICTURE_COSINE : IDENTICAL_PICTURE_COSINE)
  );
}

/**
 * Each slot's last verified pictures (newest first, VERIFIED_KEPT of them: a board taken away and
 * put back is not verified again), each kept while the scene and the shortlist stay the same and the
 * slot's embedding stays that picture (`vector`, a copy); and the slots being verified now.
 */
export class SlotVerifications {
  readonly #verified = new Map<string, VerifiedPicture[]>();
  /** Slots whose picture is being verified now (one at a time per slot). */
  readonly #verifying = new Set<string>();
  /** Each slot's current picture and since when it has held (the gate off: STILL_MS). */
  readonly #held = new Map<string, HeldPicture>();
  /** Each slot's previous frame's capture time. */
  readonly #lastAt = new Map<string, number>();
  /** Counts catalog changes: a verification started before one is not kept (it is not the catalog's). */
  #generation = 0;
  /** Slot pictures sent to the feature worker since start (the status's `frames.verified`). */
  #started = 0;
  /** Per slot: failures in a row, and the capture time before which it is not tried again. */
  readonly #failed = new Map<string, { count: number; until: number }>();

  constructor(
    private readonly logger: Pick<Logger, 'warn'>,
    /** A verification finished (off the frame loop): the bench is to be looked at again. */
    private readonly lookAgain?: () => void,
  ) {}

  /** Slot pictures sent to geometric verification since start (each slot's picture counts once per run). */
  get started(): number {
    return this.#started;
  }

  /** The catalog changed (references added or removed): earlier verifications are not the catalog's. */
  clear(): void {
    this.#verified.clear();
    this.#held.clear();
    this.#failed.clear();
    this.#generation++;
  }

  /**
   * Whether a slot's picture may be verified now: with the gate on, always (the gate encodes settled
   * scenes only); with it off, once the slot's embedding has stayed that picture for STILL_MS, or
   * at once where the slot's frame before came STILL_MS or more earlier (a slow camera).
   */
  #still(
    slot: string,
    vector: Float32Array,
    scene: number,
    at: number,
    gated: boolean,
    previous?: number,
  ): boolean {
    const slow = previous !== undefined && at - previous >= STILL_MS;
    const held = this.#held.get(slot);
    if (
      !held ||
      held.scene !== scene ||
      held.vector.length !== vector.length ||
      cosine(held.vector, vector) < SAME_PICTURE_COSINE
    ) {
      this.#held.set(slot, { vector: Float32Array.from(vector), since: at, scene });
      return gated || slow;
    }
    return gated || slow || at - held.since >= STILL_MS;
  }

  /**
   * A slot's match: the embedding's, then (verification on) the local features', which run in the
   * feature worker only when the scene or the shortlist changed since the slot was last verified,
   * and (the gate off: `gated` false) once the picture has held still for STILL_MS at capture time
   * `at` (ms). Null while the slot's picture is being verified or waits to be.
   */
  match(
    r: Recognizer,
    slot: BenchSlot,
    raw: RawImage,
    vector: Float32Array,
    scene: number,
    at: number,
    gated: boolean,
  ): MatchResult | null {
    const previous = this.#lastAt.get(slot.name);
    this.#lastAt.set(slot.name, at);
    const plain = r.decidedWithoutVerification(vector);
    if (plain) return plain;
    const asked = { scene, shortlist: r.shortlist(vector).join(','), vector };
    const kept = this.#verified.get(slot.name) ?? [];
    const known = kept.find((p) => p.recognizer === r && stillVerified(p, asked));
    if (known) return known.result;
    if (!this.#still(slot.name, vector, scene, at, gated, previous)) return null;
    // the last verification of this slot failed: tried again once its wait is over
    if (at < (this.#failed.get(slot.name)?.until ?? Number.NEGATIVE_INFINITY)) return null;
    // Verified off the frame loop, one picture per slot at a time: the frame loop goes on (the slot
    // keeps what it shows, never the embedding's unverified guess), and the result is used by the
    // frames that still show that picture.
    if (!this.#verifying.has(slot.name)) {
      const copy = Float32Array.from(vector);
      const generation = this.#generation;
      this.#verifying.add(slot.name);
      this.#started++;
      r.recognize(raw, slot.rect, copy)
        .then(
          (result) => {
            // the catalog changed while it ran: the next frame verifies against the new one
            if (generation !== this.#generation) {
              this.lookAgain?.();
              return;
            }
            const pictures = [
              { ...asked, vector: copy, recognizer: r, result },
              ...(this.#verified.get(slot.name) ?? []),
            ];
            this.#verified.set(slot.name, pictures.slice(0, VERIFIED_KEPT));
            this.#failed.delete(slot.name);
            this.lookAgain?.();
          },
          (err: unknown) => this.#failure(slot.name, at, err),
        )
        .finally(() => this.#verifying.delete(slot.name));
    }
    return null;
  }

  /** A slot's verification failed: it waits RETRY_FIRST_MS (doubling) before it is tried again. */
  #failure(slot: string, at: number, err: unknown): void {
    const count = (this.#failed.get(slot)?.count ?? 0) + 1;
    const retryInMs = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (count - 1));
    this.#failed.set(slot, { count, until: at + retryInMs });
    this.logger.warn(
      { err: errorMessage(err), slot, failures: count, retryInMs },
      'verification of a slot failed: tried again later',
    );
    // the gate (on) encodes nothing more of a settled scene: it is told to look again then
    setTimeout(() => this.lookAgain?.(), retryInMs).unref();
  }
}
