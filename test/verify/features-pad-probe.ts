/**
 * Run by features-pad.test.ts in its own process (opencv.js loads there as the feature worker loads
 * it, not through the test runner's module transform): a reference cropped to its board, detected
 * as it is and with its mirrored border, and a turned view of the board aligned with each. JSON out.
 */
import {
  DESCRIPTOR_BYTES,
  INSPECTION_FEATURES,
  INSPECTION_REFERENCE_FEATURES,
} from '../../src/verify/features.ts';
import {
  bruteForceNearestTwo,
  detectFeatures,
  goodMatches,
  homography,
  loadOpenCv,
} from '../../src/verify/opencv.ts';
import { cropJpeg, decodeImage } from '../../src/vision/preprocess.ts';
import { bareHashboard, shoot } from '../inspect/boards.ts';

const { cv } = await loadOpenCv();
const board = bareHashboard(303);
const shot = await shoot(board, 1, { width: 1400, height: 560, pxPerMm: 3.8 });
const b = shot.bbox;
const crop = await cropJpeg(
  await decodeImage(shot.jpeg),
  { x: b.x / shot.width, y: b.y / shot.height, width: b.width / shot.width, height: b.height / shot.height },
  { maxSide: 1280, quality: 92 },
);
const ref = await decodeImage(crop.jpeg);
const view = await decodeImage(
  (await shoot(board, 8, { width: 1280, height: 720, pxPerMm: 3, pose: { angleDeg: 7 } })).jpeg,
);
const query = detectFeatures(cv, view, INSPECTION_FEATURES);
const report = (size: typeof INSPECTION_FEATURES) => {
  const f = detectFeatures(cv, ref, size);
  const n = f.keypoints.length / 2;
  let nearEdge = 0;
  let outside = 0;
  for (let i = 0; i < n; i++) {
    const [x, y] = [f.keypoints[2 * i]!, f.keypoints[2 * i + 1]!];
    if (x < 0 || y < 0 || x >= f.width || y >= f.height) outside++;
    if (Math.min(x, y, f.width - x, f.height - y) < 60) nearEdge++;
  }
  const pair = homography(
    cv,
    goodMatches(bruteForceNearestTwo(cv, f.descriptors, query.descriptors), 0, f, query),
    f,
  );
  return {
    keypoints: n,
    descriptorsMatch: f.descriptors.length === n * DESCRIPTOR_BYTES,
    outside,
    nearEdge,
    inliers: pair.inliers,
  };
};
console.log(
  JSON.stringify({ plain: report(INSPECTION_FEATURES), padded: report(INSPECTION_REFERENCE_FEATURES) }),
);
