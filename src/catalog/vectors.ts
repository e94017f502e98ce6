import { badRequest } from './validate.ts';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Checks a vector is non-empty and finite: one NaN would poison every cosine it takes part in. */
export function assertVector(vector: unknown, what = 'embedding'): asserts vector is Float32Array {
  if (!(vector instanceof Float32Array) || vector.length === 0) {
    throw badRequest(`${what} must be a non-empty Float32Array`);
  }
  for (let i = 0; i < vector.length; i++) {
    if (!Number.isFinite(vector[i])) throw badRequest(`${what} has a non-finite value at index ${i}`);
  }
}

/** float32 little-endian bytes, as stored in embeddings.vector. */
export function encodeVector(vector: Float32Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
  const out = Buffer.allocUnsafe(vector.length * 4);
  for (let i = 0; i < vector.length; i++) out.writeFloatLE(vector[i]!, i * 4);
  return out;
}

/**
 * Copies `dim` float32 LE values from `bytes` into `target` starting at float index `at`. Copies bytes,
 * not floats: a Buffer from SQLite may start at any byteOffset, which a Float32Array view cannot.
 */
export function copyVectorInto(bytes: Uint8Array, target: Float32Array, at: number, dim: number): void {
  if (bytes.byteLength !== dim * 4) {
    throw new RangeError(`vector holds ${bytes.byteLength} bytes, expected ${dim * 4}`);
  }
  if (LITTLE_ENDIAN) {
    new Uint8Array(target.buffer, target.byteOffset + at * 4, dim * 4).set(bytes);
    return;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < dim; i++) target[at + i] = view.getFloat32(i * 4, true);
}

export function decodeVector(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.byteLength / 4);
  copyVectorInto(bytes, out, 0, out.length);
  return out;
}
