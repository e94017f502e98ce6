import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inputSize, type ModelManifest, manifestSchema } from '../../src/vision/manifest.ts';
import { preprocess } from '../../src/vision/preprocess.ts';
import { renderBenchView } from '../synth/scene.ts';
import { splitType, trainingNuisance, viewSeed } from './views.ts';

export interface DatasetOptions {
  /** Base seed of the board types (see typeSeed). */
  seed: number;
  /** Which types: the training split, or held-out validation types for monitoring. */
  split: 'train' | 'validation';
  /** Type indices [from, to) of the split. */
  from: number;
  to: number;
  views: number;
  /** Size the bench views are rendered at (the camera frame). */
  renderWidth: number;
  renderHeight: number;
  /** Model input: the manifest whose resize and resampling the pixels go through. */
  manifest: ModelManifest;
  onProgress?: (done: number, total: number) => void;
}

export interface Dataset {
  /** N x H x W x 3, the model's input pixels before rescale and normalisation. */
  pixels: Uint8Array;
  /** Type index per view. */
  labels: Int32Array;
  /**
   * N x 4 x 2: the board's corners in model-input pixels (the render scaled to width x height), in
   * the board's own order (top-left, top-right, bottom-right, bottom-left of the unrotated board).
   */
  corners: Float32Array;
  count: number;
  height: number;
  width: number;
}

/**
 * The manifest's preprocessing with rescale 1, mean 0 and std 1: preprocess() then writes the
 * resized 8-bit pixels themselves, so training sees exactly what the daemon feeds the model.
 */
function pixelManifest(manifest: ModelManifest): ModelManifest {
  return manifestSchema.parse({
    ...manifest,
    preprocess: { ...manifest.preprocess, rescale: 1, mean: [0, 0, 0], std: [1, 1, 1] },
  });
}

/** The model input pixels (HWC uint8) of an encoded image, through benchsight's own preprocess. */
export async function inputPixels(
  jpeg: Buffer,
  manifest: ModelManifest,
  out: Uint8Array,
  offset: number,
): Promise<void> {
  const identity = pixelManifest(manifest);
  const [h, w] = inputSize(identity);
  const plane = h * w;
  const chw = await preprocess(jpeg, identity);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < plane; i++) out[offset + i * 3 + c] = chw[c * plane + i]!;
  }
}

/** Renders `views` training views of each type of the split in [from, to). */
export async function buildDataset(opts: DatasetOptions): Promise<Dataset> {
  const [height, width] = inputSize(opts.manifest);
  const types = opts.to - opts.from;
  const count = types * opts.views;
  const pixels = new Uint8Array(count * height * width * 3);
  const labels = new Int32Array(count);
  const corners = new Float32Array(count * 8);
  const sx = width / opts.renderWidth;
  const sy = height / opts.renderHeight;
  let done = 0;
  for (let t = opts.from; t < opts.to; t++) {
    const type = splitType(opts.seed, opts.split, t);
    for (let v = 0; v < opts.views; v++) {
      const vs = viewSeed(type.seed, 'train', v);
      const { jpeg, meta } = await renderBenchView(type, vs, {
        width: opts.renderWidth,
        height: opts.renderHeight,
        nuisance: trainingNuisance(vs),
      });
      await inputPixels(jpeg, opts.manifest, pixels, done * height * width * 3);
      labels[done] = t;
      for (const [k, [x, y]] of (meta.board?.corners ?? []).entries()) {
        corners[done * 8 + k * 2] = x * sx;
        corners[done * 8 + k * 2 + 1] = y * sy;
      }
      done++;
      if (done % 200 === 0) opts.onProgress?.(done, count);
    }
  }
  return { pixels, labels, corners, count, height, width };
}

/** A NumPy .npy (format 1.0) file of a C-ordered array. */
export function npy(data: Uint8Array | Int32Array | Float32Array, shape: number[]): Buffer {
  const descr = data instanceof Uint8Array ? '|u1' : data instanceof Int32Array ? '<i4' : '<f4';
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), body]);
}

/** Writes <dir>/<name>-pixels.npy, <dir>/<name>-labels.npy and <dir>/<name>-corners.npy. */
export async function writeDataset(dir: string, name: string, d: Dataset): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files = ['pixels', 'labels', 'corners'].map((part) => join(dir, `${name}-${part}.npy`));
  await writeFile(files[0]!, npy(d.pixels, [d.count, d.height, d.width, 3]));
  await writeFile(files[2]!, npy(d.corners, [d.count, 4, 2]));
  // Labels last: train_vit.py's --data-later waits for the labels file of a shard.
  await writeFile(files[1]!, npy(d.labels, [d.count]));
  return files;
}
