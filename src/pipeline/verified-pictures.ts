import type { MatchResult, Recognizer } from './recognizer.ts';

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
