/**
 * Pillow's separable resampling (src/vision/pil-resample.ts) as WebAssembly SIMD kernels, assembled
 * at start-up from named opcodes (src/wasm/assembler.ts): the same integer arithmetic and rounding,
 * so the same bytes, several times faster than the JavaScript passes.
 *
 * Weights come in pairs of 16-bit integers, so that one `i32x4.dot_i16x8_s` applies two taps.
 * Pillow's 22-bit weights do not fit 16 bits: the "wide" kernels split each weight w into
 * hi = w >> 11 and lo = w & 2047 and sum (sum(p * hi) << 11) + sum(p * lo), which is sum(p * w)
 * exactly (Pillow's own int32 sum cannot overflow, so neither can these). Pillow-SIMD's weights fit
 * 16 bits and take the "narrow" kernels. Taps past a pixel's own count have weight 0.
 *
 *   horizontal_{wide,narrow}(src, srcStride, rows, pixels, bounds, weights, pairs, cols, dst,
 *                            dstStride, plane, bits, scratch)
 *     `rows` RGB rows of `pixels` pixels -> three planes (R, G, B, `plane` bytes apart) of `cols`
 *     bytes a row. bounds[x] (i32): 8 x the first source pixel of output pixel x. Four rows at a
 *     time: each source pixel's channel is first paired with its right neighbour, four rows side by
 *     side (8 bytes, see the layout below), so one dot product applies 2 taps to 4 rows with no
 *     shuffle per tap. `scratch`: HORIZONTAL_SCRATCH_BYTES of memory.
 *   vertical_{wide,narrow}(src, srcStride, cols, bounds, weights, pairs, rows, dst, dstStride, bits,
 *                          mean, std)
 *     One plane of bytes -> one plane of float32, normalised: (v - mean) / std in float32, as the
 *     reference pipeline computes it (src/vision/preprocess.ts). bounds[y] (i32): byte offset of
 *     output row y's first source row. 16 columns at a time: cols >= 16.
 */

import {
  at4,
  type Code,
  doWhile,
  F32,
  type FunctionDef,
  I32,
  inc,
  indices,
  Locals,
  min,
  moduleBytes,
  op,
  unrolled,
  V128,
} from '../wasm/assembler.ts';

/** The horizontal kernels read up to this many bytes past the end of the source's last row. */
export const SOURCE_SLACK_BYTES = 32;
/** Bits of a wide weight kept in its low part. */
export const LO_BITS = 11;

/*
 * Pair layout of 4 rows: for each channel and source pixel x, 8 bytes
 *   (x, r0) (x+1, r0) (x, r1) (x+1, r1) (x, r2) (x+1, r2) (x, r3) (x+1, r3);
 * widened to 16 bits they meet a weight pair (w0, w1) in one dot product. Channels lie
 * CHANNEL_PAIR_BYTES apart in the scratch memory. Each output pixel's 4 rows of one channel come out
 * as 4 bytes at ROWS_AT, transposed into the planes' rows once the 4 rows are done.
 */
const CHANNEL_PAIR_BYTES = 65_536;
const ROWS_AT = 3 * CHANNEL_PAIR_BYTES;
const CHANNEL_ROWS_BYTES = 32_768;
export const HORIZONTAL_SCRATCH_BYTES = ROWS_AT + 3 * CHANNEL_ROWS_BYTES;

