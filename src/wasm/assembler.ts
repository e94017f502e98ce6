/**
 * A few hundred bytes of WebAssembly, written from named opcodes: enough to assemble the project's
 * SIMD kernels (src/match/dot-kernel.ts, src/vision/resample-wasm.ts) at start-up, with no compiler
 * in the toolchain and no binary in the repository. Code is a flat array of bytes; the helpers
 * below return the bytes of one instruction each (see the WebAssembly core and SIMD specs).
 */

export type Code = number[];

export function uleb(n: number): Code {
  const out: Code = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): Code {
  const out: Code = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

export function name(s: string): Code {
  const bytes = [...Buffer.from(s, 'utf8')];
  return [...uleb(bytes.length), ...bytes];
}

export function section(id: number, body: Code): Code {
  return [id, ...uleb(body.length), ...body];
}

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof V128;

const simd = (opcode: number): Code => [0xfd, ...uleb(opcode)];
/** Alignment (log2 bytes) and offset of a load or store. */
const memarg = (align: number, offset: number): Code => [...uleb(align), ...uleb(offset)];
const lanes16 = (lanes: readonly number[]): Code => {
  if (lanes.length !== 16) throw new RangeError('a shuffle names 16 lanes');
  return [...lanes];
};

export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  select: [0x1b],
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32Load: (offset = 0) => [0x28, ...memarg(2, offset)],
  f32Store: [0x38, ...memarg(2, 0)],
  i32Store8: (offset = 0) => [0x3a, ...memarg(0, offset)],
  i32: (v: number) => [0x41, ...sleb(v)],
  i32Eqz: [0x45],
  i32Ne: [0x47],
  i32LtS: [0x48],
  i32LtU: [0x49],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32And: [0x71],
  i32ShrU: [0x76],
  i32Shl: [0x74],
  f32Add: [0x92],
  v128Load: (offset = 0) => [...simd(0x00), ...memarg(4, offset)],
  v128Load32Splat: (offset = 0) => [...simd(0x09), ...memarg(2, offset)],
  v128Load64Zero: (offset = 0) => [...simd(0x5d), ...memarg(3, offset)],
  v128Load8x8U: (offset = 0) => [...simd(0x02), ...memarg(3, offset)],
  v128Store32Lane: (offset: number, lane: number) => [...simd(0x5a), ...memarg(2, offset), lane],
  v128Store: (offset = 0) => [...simd(0x0b), ...memarg(4, offset)],
  v128Zero: [...simd(0x0c), ...new Array<number>(16).fill(0)],
  i8x16Shuffle: (lanes: readonly number[]) => [...simd(0x0d), ...lanes16(lanes)],
  i8x16Swizzle: simd(0x0e),
  v128Const: (bytes: readonly number[]) => [...simd(0x0c), ...lanes16(bytes)],
  i8x16ExtractLaneU: (lane: number) => [...simd(0x16), lane],
  i32x4Splat: simd(0x11),
  f32x4Splat: simd(0x13),
  f32x4Lane: (lane: number) => [...simd(0x1f), lane],
  i32x4LtS: simd(0x39),
  v128Xor: simd(0x51),
  v128Bitselect: simd(0x52),
  i8x16Popcnt: simd(0x62),
  i8x16NarrowI16x8U: simd(0x66),
  i8x16Add: simd(0x6e),
  i16x8ExtaddPairwiseI8x16U: simd(0x7d),
  i32x4ExtaddPairwiseI16x8U: simd(0x7f),
  i16x8NarrowI32x4S: simd(0x85),
  i16x8ExtendLowI8x16U: simd(0x89),
  i16x8ExtendHighI8x16U: simd(0x8a),
  i32x4Shl: simd(0xab),
  i32x4ShrS: simd(0xac),
  i32x4Add: simd(0xae),
  i32x4MinS: simd(0xb6),
  i32x4MaxS: simd(0xb8),
  i32x4DotI16x8S: simd(0xba),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  f32x4Div: simd(0xe7),
  f32x4ConvertI32x4S: simd(0xfa),
};

/** Names -> indices 0, 1, 2...: a function's parameters. */
export function indices<const N extends readonly string[]>(names: N): { readonly [K in N[number]]: number } {
  return Object.fromEntries(names.map((n, i) => [n, i])) as { [K in N[number]]: number };
}

