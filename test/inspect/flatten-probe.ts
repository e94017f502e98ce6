/**
 * Run by flatten.test.ts in its own process (opencv.js loads there as the feature worker loads it,
 * not through the test runner's module transform): a grey board with a dark chip, and in the live
 * picture a bright shaft beside the chip, flattened with and without the shaft left out of the
 * light. JSON out: the chip's mean absolute difference live against reference each way.
 */
import { flattened } from '../../src/inspect/flatten.ts';
import { loadOpenCv } from '../../src/verify/opencv.ts';

const { cv } = await loadOpenCv();
const W = 480;
const H = 240;
const CHIP = { x: 200, y: 100, width: 20, height: 20 };
const BAR = { x: 232, width: 12 };

// biome-ignore lint/suspicious/noExplicitAny: opencv.js ships without usable types
type Mat = any;

/** A grey board (100) with a dark chip (60), and with `bar` a bright shaft (250) beside it. */
function picture(bar: boolean): Mat {
  const m = new cv.Mat(H, W, cv.CV_8U, new cv.Scalar(100));
  const d = m.data as Uint8Array;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      if (x >= CHIP.x && x < CHIP.x + CHIP.width && y >= CHIP.y && y < CHIP.y + CHIP.height)
        d[y * W + x] = 60;
      if (bar && x >= BAR.x && x < BAR.x + BAR.width) d[y * W + x] = 250;
    }
  return m;
}

/** Mean absolute difference of two float pictures over the chip. */
function chipDiff(a: Mat, b: Mat): number {
  const fa = a.data32F as Float32Array;
  const fb = b.data32F as Float32Array;
  let sum = 0;
  for (let y = CHIP.y; y < CHIP.y + CHIP.height; y++)
    for (let x = CHIP.x; x < CHIP.x + CHIP.width; x++) sum += Math.abs(fa[y * W + x]! - fb[y * W + x]!);
  return sum / (CHIP.width * CHIP.height);
}

const live = picture(true);
const ref = picture(false);
const over = new cv.Mat(H, W, cv.CV_8U, new cv.Scalar(0));
const none = new cv.Mat(H, W, cv.CV_8U, new cv.Scalar(0));
const o = over.data as Uint8Array;
for (let y = 0; y < H; y++) o.fill(255, y * W + BAR.x, y * W + BAR.x + BAR.width);
const plain = [flattened(cv, live), flattened(cv, ref)];
const beside = [flattened(cv, live, over), flattened(cv, ref, over)];
const refNone = flattened(cv, ref, none);
process.stdout.write(
  JSON.stringify({
    plain: chipDiff(plain[0], plain[1]),
    beside: chipDiff(beside[0], beside[1]),
    nothingOver: chipDiff(plain[1], refNone),
  }),
);
for (const m of [live, ref, over, none, refNone, ...plain, ...beside]) m.delete();
