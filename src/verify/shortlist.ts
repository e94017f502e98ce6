import { DESCRIPTOR_BYTES, keypointCount, type LocalFeatures } from './features.ts';
import type { HammingKnn } from './hamming-kernel.ts';
import {
  enoughMatches,
  goodMatches,
  guidedMatches,
  homography,
  type KeypointGrid,
  keypointGrid,
  mutualMatches,
} from './opencv.ts';
import type { PairResult } from './types.ts';
import type { ReferenceFeatures } from './worker.ts';

// biome-ignore lint/suspicious/noExplicitAny: opencv.js ships without usable types for its embind classes
type Cv = any;

/**
 * The decision rule (match.verify) a shortlist is matched for: once a board's inliers pass it
 * against every board still unmatched, their homographies are not estimated. Null: every homography
 * that could change the best board or the runner-up's inliers is estimated (the eval calibrates on
 * those).
 */
export interface SettleRule {
  minInliers: number;
  minRatio: number;
}

/**
 * The encoder's nearest board gets a second chance: each of its references whose ratio-test matches
 * gave fewer than `below` inliers (or no outline a board can have) is estimated again from its mutual
 * nearest neighbours (mutualMatches), that rough outline then refined by guided matching
 * (guidedMatches); the estimate is reported beside the ratio test's (PairResult.mutual), for the
 * decision's second chance (see src/match/verify-decide.ts). A hashboard is rows of identical chips:
 * the ratio test drops them all, and the few matches left (silkscreen, a connector, the bench) often
 * fit no plausible homography. Only one board's references (at most REFERENCES_PER_BOARD): each costs
 * a nearest-neighbour pass the other way and two RANSACs.
 */
export interface MutualRescue {
  boardId: number;
  below: number;
}

/** Under this many inliers, the encoder's nearest board's references are matched again mutually. */
export const MUTUAL_BELOW = 30;

/** The best board so far, and the runner-up board's inliers. */
interface Standing {
  board: number | null;
  best: number;
  runnerUp: number;
}

function standing(bestPerBoard: ReadonlyMap<number, number>): Standing {
  const s: Standing = { board: null, best: 0, runnerUp: 0 };
  for (const [board, v] of bestPerBoard) {
    if (v > s.best) Object.assign(s, { board, best: v, runnerUp: s.best });
    else if (v > s.runnerUp) s.runnerUp = v;
  }
  return s;
}

/**
 * Whether a reference with `matches` good matches (at most that many inliers) can change what the
 * decision reads: the best board, its inliers and outline, or (without a settle rule, or before the
 * best board passes it) the runner-up's inliers. With a settle rule, an unknown slot's best board and
 * inliers are those of the homographies estimated.
 */
function canMatter(boardId: number, matches: number, s: Standing, settle: SettleRule | null): boolean {
  // no board has reached minInliers and this one cannot: the slot is unknown (too few inliers) anyway
  if (settle !== null && s.best < settle.minInliers && matches < settle.minInliers) return false;
  if (s.board === null) return true;
  if (boardId === s.board) return matches > s.best;
  if (matches >= s.best) return true;
  const settled = settle !== null && s.best >= settle.minInliers && s.best >= settle.minRatio * matches;
  return !settled && matches > s.runnerUp;
}

/**
 * A slot's features matched against every shortlisted reference: one exhaustive nearest-two pass
 * over all the references' descriptors (the SIMD kernel), the ratio test per reference, then
 * OpenCV's RANSAC homography, the reference with most good matches first. A homography has at most
 * as many inliers as good matches, so a reference whose good matches cannot change the decision
 * (canMatter) is not estimated: inliers 0, `estimated` false.
 */
export function matchShortlist(
  cv: Cv,
  knn: HammingKnn,
  query: LocalFeatures,
  references: readonly ReferenceFeatures[],
  settle: SettleRule | null,
  rescue: MutualRescue | null = null,
): PairResult[] {
  const rows = references.reduce((n, r) => n + keypointCount(r.features), 0);
  const all = new Uint8Array(rows * DESCRIPTOR_BYTES);
  const first: number[] = [];
  let row = 0;
  for (const r of references) {
    first.push(row);
    all.set(r.features.descriptors, row * DESCRIPTOR_BYTES);
    row += keypointCount(r.features);
  }
  const nearest = knn.nearestTwo(all, query.descriptors);
  const good = references.map((r, i) => goodMatches(nearest, first[i]!, r.features, query));
  const results: PairResult[] = references.map((r, i) => ({
    referenceId: r.referenceId,
    boardId: r.boardId,
    referenceKeypoints: keypointCount(r.features),
    matches: good[i]!.src.length / 2,
    inliers: 0,
    outline: null,
    estimated: false,
  }));
  const order = results.map((_, i) => i).sort((a, b) => results[b]!.matches - results[a]!.matches);
  const bestPerBoard = new Map<number, number>();
  for (const i of order) {
    const pair = results[i]!;
    if (!enoughMatches(good[i]!)) break;
    if (!canMatter(pair.boardId, pair.matches, standing(bestPerBoard), settle)) continue;
    const { inliers, outline } = homography(cv, good[i]!, references[i]!.features);
    Object.assign(pair, { inliers, outline, estimated: true });
    bestPerBoard.set(pair.boardId, Math.max(bestPerBoard.get(pair.boardId) ?? 0, inliers));
  }
  if (rescue) {
    let grid: KeypointGrid | null = null;
    references.forEach((r, i) => {
      const pair = results[i]!;
      if (r.boardId !== rescue.boardId || pair.inliers >= rescue.below || keypointCount(query) < 2) return;
      const back = knn.nearestTwo(query.descriptors, r.features.descriptors);
      let mutual = homography(cv, mutualMatches(nearest, first[i]!, back, r.features, query), r.features);
      if (mutual.outline) {
        // the rough outline guides a second matching, which tells the repeated chips apart
        grid ??= keypointGrid(query);
        const guided = homography(cv, guidedMatches(mutual.outline, r.features, query, grid), r.features);
        if (guided.outline && guided.inliers >= mutual.inliers) mutual = guided;
      }
      pair.mutual = mutual;
    });
  }
  return results;
}
