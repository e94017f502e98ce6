import type { ModelManifest } from './manifest.ts';

export type Pooling = ModelManifest['pooling'];

/** The model output a pooling reads: pooler_output for 'pooler', last_hidden_state otherwise. */
export function pooledOutput(manifest: ModelManifest): string {
  return manifest.pooling === 'pooler' ? manifest.outputs.pooler : manifest.outputs.lastHiddenState;
}

/**
 * Output dims a pooling expects: [count, dim] for 'pooler', [count, tokens, dim] for 'cls' and
 * 'mean' ('mean' needs at least one patch token after the CLS token).
 */
export function checkPooledDims(dims: readonly number[], pooling: Pooling, dim: number): string | null {
  const want = pooling === 'pooler' ? '[batch, dim]' : '[batch, tokens, dim]';
  const rank = pooling === 'pooler' ? 2 : 3;
  if (dims.length !== rank) return `expected ${want}, got [${dims.join(', ')}]`;
  if (dims[rank - 1] !== dim) return `expected dim ${dim} (manifest embeddingSize), got [${dims.join(', ')}]`;
  if (pooling === 'mean' && dims[1]! < 2) return `mean pooling needs patch tokens, got [${dims.join(', ')}]`;
  return null;
}

/**
 * Turns a model output into `count` L2-normalised embeddings of `dim` floats, written to `out`:
 * 'pooler' copies pooler_output rows, 'cls' takes token 0 of last_hidden_state, 'mean' averages
 * tokens 1.. (the patch tokens). An all-zero vector stays zero.
 */
export function poolEmbeddings(
  data: Float32Array,
  dims: readonly number[],
  pooling: Pooling,
  count: number,
  dim: number,
  out: Float32Array,
): Float32Array {
  const acc = new Float64Array(dim);
  const tokens = pooling === 'pooler' ? 1 : dims[1]!;
  const rowStride = tokens * dim;
  for (let b = 0; b < count; b++) {
    const base = b * rowStride;
    if (pooling === 'mean') {
      acc.fill(0);
      for (let t = 1; t < tokens; t++) {
        const row = base + t * dim;
        for (let d = 0; d < dim; d++) acc[d]! += data[row + d]!;
      }
      for (let d = 0; d < dim; d++) acc[d]! /= tokens - 1;
    } else {
      for (let d = 0; d < dim; d++) acc[d] = data[base + d]!;
    }
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += acc[d]! * acc[d]!;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < dim; d++) out[b * dim + d] = acc[d]! * scale;
  }
  return out;
}
