/**
 * The two nearest neighbours of binary descriptors under the Hamming distance, in WebAssembly SIMD
 * (v128.xor, i8x16.popcnt). opencv.js's BFMatcher spends ~20 ns on a pair of 256-bit descriptors
 * (a scalar WebAssembly build); this kernel compares one reference descriptor with four query
 * descriptors at once and keeps the best two per lane in registers, several times faster, with the
 * same answer (it is still exhaustive: every pair is compared, so no match is lost to an index).
 *
 * The module is assembled below from named opcodes; its one function is
 *   knn2(refs, refRows, query, groups, bias, out)
 * For each reference row (32 bytes), over the query's rows in groups of four: lane l of the three
 * i32x4 written to `out` holds the nearest and second nearest distance among the query rows
 * 4g + l, and the nearest one's index. `bias` (one i32x4 per group) pushes padding rows out of reach.
 */

import { type FunctionDef, I32, Locals, moduleBytes, op, V128 } from '../wasm/assembler.ts';

/** 256-bit descriptors (ORB). */
const ROW_BYTES = 32;
/** Query rows compared at once (the four i32 lanes). */
const GROUP = 4;
/** Bytes written per reference row: the lanes' best, second best and best index. */
const OUT_BYTES = 48;
const PAGE_BYTES = 65_536;
/** Above any distance (256 at most): no neighbour yet. */
const FAR = 1 << 20;
/** Added to a padding row's distance: it never beats a real row. */
const PADDING = 1 << 16;

const [REFS, REF_ROWS, QUERY, GROUPS, BIAS, OUT] = [0, 1, 2, 3, 4, 5];

/** An i8x16.shuffle taking i32 lanes (0-3 from the first operand, 4-7 from the second). */
function shuffle32(lanes: [number, number, number, number]): number[] {
  return op.i8x16Shuffle(lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]));
}

function knn2Function(): FunctionDef {
  const locals = new Locals(6);
  const { r0, r1, best1, best2, idx, j, d, lt, u01, u23 } = locals.named(V128, [
    'r0',
    'r1',
    'best1',
    'best2',
    'idx',
    'j',
    'd',
    'lt',
    'u01',
    'u23',
  ] as const);
  const t = locals.many(V128, GROUP);
  const { refEnd, qp, bp, k } = locals.named(I32, ['refEnd', 'qp', 'bp', 'k'] as const);
  const { get, set } = op;
  // per query row of the group: popcount(ref ^ row), the 32 bytes summed to four i32 lanes
  const distances = t.flatMap((tk, i) => [
    ...[...get(r0), ...get(qp), ...op.v128Load(ROW_BYTES * i), ...op.v128Xor, ...op.i8x16Popcnt],
    ...[...get(r1), ...get(qp), ...op.v128Load(ROW_BYTES * i + 16), ...op.v128Xor, ...op.i8x16Popcnt],
    ...[...op.i8x16Add, ...op.i16x8ExtaddPairwiseI8x16U, ...op.i32x4ExtaddPairwiseI16x8U, ...set(tk)],
  ]);
  // a 4x4 transpose-and-add: lane i of d is the sum of t[i]'s four lanes
  const pairSum = (a: number, b: number, into: number) => [
    ...[...get(a), ...get(b), ...shuffle32([0, 4, 1, 5])],
    ...[...get(a), ...get(b), ...shuffle32([2, 6, 3, 7]), ...op.i32x4Add, ...set(into)],
  ];
  const sum = [
    ...pairSum(t[0]!, t[1]!, u01),
    ...pairSum(t[2]!, t[3]!, u23),
    ...[...get(u01), ...get(u23), ...shuffle32([0, 1, 4, 5])],
    ...[...get(u01), ...get(u23), ...shuffle32([2, 3, 6, 7]), ...op.i32x4Add],
    ...[...get(bp), ...op.v128Load(0), ...op.i32x4Add, ...set(d)],
  ];
  const keepBestTwo = [
    ...[...get(d), ...get(best1), ...op.i32x4LtS, ...set(lt)],
    ...[
      ...get(best1),
      ...get(best2),
      ...get(d),
      ...op.i32x4MinS,
      ...get(lt),
      ...op.v128Bitselect,
      ...set(best2),
    ],
    ...[...get(best1), ...get(d), ...op.i32x4MinS, ...set(best1)],
    ...[...get(j), ...get(idx), ...get(lt), ...op.v128Bitselect, ...set(idx)],
    ...[...get(j), ...op.i32(GROUP), ...op.i32x4Splat, ...op.i32x4Add, ...set(j)],
  ];
  const advance = (local: number, by: number) => [...get(local), ...op.i32(by), ...op.i32Add, ...set(local)];
  const groupLoop = [
    ...op.loop,
    ...distances,
    ...sum,
    ...keepBestTwo,
    ...advance(qp, GROUP * ROW_BYTES),
    ...advance(bp, 16),
    ...[...get(k), ...op.i32(1), ...op.i32Sub, ...op.tee(k), ...op.brIf(0)],
    ...op.end,
  ];
  const body = [
    ...op.block,
    ...[...get(REF_ROWS), ...op.i32Eqz, ...op.brIf(0), ...get(GROUPS), ...op.i32Eqz, ...op.brIf(0)],
    ...[...get(REFS), ...get(REF_ROWS), ...op.i32(ROW_BYTES), ...op.i32Mul, ...op.i32Add, ...set(refEnd)],
    ...op.loop,
    ...[...get(REFS), ...op.v128Load(0), ...set(r0), ...get(REFS), ...op.v128Load(16), ...set(r1)],
    ...[...op.i32(FAR), ...op.i32x4Splat, ...op.tee(best1), ...set(best2)],
    ...[...op.v128Zero, ...set(idx), ...op.v128Const(lanes32([0, 1, 2, 3])), ...set(j)],
    ...[...get(QUERY), ...set(qp), ...get(BIAS), ...set(bp), ...get(GROUPS), ...set(k)],
    ...groupLoop,
    ...[...get(OUT), ...get(best1), ...op.v128Store(0)],
    ...[...get(OUT), ...get(best2), ...op.v128Store(16)],
    ...[...get(OUT), ...get(idx), ...op.v128Store(32)],
    ...advance(OUT, OUT_BYTES),
    ...advance(REFS, ROW_BYTES),
    ...[...get(REFS), ...get(refEnd), ...op.i32LtU, ...op.brIf(0)],
    ...op.end,
    ...op.end,
  ];
  return { name: 'knn2', params: [I32, I32, I32, I32, I32, I32], locals: locals.types, body };
}

