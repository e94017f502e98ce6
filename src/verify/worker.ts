/**
 * The feature worker thread: owns OpenCV (WebAssembly). Detection and matching take tens of ms per
 * slot and block their thread, so they run here, never on the event loop.
 */
import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../errors.ts';
import {
  type AlignedComparison,
  compareAligned,
  detectChips,
  type PixelBox,
} from '../inspect/opencv-inspect.ts';
import type { FoundBox } from '../inspect/regions.ts';
import { type StartupMessage, startupFailure } from '../threads/start.ts';
import type { LocalFeatures } from './features.ts';
import type { Quad } from './geometry.ts';
import { HammingKnn } from './hamming-kernel.ts';
import { detectFeatures, loadOpenCv } from './opencv.ts';
import { matchShortlist, type SettleRule } from './shortlist.ts';
import type { PairResult } from './types.ts';

export interface ReferenceFeatures {
  referenceId: number;
  boardId: number;
  features: LocalFeatures;
}

export type ToVerifyWorker =
  | { type: 'extract'; id: number; pixels: Uint8Array; width: number; height: number }
  | {
      type: 'verify';
      id: number;
      pixels: Uint8Array;
      width: number;
      height: number;
      references: ReferenceFeatures[];
      settle: SettleRule | null;
    }
  | {
      type: 'detect-chips';
      id: number;
      pixels: Uint8Array;
      width: number;
      height: number;
      box: PixelBox;
      maxBoxes: number;
    }
  | {
      type: 'inspect';
      id: number;
      pixels: Uint8Array;
      width: number;
      height: number;
      outline: Quad;
      reference: { pixels: Uint8Array; width: number; height: number };
      regions: { id: number; box: PixelBox }[];
    }
  | { type: 'stop' };

export type FromVerifyWorker =
  | { type: 'ready' }
  | StartupMessage
  | { type: 'features'; id: number; features: LocalFeatures }
  | { type: 'verified'; id: number; query: LocalFeatures; pairs: PairResult[] }
  | { type: 'chips'; id: number; boxes: FoundBox[] }
  | { type: 'inspected'; id: number; comparison: AlignedComparison }
  | { type: 'error'; id: number; message: string }
  | { type: 'stopped' };

const port = parentPort!;
const post = (msg: FromVerifyWorker) => port.postMessage(msg);

let cv: Awaited<ReturnType<typeof loadOpenCv>>['cv'];
const knn = new HammingKnn();
try {
  ({ cv } = await loadOpenCv());
  post({ type: 'ready' });
} catch (err) {
  post(startupFailure(err));
  process.exit(0);
}

port.on('message', (msg: ToVerifyWorker) => {
  if (msg.type === 'stop') {
    post({ type: 'stopped' });
    port.close();
    return;
  }
  try {
    const image = { data: msg.pixels, width: msg.width, height: msg.height, channels: 3 as const };
    if (msg.type === 'detect-chips') {
      post({ type: 'chips', id: msg.id, boxes: detectChips(cv, image, msg.box, msg.maxBoxes) });
      return;
    }
    if (msg.type === 'inspect') {
      const ref = { data: msg.reference.pixels, ...msg.reference, channels: 3 as const };
      const comparison = compareAligned(cv, image, msg.outline, ref, msg.regions);
      port.postMessage({ type: 'inspected', id: msg.id, comparison } satisfies FromVerifyWorker, [
        comparison.heat.data.buffer as ArrayBuffer,
      ]);
      return;
    }
    const query = detectFeatures(cv, image);
    if (msg.type === 'extract') {
      post({ type: 'features', id: msg.id, features: query });
      return;
    }
    post({
      type: 'verified',
      id: msg.id,
      query,
      pairs: matchShortlist(cv, knn, query, msg.references, msg.settle),
    });
  } catch (err) {
    post({ type: 'error', id: msg.id, message: errorMessage(err) });
  }
});
