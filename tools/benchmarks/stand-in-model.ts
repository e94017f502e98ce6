import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { seededRandom } from './stats.ts';

/**
 * A stand-in for a model on a fast accelerator: an ONNX graph with DINOv2-small's input (pixel_values
 * [batch, 3, 224, 224]) that answers in a couple of milliseconds on one CPU thread: a 16x16 stride-16
 * convolution to `dim` channels (the patch embedding), averaged over the 14x14 patches into
 * pooler_output [batch, dim]. Random weights (fixed seed): it recognizes nothing; the benchmark uses
 * it to see how many frames the CPU side (decode, preprocessing, matching) can feed a fast model.
 * Written with a few lines of protobuf encoding, so the benchmark needs no Python or ONNX tooling.
 */

export const STAND_IN = { size: 224, patch: 16, dim: 384, opset: 17, seed: 7 } as const;

// Protobuf wire format: varints and length-delimited fields.
function varint(n: number): number[] {
  const out: number[] = [];
  let v = BigInt(n);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return out;
}
const int = (field: number, n: number): number[] => [...varint(field << 3), ...varint(n)];
const bytes = (field: number, data: ArrayLike<number>): number[] => [
  ...varint((field << 3) | 2),
  ...varint(data.length),
  ...Array.from(data),
];
const str = (field: number, s: string) => bytes(field, Buffer.from(s, 'utf8'));

const FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;

function attribute(name: string, value: number | number[]): number[] {
  return typeof value === 'number'
    ? [...str(1, name), ...int(20, ATTR_INT), ...int(3, value)]
    : [...str(1, name), ...int(20, ATTR_INTS), ...value.flatMap((v) => int(8, v))];
}

function node(op: string, inputs: string[], outputs: string[], attrs: Record<string, number | number[]>) {
  return [
    ...inputs.flatMap((i) => str(1, i)),
    ...outputs.flatMap((o) => str(2, o)),
    ...str(3, `${op.toLowerCase()}_0`),
    ...str(4, op),
    ...Object.entries(attrs).flatMap(([k, v]) => bytes(5, attribute(k, v))),
  ];
}

function tensor(name: string, dims: number[], values: Float32Array): number[] {
  return [
    ...dims.flatMap((d) => int(1, d)),
    ...int(2, FLOAT),
    ...str(8, name),
    ...bytes(9, new Uint8Array(values.buffer, values.byteOffset, values.byteLength)),
  ];
}

/** A float tensor's type; a string dimension is symbolic (the batch). */
function valueInfo(name: string, dims: (number | string)[]): number[] {
  const shape = dims.flatMap((d) => bytes(1, typeof d === 'number' ? int(1, d) : str(2, d)));
  const tensorType = [...int(1, FLOAT), ...bytes(2, shape)];
  return [...str(1, name), ...bytes(2, bytes(1, tensorType))];
}

/** The stand-in's ONNX bytes and its weights (for tests that recompute its output). */
export function standInModel(dim: number = STAND_IN.dim): {
  onnx: Uint8Array;
  weight: Float32Array;
  bias: Float32Array;
} {
  const { size, patch, opset, seed } = STAND_IN;
  const rnd = seededRandom(seed);
  const fanIn = 3 * patch * patch;
  const weight = Float32Array.from({ length: dim * fanIn }, () => (rnd() * 2 - 1) / Math.sqrt(fanIn));
  const bias = Float32Array.from({ length: dim }, () => rnd() * 0.1);
  const graph = [
    ...bytes(
      1,
      node('Conv', ['pixel_values', 'patch_weight', 'patch_bias'], ['patches'], {
        kernel_shape: [patch, patch],
        strides: [patch, patch],
      }),
    ),
    ...bytes(1, node('ReduceMean', ['patches'], ['pooler_output'], { axes: [2, 3], keepdims: 0 })),
    ...str(2, 'accelerator-stand-in'),
    ...bytes(5, tensor('patch_weight', [dim, 3, patch, patch], weight)),
    ...bytes(5, tensor('patch_bias', [dim], bias)),
    ...bytes(11, valueInfo('pixel_values', ['batch', 3, size, size])),
    ...bytes(12, valueInfo('pooler_output', ['batch', dim])),
  ];
  const model = [...int(1, 8), ...str(2, 'benchsight'), ...bytes(7, graph), ...bytes(8, int(2, opset))];
  return { onnx: Uint8Array.from(model), weight, bias };
}

/**
 * Writes the stand-in and its manifest into `dir` (DINOv2-small's preprocessing, so the CPU side
 * does the production model's work) and returns the manifest's path.
 */
export async function writeStandIn(dir: string, preprocess: unknown): Promise<string> {
  const { onnx } = standInModel();
  await writeFile(join(dir, 'accelerator-stand-in.onnx'), onnx);
  const manifest = {
    id: 'accelerator-stand-in@1',
    name: 'accelerator-stand-in',
    description:
      'benchmark: a model on a fast accelerator, simulated (see tools/benchmarks/stand-in-model.ts)',
    file: 'accelerator-stand-in.onnx',
    preprocess,
    pooling: 'pooler',
    embeddingSize: STAND_IN.dim,
    randomWeights: true,
  };
  const path = join(dir, 'accelerator-stand-in.json');
  await writeFile(path, JSON.stringify(manifest, null, 2));
  return path;
}