/** Four i32 as the 16 little-endian bytes of a v128.const. */
function lanes32(values: [number, number, number, number]): number[] {
  return values.flatMap((v) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff]);
}

let compiled: WebAssembly.Module | null = null;

type Knn2Fn = (
  refs: number,
  refRows: number,
  query: number,
  groups: number,
  bias: number,
  out: number,
) => void;

function align(bytes: number, to: number): number {
  return Math.ceil(bytes / to) * to;
}

/** Per reference row: its nearest query row, that distance and the second nearest distance. */
export interface NearestTwo {
  index: Int32Array;
  distance: Int32Array;
  second: Int32Array;
}

/**
 * Exhaustive two-nearest-neighbour search of 256-bit descriptors in its own WebAssembly memory,
 * grown as needed and kept between calls (one per feature worker).
 */
export class HammingKnn {
  readonly #memory = new WebAssembly.Memory({ initial: 1 });
  readonly #knn2: Knn2Fn;

  constructor() {
    compiled ??= new WebAssembly.Module(moduleBytes([knn2Function()]));
    const instance = new WebAssembly.Instance(compiled, { env: { memory: this.#memory } });
    this.#knn2 = instance.exports.knn2 as Knn2Fn;
  }

  /**
   * For each of `refs`' rows (32 bytes each), the two nearest of `query`'s rows. With fewer than two
   * query rows, the missing distances are above 256.
   */
  nearestTwo(refs: Uint8Array, query: Uint8Array): NearestTwo {
    const refRows = refs.byteLength / ROW_BYTES;
    const queryRows = query.byteLength / ROW_BYTES;
    const groups = Math.ceil(queryRows / GROUP);
    const queryAt = 0;
    const biasAt = align(groups * GROUP * ROW_BYTES, 16);
    const refsAt = biasAt + groups * 16;
    const outAt = refsAt + refs.byteLength;
    const needed = outAt + refRows * OUT_BYTES;
    const pages = Math.ceil(needed / PAGE_BYTES) - this.#memory.buffer.byteLength / PAGE_BYTES;
    if (pages > 0) this.#memory.grow(pages);
    const bytes = new Uint8Array(this.#memory.buffer);
    bytes.set(query, queryAt);
    const bias = new Int32Array(this.#memory.buffer, biasAt, groups * GROUP);
    bias.fill(0);
    bias.fill(PADDING, queryRows);
    bytes.fill(0, queryAt + query.byteLength, biasAt);
    bytes.set(refs, refsAt);
    this.#knn2(refsAt, refRows, queryAt, groups, biasAt, outAt);
    const out = new Int32Array(this.#memory.buffer, outAt, refRows * (OUT_BYTES / 4));
    const result: NearestTwo = {
      index: new Int32Array(refRows),
      distance: new Int32Array(refRows),
      second: new Int32Array(refRows),
    };
    for (let r = 0; r < refRows; r++) {
      const o = r * 12;
      let best = 0;
      for (let l = 1; l < GROUP; l++) if (out[o + l]! < out[o + best]!) best = l;
      let second = out[o + 4 + best]!;
      for (let l = 0; l < GROUP; l++) if (l !== best && out[o + l]! < second) second = out[o + l]!;
      result.index[r] = out[o + 8 + best]!;
      result.distance[r] = out[o + best]!;
      result.second[r] = second;
    }
    return result;
  }
}
