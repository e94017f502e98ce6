import { DESCRIPTOR_BYTES, keypointCount, type LocalFeatures } from './features.ts';
import type { HammingKnn } from './hamming-kernel.ts';
import { enoughMatches, goodMatches, homography } from './opencv.ts';
import type { PairResult } from './types.ts';
import type { ReferenceFeatures } from './worker.ts';

// biome-ignore lint/suspicious/noExplicitAny: opencv.js ships without usable types for its embind classes
type Cv = any;

/** The largest value but one of a board -> inliers map (0 with fewer than two boards). */
function runnerUp(best: ReadonlyMap<number, number>): number {
  let first = 0;
  let second = 0;
  for (const v of best.values()) {
    if (v > first) [first, second] = [v, first];
    else if (v > second) second = v;
  }
  return second;
}

/**
 * A slot's features matched against every shortlisted reference: one exhaustive nearest-two pass
 * over all the references' descriptors (the SIMD kernel), the ratio test per reference, then
 * OpenCV's RANSAC homography, most promising reference first. A homography has at most as many
 * inliers as good matches, so once a reference's good matches fall below the runner-up board's
 * inliers, neither it nor any after it can change the best board, its inliers, its outline or the
 * runner-up's inliers: their homographies are not estimated (inliers 0, `estimated` false).
 */
export function matchShortlist(
  cv: Cv,
  knn: HammingKnn,
  query: LocalFeatures,
  references: readonly ReferenceFeatures[],
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
  const results: PairResult[] = references.map((r) => ({
    referenceId: r.referenceId,
    boardId: r.boardId,
    referenceKeypoints: keypointCount(r.features),
    matches: 0,
    inliers: 0,
    outline: null,
    estimated: false,
  }));
  const good = references.map((r, i) => goodMatches(nearest, first[i]!, r.features, query));
  for (const [i, g] of good.entries()) results[i]!.matches = g.src.length / 2;
  const order = results.map((_, i) => i).sort((a, b) => results[b]!.matches - results[a]!.matches);
  const bestPerBoard = new Map<number, number>();
  for (const i of order) {
    const pair = results[i]!;
    if (!enoughMatches(good[i]!) || pair.matches < runnerUp(bestPerBoard)) break;
    const { inliers, outline } = homography(cv, good[i]!, references[i]!.features);
    Object.assign(pair, { inliers, outline, estimated: true });
    bestPerBoard.set(pair.boardId, Math.max(bestPerBoard.get(pair.boardId) ?? 0, inliers));
  }
  return results;
}
