/**
 * The feature worker thread: owns OpenCV (WebAssembly). Detection and matching take tens of ms per
 * slot and block their thread, so they run here, never on the event loop.
 */
import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../errors.ts';
import { detectChips } from '../inspect/opencv-detect.ts';
import { type AlignedComparison, compareAligned, type PixelBox } from '../inspect/opencv-inspect.ts';
import type { FoundBox } from '../inspect/regions.ts';
import type { RegionKind } from '../protocol.ts';
import { type StartupMessage, startupFailure } from '../threads/start.ts';
import { type Agreement, agreement, greyAtFeatureSize } from './agreement.ts';
import type { GreyPicture } from './agreement-grey.ts';
import { INSPECTION_FEATURES, INSPECTION_REFERENCE_FEATURES, type LocalFeatures } from './features.ts';
import type { Quad } from './geometry.ts';
import { HammingKnn } from './hamming-kernel.ts';
import { detectFeatures, goodMatches, homographyBesides, loadOpenCv, type PairMatch } from './opencv.ts';
import { type MutualRescue, matchShortlist, type SettleRule } from './shortlist.ts';
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
      rescue: MutualRescue | null;
    }
  | {
      type: 'detect-chips';
      id: number;
      pixels: Uint8Array;
      width: number;
      height: number;
      box: PixelBox;
      maxBoxes: number;
      /** The board's chip count, null when unknown (see REFINE_MIN in opencv-detect.ts). */
      expected: number | null;
    }
  | {
      type: 'inspect';
      id: number;
      pixels: Uint8Array;
      width: number;
      height: number;
      outline: Quad;
      reference: { pixels: Uint8Array; width: number; height: number };
      regions: { id: number; kind?: RegionKind; box: PixelBox }[];
    }
  | {
      type: 'align';
      id: number;
      pixels: Uint8Array;
      width: number;
      height: number;
      /** The map's reference: its features at INSPECTION_REFERENCE_FEATURES are kept here by `key` (its sha256). */
      reference: { key: string; pixels: Uint8Array; width: number; height: number };
    }
  | {
      type: 'agree';
      id: number;
      pixels: Uint8Array;
      width: number;
      height: number;
      /** The verified reference as grey at the feature size, and its corners in the slot's picture. */
      reference: GreyPicture;
      outline: Quad;
    }
  | { type: 'stop' };

export type FromVerifyWorker =
  | { type: 'ready' }
  | StartupMessage
  | { type: 'features'; id: number; features: LocalFeatures }
  | { type: 'verified'; id: number; query: LocalFeatures; pairs: PairResult[] }
  | { type: 'chips'; id: number; boxes: FoundBox[] }
  | { type: 'inspected'; id: number; comparison: AlignedComparison }
  | { type: 'aligned'; id: number; width: number; height: number; pair: PairMatch }
  | { type: 'agreed'; id: number; agreement: Agreement }
  | { type: 'error'; id: number; message: string }
  | { type: 'stopped' };

const port = parentPort!;
const post = (msg: FromVerifyWorker) => port.postMessage(msg);

let cv: Awaited<ReturnType<typeof loadOpenCv>>['cv'];
const knn = new HammingKnn();
/** Map references' features at INSPECTION_REFERENCE_FEATURES, by the picture's sha256 (a few boards are inspected). */
const inspectionReferences = new Map<string, LocalFeatures>();
const INSPECTION_REFERENCES_KEPT = 8;

function inspectionReference(ref: { key: string; pixels: Uint8Array; width: number; height: number }) {
  let f = inspectionReferences.get(ref.key);
  if (!f) {
    f = detectFeatures(
      cv,
      { data: ref.pixels, width: ref.width, height: ref.height, channels: 3 },
      INSPECTION_REFERENCE_FEATURES,
    );
    inspectionReferences.set(ref.key, f);
    for (const old of inspectionReferences.keys()) {
      if (inspectionReferences.size <= INSPECTION_REFERENCES_KEPT) break;
      inspectionReferences.delete(old);
    }
  }
  return f;
}
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
      post({ type: 'chips', id: msg.id, boxes: detectChips(cv, image, msg.box, msg.maxBoxes, msg.expected) });
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
    if (msg.type === 'agree') {
      const slot = greyAtFeatureSize(cv, image);
      post({ type: 'agreed', id: msg.id, agreement: agreement(cv, slot, msg.reference, msg.outline) });
      return;
    }
    if (msg.type === 'align') {
      const ref = inspectionReference(msg.reference);
      const query = detectFeatures(cv, image, INSPECTION_FEATURES);
      const good = goodMatches(knn.nearestTwo(ref.descriptors, query.descriptors), 0, ref, query);
      const pair = homographyBesides(cv, good, ref);
      post({ type: 'aligned', id: msg.id, width: query.width, height: query.height, pair });
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
      pairs: matchShortlist(cv, knn, query, msg.references, msg.settle, msg.rescue),
    });
  } catch (err) {
    post({ type: 'error', id: msg.id, message: errorMessage(err) });
  }
});