/** A function's locals, numbered after its `params` parameters in the order they are added. */
export class Locals {
  readonly types: ValType[] = [];
  readonly #first: number;

  constructor(params: number) {
    this.#first = params;
  }

  add(type: ValType): number {
    this.types.push(type);
    return this.#first + this.types.length - 1;
  }

  many(type: ValType, n: number): number[] {
    return Array.from({ length: n }, () => this.add(type));
  }

  /** One local of `type` per name. */
  named<const N extends readonly string[]>(type: ValType, names: N): { readonly [K in N[number]]: number } {
    return Object.fromEntries(names.map((n) => [n, this.add(type)])) as { [K in N[number]]: number };
  }
}

// Structured pieces of code over i32 locals.
const { get, set, tee } = op;
/** local += code's value. */
export const inc = (local: number, by: Code): Code => [...get(local), ...by, ...op.i32Add, ...set(local)];
/** base + (index << 2) */
export const at4 = (base: number, index: number): Code => [
  ...get(base),
  ...get(index),
  ...op.i32(2),
  ...op.i32Shl,
  ...op.i32Add,
];
/** min(a, b) of two i32 locals. */
export const min = (a: number, b: number): Code => [
  ...get(a),
  ...get(b),
  ...get(a),
  ...get(b),
  ...op.i32LtS,
  ...op.select,
];
/** do { body; counter += step } while (counter < limit) */
export const doWhile = (body: Code, counter: number, step: number, limit: number): Code => [
  ...op.loop,
  ...body,
  ...[
    ...get(counter),
    ...op.i32(step),
    ...op.i32Add,
    ...tee(counter),
    ...get(limit),
    ...op.i32LtS,
    ...op.brIf(0),
  ],
  ...op.end,
];
/**
 * unit(0) .. unit(count - 1), two at a time (unit(0), unit(1), then `advance` moves the pointers two
 * units on) while the scratch local `k` counts down, then an odd last one and `last` (one unit on).
 */
export const unrolled = (
  count: number,
  k: number,
  unit: (i: number) => Code,
  advance: Code,
  last: Code,
): Code => [
  ...[...get(count), ...op.i32(1), ...op.i32ShrU, ...set(k)],
  ...[...op.block, ...get(k), ...op.i32Eqz, ...op.brIf(0), ...op.loop, ...unit(0), ...unit(1), ...advance],
  ...[...get(k), ...op.i32(1), ...op.i32Sub, ...tee(k), ...op.brIf(0), ...op.end, ...op.end],
  ...[...op.block, ...get(count), ...op.i32(1), ...op.i32And, ...op.i32Eqz, ...op.brIf(0), ...unit(0)],
  ...[...last, ...op.end],
];

export interface FunctionDef {
  name: string;
  params: ValType[];
  /** Further locals, in order after the params. */
  locals: ValType[];
  body: Code;
}

function localDecls(locals: readonly ValType[]): Code {
  const runs: [number, ValType][] = [];
  for (const t of locals) {
    const last = runs.at(-1);
    if (last && last[1] === t) last[0]++;
    else runs.push([1, t]);
  }
  return [...uleb(runs.length), ...runs.flatMap(([n, t]) => [...uleb(n), t])];
}

/**
 * A module importing one memory (`env.memory`, at least `minPages` pages) and exporting `functions`,
 * each returning nothing.
 */
export function moduleBytes(functions: readonly FunctionDef[], minPages = 1): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [0x60, ...uleb(f.params.length), ...f.params, 0x00]);
  const imports = [0x01, ...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(minPages)];
  const codes = functions.map((f) => {
    const body = [...localDecls(f.locals), ...f.body, ...op.end];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [...uleb(types.length), ...types.flat()]),
    ...section(2, imports),
    ...section(3, [...uleb(functions.length), ...functions.flatMap((_, i) => uleb(i))]),
    ...section(7, [
      ...uleb(functions.length),
      ...functions.flatMap((f, i) => [...name(f.name), 0x00, ...uleb(i)]),
    ]),
    ...section(10, [...uleb(codes.length), ...codes.flat()]),
  ]);
}
