/**
 * Dot products of one query with every row of a matrix, in WebAssembly SIMD (f32x4, four
 * accumulators). A scalar JavaScript loop runs at a fraction of memory speed on a 100k x 384
 * catalog; this kernel runs at it. The matrix lives in the kernel's own linear memory, rows padded
 * with zeros to a multiple of 16 floats so the loop needs no tail.
 *
 * The module is a few hundred bytes, assembled below from named opcodes; its one function is
 *   scores(matrix, query, rows, rowBytes, out): out[i] = dot(matrix row i, query)   (f32)
 */

import { I32, moduleBytes, op, V128 } from '../wasm/assembler.ts';

const ROW_ALIGN_FLOATS = 16;
const PAGE_BYTES = 65_536;

// Locals: params 0 matrix (advances row by row), 1 query, 2 rows, 3 rowBytes, 4 out (advances);
// 5 matrix end, 6 query cursor, 7 query end, 8..11 the four f32x4 accumulators.
const [M, Q, N, STRIDE, OUT, M_END, QC, Q_END] = [0, 1, 2, 3, 4, 5, 6, 7];
const ACC = [8, 9, 10, 11] as const;

function scoresBody(): number[] {
  const accumulate = ACC.flatMap((acc, i) => [
    ...op.get(acc),
    ...op.get(M),
    ...op.v128Load(16 * i),
    ...op.get(QC),
    ...op.v128Load(16 * i),
    ...op.f32x4Mul,
    ...op.f32x4Add,
    ...op.set(acc),
  ]);
  const sum = [
    ...op.get(ACC[0]),
    ...op.get(ACC[1]),
    ...op.f32x4Add,
    ...op.get(ACC[2]),
    ...op.get(ACC[3]),
    ...op.f32x4Add,
    ...op.f32x4Add,
    ...op.tee(ACC[0]),
    ...op.f32x4Lane(0),
    ...[1, 2, 3].flatMap((lane) => [...op.get(ACC[0]), ...op.f32x4Lane(lane), ...op.f32Add]),
  ];
  const code = [
    ...op.block,
    ...op.get(N),
    ...op.i32Eqz,
    ...op.brIf(0),
    ...[...op.get(M), ...op.get(N), ...op.get(STRIDE), ...op.i32Mul, ...op.i32Add, ...op.set(M_END)],
    ...[...op.get(Q), ...op.get(STRIDE), ...op.i32Add, ...op.set(Q_END)],
    ...op.loop,
    ...ACC.flatMap((acc) => [...op.v128Zero, ...op.set(acc)]),
    ...op.get(Q),
    ...op.set(QC),
    ...op.loop,
    ...accumulate,
    ...[...op.get(M), ...op.i32(64), ...op.i32Add, ...op.set(M)],
    ...[...op.get(QC), ...op.i32(64), ...op.i32Add, ...op.tee(QC), ...op.get(Q_END), ...op.i32LtU],
    ...op.brIf(0),
    ...op.end,
    ...op.get(OUT),
    ...sum,
    ...op.f32Store,
    ...[...op.get(OUT), ...op.i32(4), ...op.i32Add, ...op.set(OUT)],
    ...[...op.get(M), ...op.get(M_END), ...op.i32LtU, ...op.brIf(0)],
    ...op.end,
    ...op.end,
  ];
  return code;
}

let compiled: WebAssembly.Module | null = null;

function kernelModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(
    moduleBytes([
      {
        name: 'scores',
        params: [I32, I32, I32, I32, I32],
        locals: [I32, I32, I32, V128, V128, V128, V128],
        body: scoresBody(),
      },
    ]),
  );
  return compiled;
}

type ScoresFn = (matrix: number, query: number, rows: number, rowBytes: number, out: number) => void;

function align(bytes: number, to: number): number {
  return Math.ceil(bytes / to) * to;
}

/**
 * A row-major matrix of `dim`-float rows in WebAssembly memory and the kernel that scores a query
 * against it. Layout: query | matrix (capacity rows) | scores. Growing keeps the rows in place and
 * replaces the views, so hold no view across ensureCapacity().
 */
export class DotKernel {
  readonly dim: number;
  /** Floats per stored row (dim padded to a multiple of 16). */
  readonly stride: number;
  readonly #memory: WebAssembly.Memory;
  readonly #scores: ScoresFn;
  readonly #matrixAt: number;
  #capacity = 0;
  #scoresAt = 0;
  /** The stored rows, `stride` floats each. */
  matrix = new Float32Array(0);
  /** The query, padded with zeros to `stride`. */
  query = new Float32Array(0);
  #scoreView = new Float32Array(0);

  constructor(dim: number, capacity: number) {
    this.dim = dim;
    this.stride = align(dim, ROW_ALIGN_FLOATS);
    this.#matrixAt = align(this.stride * 4, 64);
    this.#memory = new WebAssembly.Memory({ initial: 1 });
    const instance = new WebAssembly.Instance(kernelModule(), { env: { memory: this.#memory } });
    this.#scores = instance.exports.scores as ScoresFn;
    this.ensureCapacity(Math.max(capacity, 1));
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** Room for at least `rows` rows; stored rows keep their place. */
  ensureCapacity(rows: number): void {
    if (rows <= this.#capacity) return;
    const capacity = rows;
    const scoresAt = this.#matrixAt + align(capacity * this.stride * 4, 64);
    const needed = scoresAt + capacity * 4;
    const pages = Math.ceil(needed / PAGE_BYTES) - this.#memory.buffer.byteLength / PAGE_BYTES;
    if (pages > 0) this.#memory.grow(pages);
    const buffer = this.#memory.buffer;
    this.#capacity = capacity;
    this.#scoresAt = scoresAt;
    this.query = new Float32Array(buffer, 0, this.stride);
    this.matrix = new Float32Array(buffer, this.#matrixAt, capacity * this.stride);
    this.#scoreView = new Float32Array(buffer, scoresAt, capacity);
  }

  /** Stores `rows` rows of `dim` floats from `source` (row-major, starting at row `first`), zero-padded. */
  setRows(first: number, source: Float32Array, rows = 1): void {
    const { dim, stride } = this;
    const m = this.matrix;
    if (dim === stride) {
      m.set(source.subarray(0, rows * dim), first * stride);
      return;
    }
    for (let r = 0; r < rows; r++) {
      const base = (first + r) * stride;
      m.set(source.subarray(r * dim, (r + 1) * dim), base);
      m.fill(0, base + dim, base + stride);
    }
  }

  copyRow(from: number, to: number): void {
    this.matrix.copyWithin(to * this.stride, from * this.stride, (from + 1) * this.stride);
  }

  /** Scores of the first `rows` rows against `query`; the view is overwritten by the next call. */
  run(rows: number): Float32Array {
    this.#scores(this.#matrixAt, 0, rows, this.stride * 4, this.#scoresAt);
    return this.#scoreView.subarray(0, rows);
  }
}
