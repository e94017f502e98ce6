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
  let dot = 0;
  for (let i = 0; i < now.vector.length; i++) dot += last.vector[i]! * now.vector[i]!;
  return dot >= (last.scene === now.scene ? SAME_PICTURE_COSINE : IDENTICAL_PICTURE_COSINE);
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
  /** Counts catalog changes: a verification started before one is not kept (it is not the catalog's). */
  #generation = 0;

  constructor(
    private readonly logger: Pick<Logger, 'warn'>,
    /** A verification finished (off the frame loop): the bench is to be looked at again. */
    private readonly lookAgain?: () => void,
  ) {}

  /** The catalog changed (references added or removed): earlier verifications are not the catalog's. */
  clear(): void {
    this.#verified.clear();
    this.#generation++;
  }

  /**
   * A slot's match: the embedding's, then (verification on) the local features', which run in the
   * feature worker only when the scene or the shortlist changed since the slot was last verified.
   * Null while the slot's picture is being verified.
   */
  match(
    r: Recognizer,
    slot: BenchSlot,
    raw: RawImage,
    vector: Float32Array,
    scene: number,
  ): MatchResult | null {
    const plain = r.decidedWithoutVerification(vector);
    if (plain) return plain;
    const asked = { scene, shortlist: r.shortlist(vector).join(','), vector };
    const kept = this.#verified.get(slot.name) ?? [];
    const known = kept.find((p) => p.recognizer === r && stillVerified(p, asked));
    if (known) return known.result;
    // Verified off the frame loop, one picture per slot at a time: the frame loop goes on (the slot
    // keeps what it shows, never the embedding's unverified guess), and the result is used by the
    // frames that still show that picture.
    if (!this.#verifying.has(slot.name)) {
      const copy = Float32Array.from(vector);
      const generation = this.#generation;
      this.#verifying.add(slot.name);
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
            this.lookAgain?.();
          },
          (err: unknown) =>
            this.logger.warn({ err: errorMessage(err), slot: slot.name }, 'verification of a slot failed'),
        )
        .finally(() => this.#verifying.delete(slot.name));
    }
    return null;
  }
}
