import type { BoardScore } from './embedding-index.ts';

export interface MatchPolicy {
  /** Cosine the best board must reach. */
  threshold: number;
  /** Gap the best board must have over the runner-up board. */
  minMargin: number;
}

/** Why a board was or was not recognized; the last three come from geometric verification. */
export type MatchReason =
  | 'match'
  | 'below-threshold'
  | 'ambiguous'
  | 'empty-catalog'
  | 'no-features'
  | 'too-few-inliers'
  | 'not-alike';

export interface MatchDecision {
  /** null: unknown (below threshold, or too close to the runner-up). */
  boardId: number | null;
  score: number;
  margin: number;
  reason: MatchReason;
  candidates: BoardScore[];
}

/** Applies the operating threshold and margin to the per-board scores (best first). */
export function decide(candidates: BoardScore[], policy: MatchPolicy): MatchDecision {
  const best = candidates[0];
  if (!best) return { boardId: null, score: 0, margin: 0, reason: 'empty-catalog', candidates };
  const runnerUp = candidates[1];
  const margin = runnerUp ? best.score - runnerUp.score : best.score;
  if (best.score < policy.threshold) {
    return { boardId: null, score: best.score, margin, reason: 'below-threshold', candidates };
  }
  if (margin < policy.minMargin) {
    return { boardId: null, score: best.score, margin, reason: 'ambiguous', candidates };
  }
  return { boardId: best.boardId, score: best.score, margin, reason: 'match', candidates };
}
