/**
 * Run by set-aside.test.ts in its own process (opencv.js loads there as the feature worker loads it,
 * not through the test runner's module transform): matches of a board under repeating fins, as npm
 * run eval's seed 18 test board 1 gave them, through homography and homographyBesides. JSON out.
 */
import { type GoodMatches, homography, homographyBesides, loadOpenCv } from '../../src/verify/opencv.ts';

/** A 400x200 reference's points, spread over it (a fixed pseudo-random draw). */
function points(n: number, seed: number): [number, number][] {
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
  return Array.from({ length: n }, () => [10 + next() * 380, 10 + next() * 180]);
}

/**
 * The board's own alignment (shifted and scaled a little) has fewer matches than a folded one (the
 * reference mirrored left to right, which no board can show: its outline turns the other way).
 */
const src: number[] = [];
const dst: number[] = [];
for (const [x, y] of points(40, 1)) {
  src.push(x, y);
  dst.push(100 + 0.9 * x, 50 + 0.9 * y);
}
for (const [x, y] of points(70, 2)) {
  src.push(x, y);
  dst.push(100 + 0.9 * (400 - x), 50 + 0.9 * y);
}
const fins: GoodMatches = { src, dst };
const onlyFolded: GoodMatches = { src: src.slice(80), dst: dst.slice(80) };
const { cv } = await loadOpenCv();
const ref = { width: 400, height: 200 };
process.stdout.write(
  JSON.stringify({
    plain: homography(cv, fins, ref),
    besides: homographyBesides(cv, fins, ref),
    onlyFolded: homographyBesides(cv, onlyFolded, ref),
    tooFew: homographyBesides(cv, { src: [1, 2], dst: [3, 4] }, ref),
  }),
);
process.exit(0);