/** Whether the horizontal kernels take rows of `pixels` source pixels, `pairs` tap pairs and `cols` outputs. */
export function horizontalFits(pixels: number, pairs: number, cols: number): boolean {
  return (pixels + 2 * pairs + 8) * 8 <= CHANNEL_PAIR_BYTES && (cols + 4) * 4 <= CHANNEL_ROWS_BYTES;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** From the 16 bytes at pixel x: (R x, R x+1) for x..x+3, then (G x, G x+1) for x..x+3. */
const PAIRS_RG = [0, 3, 3, 6, 6, 9, 9, 12, 1, 4, 4, 7, 7, 10, 10, 13];
/** (B x, B x+1) for x..x+3; the upper half is not used. */
const PAIRS_B = [2, 5, 5, 8, 8, 11, 11, 14, 0, 0, 0, 0, 0, 0, 0, 0];
/** 4 pixels x 4 rows -> 4 rows x 4 pixels. */
const TRANSPOSE_4X4 = [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15];
// Two-operand shuffles that V8 compiles to one unpack instruction each.
const UNPACK_LOW_16 = [0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23];
const UNPACK_HIGH_16 = UNPACK_LOW_16.map((i) => i + 8);
const UNPACK_LOW_32 = [0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23];
const UNPACK_HIGH_32 = UNPACK_LOW_32.map((i) => i + 8);
const UNPACK_LOW_8 = range(8).flatMap((i) => [i, i + 16]);
const UNPACK_HIGH_8 = UNPACK_LOW_8.map((i) => i + 8);

const { get, set, tee } = op;
/** acc += dot(v, w) */
const mac = (acc: number, v: number, w: number): Code => [
  ...[...get(acc), ...get(v), ...get(w), ...op.i32x4DotI16x8S, ...op.i32x4Add, ...set(acc)],
];
/** Pillow's rounding before the clip: (wide ? (acc << LO_BITS) + lo : acc) + half, >> bits. */
const rounded = (acc: number, lo: number | undefined, half: number, bits: number): Code => [
  ...get(acc),
  ...(lo === undefined ? [] : [...op.i32(LO_BITS), ...op.i32x4Shl, ...get(lo), ...op.i32x4Add]),
  ...[...get(half), ...op.i32x4Add, ...get(bits), ...op.i32x4ShrS],
];
/** half = splat(1 << (bits - 1)) */
const halfOf = (bits: number, half: number): Code => [
  ...[...op.i32(1), ...get(bits), ...op.i32(1), ...op.i32Sub, ...op.i32Shl, ...op.i32x4Splat, ...set(half)],
];

const HORIZONTAL_PARAMS = [
  'src',
  'srcStride',
  'rows',
  'pixels',
  'bounds',
  'weights',
  'pairs',
  'cols',
  'dst',
  'dstStride',
  'plane',
  'bits',
  'scratch',
] as const;

function horizontal(wide: boolean): FunctionDef {
  const p = indices(HORIZONTAL_PARAMS);
  const l = new Locals(HORIZONTAL_PARAMS.length);
  const { y, last, row, x, xx, o, wp, k, t } = l.named(I32, [
    'y',
    'last',
    'row',
    'x',
    'xx',
    'o',
    'wp',
    'k',
    't',
  ]);
  const [src, dst, rowOut] = [l.many(I32, 4), l.many(I32, 4), l.many(I32, 4)];
  const acc = l.many(V128, 3);
  const lo = wide ? l.many(V128, 3) : [];
  const { wh, wl, half, v, maskRG, maskB, maskT, a, b } = l.named(V128, [
    'wh',
    'wl',
    'half',
    'v',
    'maskRG',
    'maskB',
    'maskT',
    'a',
    'b',
  ]);
  const [rg, bl] = [l.many(V128, 4), l.many(V128, 4)];
  const step = wide ? 8 : 4;

  // The 4 rows of this group; past the last row, the last row again (its results are the same).
  const rowPointers = range(4).flatMap((i) => [
    ...[...get(y), ...op.i32(i), ...op.i32Add, ...set(row), ...min(row, last), ...set(row)],
    ...[...get(p.src), ...get(row), ...get(p.srcStride), ...op.i32Mul, ...op.i32Add, ...set(src[i]!)],
    ...[...get(p.dst), ...get(row), ...get(p.dstStride), ...op.i32Mul, ...op.i32Add, ...set(dst[i]!)],
  ]);
  // Two unpacks of 16-bit units (rows 0+1, rows 2+3), then of 32-bit ones: 4 pixels' pairs.
  const combine = (first: number[], mask: number[], offset: number): Code => [
    ...[...get(first[0]!), ...get(first[1]!), ...op.i8x16Shuffle(mask), ...set(a)],
    ...[...get(first[2]!), ...get(first[3]!), ...op.i8x16Shuffle(mask), ...set(b)],
    ...[...get(t), ...get(a), ...get(b), ...op.i8x16Shuffle(UNPACK_LOW_32), ...op.v128Store(offset)],
    ...[...get(t), ...get(a), ...get(b), ...op.i8x16Shuffle(UNPACK_HIGH_32), ...op.v128Store(offset + 16)],
  ];
  const buildPairs = [
    ...[...op.i32(0), ...set(x)],
    ...doWhile(
      [
        ...[...get(x), ...op.i32(3), ...op.i32Mul, ...set(t)],
        ...range(4).flatMap((i) => [
          ...[...get(src[i]!), ...get(t), ...op.i32Add, ...op.v128Load(), ...tee(v)],
          ...[...get(maskRG), ...op.i8x16Swizzle, ...set(rg[i]!)],
          ...[...get(v), ...get(maskB), ...op.i8x16Swizzle, ...set(bl[i]!)],
        ]),
        ...[...get(p.scratch), ...get(x), ...op.i32(3), ...op.i32Shl, ...op.i32Add, ...set(t)],
        ...combine(rg, UNPACK_LOW_16, 0),
        ...combine(rg, UNPACK_HIGH_16, CHANNEL_PAIR_BYTES),
        ...combine(bl, UNPACK_LOW_16, 2 * CHANNEL_PAIR_BYTES),
      ],
      x,
      4,
      p.pixels,
    ),
  ];
  const pair = (i: number): Code => [
    ...[...get(wp), ...op.v128Load32Splat(i * step), ...set(wh)],
    ...(wide ? [...get(wp), ...op.v128Load32Splat(i * step + 4), ...set(wl)] : []),
    ...range(3).flatMap((c) => [
      ...[...get(o), ...op.v128Load8x8U(c * CHANNEL_PAIR_BYTES + 16 * i), ...set(v)],
      ...mac(acc[c]!, v, wh),
      ...(wide ? mac(lo[c]!, v, wl) : []),
    ]),
  ];
  // Per output pixel: its taps, then its 4 rows of each channel clipped to 0..255 by saturating
  // narrows (i32 -> i16 -> u8) and stored as 4 bytes.
  const convolve = [
    ...[...op.i32(0), ...set(xx), ...get(p.weights), ...set(wp)],
    ...doWhile(
      [
        ...[...get(p.scratch), ...at4(p.bounds, xx), ...op.i32Load(), ...op.i32Add, ...set(o)],
        ...[...acc, ...lo].flatMap((r) => [...op.v128Zero, ...set(r)]),
        ...unrolled(
          p.pairs,
          k,
          pair,
          [...inc(o, op.i32(32)), ...inc(wp, op.i32(2 * step))],
          inc(wp, op.i32(step)),
        ),
        ...[...at4(p.scratch, xx), ...set(t)],
        ...range(3).flatMap((c) => [
          ...[...get(t), ...rounded(acc[c]!, lo[c], half, p.bits)],
          ...[...tee(v), ...get(v), ...op.i16x8NarrowI32x4S, ...tee(v), ...get(v), ...op.i8x16NarrowI16x8U],
          ...op.v128Store32Lane(ROWS_AT + c * CHANNEL_ROWS_BYTES, 0),
        ]),
      ],
      xx,
      1,
      p.cols,
    ),
  ];
  // 4 output pixels x 4 rows at a time into the rows of each plane.
  const transpose = range(3).flatMap((c) => [
    ...range(4).flatMap((r) => [
      ...[...get(dst[r]!), ...get(p.plane), ...op.i32(c), ...op.i32Mul, ...op.i32Add, ...set(rowOut[r]!)],
    ]),
    ...[...op.i32(0), ...set(xx)],
    ...doWhile(
      [
        ...[...at4(p.scratch, xx), ...op.v128Load(ROWS_AT + c * CHANNEL_ROWS_BYTES)],
        ...[...get(maskT), ...op.i8x16Swizzle, ...set(v)],
        ...range(4).flatMap((r) => [
          ...[...get(rowOut[r]!), ...get(xx), ...op.i32Add, ...get(v), ...op.v128Store32Lane(0, r)],
        ]),
      ],
      xx,
      4,
      p.cols,
    ),
  ]);
  const body = [
    ...[...get(p.rows), ...op.i32(1), ...op.i32Sub, ...set(last)],
    ...halfOf(p.bits, half),
    ...[...op.v128Const(PAIRS_RG), ...set(maskRG), ...op.v128Const(PAIRS_B), ...set(maskB)],
    ...[...op.v128Const(TRANSPOSE_4X4), ...set(maskT)],
    ...doWhile([...rowPointers, ...buildPairs, ...convolve, ...transpose], y, 4, p.rows),
  ];
  return {
    name: `horizontal_${wide ? 'wide' : 'narrow'}`,
    params: HORIZONTAL_PARAMS.map(() => I32),
    locals: l.types,
    body,
  };
}

const VERTICAL_PARAMS = [
  'src',
  'srcStride',
  'cols',
  'bounds',
  'weights',
  'pairs',
  'rows',
  'dst',
  'dstStride',
  'bits',
  'mean',
  'std',
] as const;

function vertical(wide: boolean): FunctionDef {
  const p = indices(VERTICAL_PARAMS);
  const l = new Locals(VERTICAL_PARAMS.length);
  const { yy, x, xg, ptr, w, k, rowOff, lastGroup, wp, q, stride2 } = l.named(I32, [
    'yy',
    'x',
    'xg',
    'ptr',
    'w',
    'k',
    'rowOff',
    'lastGroup',
    'wp',
    'q',
    'stride2',
  ]);
  const acc = l.many(V128, 4);
  const lo = wide ? l.many(V128, 4) : [];
  const { wh, wl, a, b, lowHalf, highHalf, half, meanV, stdV, v, max } = l.named(V128, [
    'wh',
    'wl',
    'a',
    'b',
    'lowHalf',
    'highHalf',
    'half',
    'meanV',
    'stdV',
    'v',
    'max',
  ]);
  const step = wide ? 8 : 4;

  // Rows y and y+1 interleaved byte by byte, widened: (y, y+1) pairs of 4 columns per vector.
  const pair = (i: number): Code => [
    ...[...get(ptr), ...(i ? [...get(stride2), ...op.i32Add] : []), ...tee(q), ...op.v128Load(), ...set(a)],
    ...[...get(q), ...get(p.srcStride), ...op.i32Add, ...op.v128Load(), ...set(b)],
    ...[...get(a), ...get(b), ...op.i8x16Shuffle(UNPACK_LOW_8), ...set(lowHalf)],
    ...[...get(a), ...get(b), ...op.i8x16Shuffle(UNPACK_HIGH_8), ...set(highHalf)],
    ...[...get(w), ...op.v128Load32Splat(i * step), ...set(wh)],
    ...(wide ? [...get(w), ...op.v128Load32Splat(i * step + 4), ...set(wl)] : []),
    ...range(4).flatMap((j) => [
      ...get(j < 2 ? lowHalf : highHalf),
      ...(j % 2 === 0 ? op.i16x8ExtendLowI8x16U : op.i16x8ExtendHighI8x16U),
      ...set(v),
      ...mac(acc[j]!, v, wh),
      ...(wide ? mac(lo[j]!, v, wl) : []),
    ]),
  ];
  // Clip, then (v - mean) / std in float32.
  const store = range(4).flatMap((j) => [
    ...[...get(q), ...rounded(acc[j]!, lo[j], half, p.bits)],
    ...[...op.v128Zero, ...op.i32x4MaxS, ...get(max), ...op.i32x4MinS],
    ...[...op.f32x4ConvertI32x4S, ...get(meanV), ...op.f32x4Sub, ...get(stdV), ...op.f32x4Div],
    ...op.v128Store(16 * j),
  ]);
  // 16 columns at a time; the last group ends at the last column (overlapping the one before).
  const group = [
    ...[...min(x, lastGroup), ...set(xg)],
    ...[...get(p.src), ...get(rowOff), ...op.i32Add, ...get(xg), ...op.i32Add, ...set(ptr)],
    ...[...get(wp), ...set(w)],
    ...[...acc, ...lo].flatMap((r) => [...op.v128Zero, ...set(r)]),
    ...unrolled(
      p.pairs,
      k,
      pair,
      [...inc(ptr, [...get(stride2), ...op.i32(1), ...op.i32Shl]), ...inc(w, op.i32(2 * step))],
      [],
    ),
    ...[...get(p.dst), ...get(yy), ...get(p.dstStride), ...op.i32Mul, ...op.i32Add],
    ...[...get(xg), ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...set(q)],
    ...store,
  ];
  const outputRow = [
    ...[...at4(p.bounds, yy), ...op.i32Load(), ...set(rowOff)],
    ...[...op.i32(0), ...set(x)],
    ...doWhile(group, x, 16, p.cols),
    ...inc(wp, [...get(p.pairs), ...op.i32(step), ...op.i32Mul]),
  ];
  const body = [
    ...[...get(p.cols), ...op.i32(16), ...op.i32Sub, ...set(lastGroup)],
    ...[...get(p.srcStride), ...op.i32(1), ...op.i32Shl, ...set(stride2)],
    ...halfOf(p.bits, half),
    ...[...op.i32(255), ...op.i32x4Splat, ...set(max)],
    ...[...get(p.mean), ...op.f32x4Splat, ...set(meanV), ...get(p.std), ...op.f32x4Splat, ...set(stdV)],
    ...[...get(p.weights), ...set(wp)],
    ...doWhile(outputRow, yy, 1, p.rows),
  ];
  return {
    name: `vertical_${wide ? 'wide' : 'narrow'}`,
    params: VERTICAL_PARAMS.map((n) => (n === 'mean' || n === 'std' ? F32 : I32)),
    locals: l.types,
    body,
  };
}

/** A number for each name. */
type Numbers<T extends readonly unknown[]> = { -readonly [K in keyof T]: number };
export type HorizontalFn = (...args: Numbers<typeof HORIZONTAL_PARAMS>) => void;
export type VerticalFn = (...args: Numbers<typeof VERTICAL_PARAMS>) => void;

export interface ResampleKernels {
  horizontal: { wide: HorizontalFn; narrow: HorizontalFn };
  vertical: { wide: VerticalFn; narrow: VerticalFn };
}

/** The module's bytes. */
export function resampleModuleBytes(): Uint8Array<ArrayBuffer> {
  return moduleBytes([horizontal(true), horizontal(false), vertical(true), vertical(false)]);
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, or null where this runtime has no WebAssembly SIMD. */
export function resampleModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    const bytes = resampleModuleBytes();
    compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  return compiled;
}

/** The kernels, working on `memory`. */
export function instantiateKernels(module: WebAssembly.Module, memory: WebAssembly.Memory): ResampleKernels {
  const e = new WebAssembly.Instance(module, { env: { memory } }).exports;
  return {
    horizontal: { wide: e.horizontal_wide as HorizontalFn, narrow: e.horizontal_narrow as HorizontalFn },
    vertical: { wide: e.vertical_wide as VerticalFn, narrow: e.vertical_narrow as VerticalFn },
  };
}
