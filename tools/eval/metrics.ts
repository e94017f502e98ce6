import type { MatchPolicy } from '../../src/match/decide.ts';
import type { EncoderConfirmation } from '../../src/match/verify-decide.ts';
import {
  confirmation,
  MIN_QUERY_KEYPOINTS,
  secondChanceAgrees,
  settlesAmbiguity,
} from '../../src/match/verify-decide.ts';
import type { Recognition } from './methods.ts';

/** The decision the daemon's decide() makes for a recognition at another policy. */
export function decideAt(r: Recognition, p: MatchPolicy): number | null {
  return r.top !== null && r.score >= p.threshold && r.margin >= p.minMargin ? r.top : null;
}

export function fraction(rs: readonly Recognition[], ok: (r: Recognition) => boolean): number {
  return rs.length === 0 ? Number.NaN : rs.filter(ok).length / rs.length;
}

/** Nearest enrolled board is the right one (no threshold). */
export function top1(rs: readonly Recognition[]): number {
  return fraction(rs, (r) => r.top === r.truth);
}

/** Recognized as the right board at the operating point (accepted and correct). */
export function accuracy(rs: readonly Recognition[]): number {
  return fraction(rs, (r) => r.decided === r.truth);
}

/** Views of boards never enrolled that come out unknown. */
export function rejection(rs: readonly Recognition[]): number {
  return fraction(rs, (r) => r.decided === null);
}

/** Unknown boards the operating point must turn away on the validation set, when it can. */
export const MIN_REJECTION = 0.9;

/**
 * The threshold and margin that maximise accuracy on enrolled boards plus rejection of boards never
 * enrolled, on a validation set, among those that reject at least `minRejection` of the unknown
 * boards (a bench must not put a wrong board's name on a board nobody enrolled); when no pair
 * rejects that many, among all pairs. Among the best pairs: the smallest margin, then the middle of
 * the best threshold range (the choice least sensitive to a shifted score distribution).
 */
export function calibrate(
  known: readonly Recognition[],
  unknown: readonly Recognition[],
  minRejection = MIN_REJECTION,
): MatchPolicy {
  return best(known, unknown, minRejection) ?? best(known, unknown, 0)!;
}

function best(
  known: readonly Recognition[],
  unknown: readonly Recognition[],
  minRejection: number,
): MatchPolicy | null {
  const step = 0.005;
  let top = Number.NEGATIVE_INFINITY;
  let chosen: MatchPolicy | null = null;
  for (let mi = 0; mi <= 60; mi++) {
    const minMargin = mi * step;
    const good: number[] = [];
    let rowBest = Number.NEGATIVE_INFINITY;
    for (let ti = -200; ti <= 200; ti++) {
      const p = { threshold: ti * step, minMargin };
      const rejected = fraction(unknown, (r) => decideAt(r, p) === null);
      if (rejected < minRejection - 1e-12) continue;
      const value = fraction(known, (r) => decideAt(r, p) === r.truth) + rejected;
      if (value > rowBest + 1e-12) {
        rowBest = value;
        good.length = 0;
      }
      if (Math.abs(value - rowBest) <= 1e-12) good.push(p.threshold);
    }
    if (good.length > 0 && rowBest > top + 1e-12) {
      top = rowBest;
      const mid = good[Math.floor(good.length / 2)]!;
      chosen = { threshold: Math.round(mid * 1000) / 1000, minMargin: Math.round(minMargin * 1000) / 1000 };
    }
  }
  return chosen;
}

/** The operating point of a verification method: inliers of the best board, and its lead. */
export interface VerifyPoint {
  minInliers: number;
  minRatio: number;
  /** Under strongInliers the encoder must agree (the product's confirmedByEncoder); omitted: never. */
  confirm?: EncoderConfirmation;
}

/**
 * Recorded verifications re-decided at point `p`: the share of enrolled views given their right
 * board, and of unknown views refused.
 */
export function verifiedScoreAt(
  known: readonly Recognition[],
  unknown: readonly Recognition[],
  p: VerifyPoint,
): { accuracy: number; rejection: number } {
  return {
    accuracy: fraction(known, (r) => decideVerifiedAt(r, p) === r.truth),
    rejection: fraction(unknown, (r) => decideVerifiedAt(r, p) === null),
  };
}

/** The decision decideVerified makes for a recognition at another operating point. */
export function decideVerifiedAt(r: Recognition, p: VerifyPoint): number | null {
  const v = r.verify;
  if (!v || v.keypoints < MIN_QUERY_KEYPOINTS) return null;
  return firstDecision(v, p) ?? secondChance(v, p);
}

