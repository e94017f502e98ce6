import type { Quad } from './geometry.ts';

/** One reference matched into a slot's picture. */
export interface PairResult {
  referenceId: number;
  boardId: number;
  referenceKeypoints: number;
  /** Reference keypoints whose nearest query keypoint passed the ratio test: a bound on that estimate's inliers. */
  matches: number;
  inliers: number;
  /**
   * Whether a homography was estimated; false when the good matches were too few to make one, or
   * too few to change the decision (then inliers is 0).
   */
  estimated: boolean;
  /** The reference's corners in the query picture (feature-size pixels); null: no plausible homography. */
  outline: Quad | null;
  /**
   * The estimate from mutual nearest neighbours refined by guided matching (MutualRescue), when it
   * was made; `inliers` and `outline` stay the ratio test's.
   */
  mutual?: { inliers: number; outline: Quad | null };
}

/** A slot's picture matched against the shortlist's references. */
export interface VerifyRun {
  /** Keypoints found in the slot's picture. */
  queryKeypoints: number;
  /** The feature-size picture the outlines are in. */
  width: number;
  height: number;
  pairs: PairResult[];
  ms: number;
}
