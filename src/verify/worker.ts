/**
 * The feature worker thread: owns OpenCV (WebAssembly). Detection and matching take tens of ms per
 * slot and block their thread, so they run here, never on the event loop.
 */
import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../errors.ts';
import { type StartupMessage, startupFailure } from '../threads/start.ts';
import type { LocalFeatures } from './features.ts';
import { detectFeatures, loadOpenCv, matchPair, queryMatrix } from './opencv.ts';
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
    }
  | { type: 'stop' };

export type FromVerifyWorker =
  | { type: 'ready' }
  | StartupMessage
  | { type: 'features'; id: number; features: LocalFeatures }
  | { type: 'verified'; id: number; query: LocalFeatures; pairs: PairResult[] }
  | { type: 'error'; id: number; message: string }
  | { type: 'stopped' };

const port = parentPort!;
const post = (msg: FromVerifyWorker) => port.postMessage(msg);

let cv: Awaited<ReturnType<typeof loadOpenCv>>['cv'];
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
    const query = detectFeatures(cv, image);
    if (msg.type === 'extract') {
      post({ type: 'features', id: msg.id, features: query });
      return;
    }
    const mat = queryMatrix(cv, query);
    try {
      const pairs = msg.references.map((r) => ({
        referenceId: r.referenceId,
        boardId: r.boardId,
        referenceKeypoints: r.features.keypoints.length / 2,
        ...matchPair(cv, query, mat, r.features),
      }));
      post({ type: 'verified', id: msg.id, query, pairs });
    } finally {
      mat.delete();
    }
  } catch (err) {
    post({ type: 'error', id: msg.id, message: errorMessage(err) });
  }
});