function firstDecision(v: NonNullable<Recognition['verify']>, p: VerifyPoint): number | null {
  if (v.best === null || v.inliers < p.minInliers) return null;
  const c = p.confirm;
  const settled = c !== undefined && settlesAmbiguity(v.agreement ?? null, v.runnerUpAgreement ?? null, c);
  if (v.inliers < p.minRatio * v.runnerUp && !settled) return null;
  if (c && confirmation(v.inliers, v.cosine ?? null, v.agreement ?? null, c) !== 'match') return null;
  return v.best;
}

/** The daemon's second chance (BoardVerification.verify): the mutual estimates' decision, if the encoder and the dense check agree. */
function secondChance(v: NonNullable<Recognition['verify']>, p: VerifyPoint): number | null {
  const s = v.second;
  if (!s || !p.confirm || s.best === null) return null;
  if (s.inliers < p.minInliers || s.inliers < p.minRatio * s.runnerUp) return null;
  return secondChanceAgrees(s.agreement, s.cosine, p.confirm) ? s.best : null;
}

const INLIER_GRID = [6, 8, 10, 12, 15, 18, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150, 200, 250, 300];
const RATIO_GRID = [1, 1.25, 1.5, 2, 2.5, 3, 4];

/**
 * The verification operating point chosen as calibrate() chooses the embedding's: max accuracy +
 * rejection on the validation set among points that reject at least `minRejection` of the unknown
 * views (all points when none does); ties: the fewest inliers, then the lowest ratio.
 */
export function calibrateVerify(
  known: readonly Recognition[],
  unknown: readonly Recognition[],
  minRejection = MIN_REJECTION,
  confirm?: EncoderConfirmation,
): VerifyPoint {
  for (const floor of [minRejection, 0]) {
    let top = Number.NEGATIVE_INFINITY;
    let chosen: VerifyPoint | null = null;
    for (const minInliers of INLIER_GRID) {
      for (const minRatio of RATIO_GRID) {
        const p: VerifyPoint = { minInliers, minRatio, ...(confirm ? { confirm } : {}) };
        const rejected = fraction(unknown, (r) => decideVerifiedAt(r, p) === null);
        if (rejected < floor - 1e-12) continue;
        const value = fraction(known, (r) => decideVerifiedAt(r, p) === r.truth) + rejected;
        if (value > top + 1e-12) {
          top = value;
          chosen = p;
        }
      }
    }
    if (chosen) return chosen;
  }
  return { minInliers: INLIER_GRID[0]!, minRatio: RATIO_GRID[0]!, ...(confirm ? { confirm } : {}) };
}

/** Median time per recognized view, ms. */
export function medianMs(rs: readonly Recognition[]): number {
  const sorted = rs.map((r) => r.ms ?? 0).sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor(sorted.length / 2)]!;
}

/** How often the embedding's shortlist of k boards holds the right one, and the right board's cosine. */
export interface ShortlistStats {
  views: number;
  boards: number;
  recallAt: Array<{ k: number; recall: number }>;
  /** Smallest shortlist holding the right board in at least `target` of the views; null: none does. */
  candidatesFor: number | null;
  target: number;
  /** The right board's cosine: lowest, 1st and 5th percentile, median. */
  truthCosine: { min: number; p1: number; p5: number; median: number };
}

const SHORTLISTS = [1, 3, 5, 8, 10, 15, 20, 30, 50];

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Shortlist recall of the embedding over views of enrolled boards (recognitions carrying `rank`). */
export function shortlistStats(known: readonly Recognition[], boards: number, target = 0.99): ShortlistStats {
  const ranked = known.filter((r) => r.rank !== undefined);
  const recall = (k: number) => fraction(ranked, (r) => (r.rank ?? Number.POSITIVE_INFINITY) <= k);
  let candidatesFor: number | null = null;
  for (let k = 1; k <= boards; k++) {
    if (recall(k) >= target - 1e-12) {
      candidatesFor = k;
      break;
    }
  }
  const cos = ranked.map((r) => r.truthScore ?? Number.NEGATIVE_INFINITY).sort((a, b) => a - b);
  return {
    views: ranked.length,
    boards,
    recallAt: SHORTLISTS.filter((k) => k < boards).map((k) => ({ k, recall: recall(k) })),
    candidatesFor,
    target,
    truthCosine: {
      min: cos[0] ?? Number.NaN,
      p1: percentile(cos, 0.01),
      p5: percentile(cos, 0.05),
      median: percentile(cos, 0.5),
    },
  };
}
