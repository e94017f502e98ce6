import type { MatchPolicy } from '../../src/match/decide.ts';
import type { Recognition } from './methods.ts';

/** The decision the daemon's decide() makes for a recognition at another policy. */
export function decideAt(r: Recognition, p: MatchPolicy): number | null {
  return r.top !== null && r.score >= p.threshold && r.margin >= p.minMargin ? r.top : null;
}

function fraction(rs: readonly Recognition[], ok: (r: Recognition) => boolean): number {
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
