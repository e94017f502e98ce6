import { describe, expect, it } from 'vitest';
import { type ModelManifest, manifestSchema } from '../../src/vision/manifest.ts';
import type { OutputWindow, PilFilter, RgbView } from '../../src/vision/pil-resample.ts';
import { preprocess, type RawImage, resamplerKind } from '../../src/vision/preprocess.ts';
import { resampleModuleBytes } from '../../src/vision/resample-wasm.ts';
import { jsResampler, type Normalization, type TensorTarget } from '../../src/vision/resampler.ts';
import { WasmResampler } from '../../src/vision/wasm-resampler.ts';

/** Deterministic pseudo-random bytes (xorshift32). */
function random(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/**
 * An RGB image, alternately smooth (gradients plus a little noise) and harsh (0 or 255 at random:
 * bicubic overshoots and clips at both ends), framed by `border` pixels of other content so that a
 * view into it has an offset and a stride.
 */
function image(width: number, height: number, seed: number, border = 0): RgbView {
  const next = random(seed);
  const W = width + 2 * border;
  const H = height + 2 * border;
  const data = new Uint8Array(W * H * 3);
  const harsh = seed % 2 === 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let c = 0; c < 3; c++) {
        const i = (y * W + x) * 3 + c;
        data[i] = harsh ? (next() & 1) * 255 : (x * 7 + y * 3 + c * 50 + (next() % 16)) & 255;
      }
    }
  }
  return { data, width, height, offset: (border * W + border) * 3, stride: W * 3 };
}

const NORM: Normalization = { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] };

interface Case {
  src: [number, number];
  size: [number, number];
  filter: PilFilter;
  simd: boolean;
  win?: OutputWindow;
  border?: number;
}

/** Both resamplers into arrays pre-filled with a marker: bars and untouched floats must agree too. */
function both(c: Case, seed: number): [Float32Array, Float32Array] {
  const [w, h] = c.size;
  const win = c.win ?? { left: 0, top: 0, width: w, height: h };
  const src = image(c.src[0], c.src[1], seed, c.border ?? 0);
  const target = (out: Float32Array): TensorTarget => ({
    out,
    offset: 5,
    width: win.width + 3,
    height: win.height + 2,
    left: 2,
    top: 1,
  });
  const length = 5 + 3 * (win.width + 3) * (win.height + 2) + 4;
  const wasm = new Float32Array(length).fill(-7);
  const js = new Float32Array(length).fill(-7);
  WasmResampler.create()!.resize(src, w, h, c.filter, c.simd, win, NORM, target(wasm));
  jsResampler.resize(src, w, h, c.filter, c.simd, win, NORM, target(js));
  return [wasm, js];
}

function expectSame(wasm: Float32Array, js: Float32Array): void {
  let differing = 0;
  for (let i = 0; i < js.length; i++) if (!Object.is(wasm[i], js[i])) differing++;
  expect(differing).toBe(0);
}

const CASES: Case[] = [
  // The bundled model (Pillow's 22-bit weights: the "wide" kernels) and DINOv2's resize + crop.
  { src: [1280, 720], size: [320, 240], filter: 'bicubic', simd: false },
  {
    src: [1280, 720],
    size: [455, 256],
    filter: 'bicubic',
    simd: true,
    win: { left: 115, top: 16, width: 224, height: 224 },
  },
  {
    src: [1280, 720],
    size: [455, 256],
    filter: 'bicubic',
    simd: false,
    win: { left: 115, top: 16, width: 224, height: 224 },
  },
  // Odd sizes, both directions, mixed, one axis only, none.
  { src: [333, 197], size: [101, 67], filter: 'bicubic', simd: false },
  { src: [97, 61], size: [211, 143], filter: 'bicubic', simd: false },
  { src: [97, 61], size: [211, 143], filter: 'bilinear', simd: true },
  { src: [150, 41], size: [43, 90], filter: 'bicubic', simd: true },
  { src: [64, 48], size: [17, 48], filter: 'bilinear', simd: false },
  { src: [64, 48], size: [64, 19], filter: 'bicubic', simd: false },
  { src: [37, 29], size: [37, 29], filter: 'bicubic', simd: false },
  // Tiny: narrower than a 16-column group and a 4-pixel block, a single pixel, a single row.
  { src: [7, 5], size: [3, 9], filter: 'bicubic', simd: false },
  { src: [1, 1], size: [3, 2], filter: 'bicubic', simd: false },
  { src: [50, 3], size: [7, 1], filter: 'bilinear', simd: false },
  { src: [5, 40], size: [2, 11], filter: 'bicubic', simd: true },
  // Big downscales: many tap pairs, odd and even counts.
  { src: [1000, 300], size: [13, 11], filter: 'bicubic', simd: false },
  { src: [999, 301], size: [40, 7], filter: 'bilinear', simd: true },
  // Windows (centre crops) at odd places, of views with an offset and a stride.
  {
    src: [640, 480],
    size: [341, 256],
    filter: 'bicubic',
    simd: true,
    win: { left: 58, top: 16, width: 224, height: 224 },
    border: 3,
  },
  {
    src: [301, 203],
    size: [151, 97],
    filter: 'bicubic',
    simd: false,
    win: { left: 1, top: 2, width: 149, height: 93 },
    border: 5,
  },
  {
    src: [480, 640],
    size: [256, 341],
    filter: 'bilinear',
    simd: false,
    win: { left: 16, top: 58, width: 224, height: 224 },
    border: 1,
  },
  // Rows wider than the kernels' scratch memory: the JavaScript path inside WasmResampler.
  { src: [8300, 4], size: [40, 2], filter: 'bicubic', simd: false },
];

describe('WebAssembly SIMD resampler', () => {
  it('is what this runtime uses (WebAssembly SIMD validates, preprocess picks it)', () => {
    expect(WebAssembly.validate(resampleModuleBytes())).toBe(true);
    expect(WasmResampler.create()).not.toBeNull();
    expect(resamplerKind()).toBe('webassembly-simd');
  });

  it.each(
    CASES.map(
      (c) =>
        [
          `${c.filter}${c.simd ? ' (simd weights)' : ''} ${c.src.join('x')} -> ${c.size.join('x')}` +
            `${c.win ? ` window ${c.win.width}x${c.win.height}+${c.win.left}+${c.win.top}` : ''}`,
          c,
        ] as const,
    ),
  )('matches the JavaScript reference bit for bit: %s', (_name, c) => {
    for (const seed of [1, 2, 3]) expectSame(...both(c, seed));
  });

  it('gives the same result when one instance runs many sizes in turn (memory grows and is reused)', () => {
    const resampler = WasmResampler.create()!;
    const runs: Case[] = [CASES[3]!, CASES[0]!, CASES[10]!, CASES[3]!];
    const results = runs.map((c, i) => {
      const [w, h] = c.size;
      const out = new Float32Array(3 * w * h);
      const target = { out, offset: 0, width: w, height: h, left: 0, top: 0 };
      resampler.resize(
        image(c.src[0], c.src[1], 10 + (i % 3)),
        w,
        h,
        c.filter,
        c.simd,
        { left: 0, top: 0, width: w, height: h },
        NORM,
        target,
      );
      return out;
    });
    expectSame(results[3]!, results[0]!);
    expect(resampler.memoryBytes).toBeGreaterThan(3 * 320 * 240 * 4);
  });

  it('takes the JavaScript path for a job larger than its memory cap, and keeps its memory small', () => {
    const c = CASES[0]!;
    const resampler = WasmResampler.create({ maxMemoryBytes: 2 ** 20 })!;
    const [w, h] = c.size;
    const src = image(c.src[0], c.src[1], 4);
    const win = { left: 0, top: 0, width: w, height: h };
    const got = new Float32Array(3 * w * h);
    const want = new Float32Array(3 * w * h);
    const target = (out: Float32Array) => ({ out, offset: 0, width: w, height: h, left: 0, top: 0 });
    resampler.resize(src, w, h, c.filter, c.simd, win, NORM, target(got));
    jsResampler.resize(src, w, h, c.filter, c.simd, win, NORM, target(want));
    expectSame(got, want);
    expect(resampler.memoryBytes).toBeLessThanOrEqual(2 ** 20);
  });

  it('refuses a window outside the result and a target too small', () => {
    const resampler = WasmResampler.create()!;
    const src = image(20, 20, 1);
    const out = new Float32Array(3 * 10 * 10);
    const target = { out, offset: 0, width: 10, height: 10, left: 0, top: 0 };
    expect(() =>
      resampler.resize(
        src,
        10,
        10,
        'bicubic',
        false,
        { left: 1, top: 0, width: 10, height: 10 },
        NORM,
        target,
      ),
    ).toThrow(RangeError);
    expect(() =>
      resampler.resize(src, 10, 10, 'bicubic', false, { left: 0, top: 0, width: 10, height: 10 }, NORM, {
        ...target,
        offset: 1,
      }),
    ).toThrow(RangeError);
  });
});

function manifest(preprocessSpec: Record<string, unknown>): ModelManifest {
  return manifestSchema.parse({
    id: 'test@1',
    name: 'test',
    file: 'none.onnx',
    preprocess: preprocessSpec,
    pooling: 'mean',
    embeddingSize: 8,
  });
}

function raw(width: number, height: number, seed: number): RawImage {
  const v = image(width, height, seed);
  return { data: v.data, width, height, channels: 3 };
}

describe('preprocess through the WebAssembly resampler', () => {
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  const specs: [string, Record<string, unknown>][] = [
    [
      'shortestEdge 256 + crop 224, pil-simd-bicubic',
      {
        resize: { mode: 'shortestEdge', size: 256 },
        crop: { width: 224, height: 224 },
        resample: 'pil-simd-bicubic',
        mean,
        std,
      },
    ],
    [
      'shortestEdge 37 + crop 31x29, pil-bilinear',
      {
        resize: { mode: 'shortestEdge', size: 37 },
        crop: { width: 31, height: 29 },
        resample: 'pil-bilinear',
        mean,
        std,
      },
    ],
    [
      'exact 320x240, pil-bicubic',
      {
        resize: { mode: 'exact', width: 320, height: 240 },
        resample: 'pil-bicubic',
        mean: [0.5, 0.5, 0.5],
        std: [0.5, 0.5, 0.5],
      },
    ],
    [
      'exact 333x111 + crop 301x97, pil-simd-bilinear',
      {
        resize: { mode: 'exact', width: 333, height: 111 },
        crop: { width: 301, height: 97 },
        resample: 'pil-simd-bilinear',
        mean,
        std,
      },
    ],
    [
      'letterbox 320x240, pil-bicubic',
      { resize: { mode: 'letterbox', width: 320, height: 240 }, resample: 'pil-bicubic', mean, std },
    ],
    [
      'letterbox 64x64, pil-simd-bicubic',
      { resize: { mode: 'letterbox', width: 64, height: 64 }, resample: 'pil-simd-bicubic', mean, std },
    ],
  ];
  const regions = [
    undefined,
    { x: 0.1, y: 0.2, width: 0.37, height: 0.55 },
    { x: 0.5, y: 0, width: 0.5, height: 1 },
  ];

  it.each(specs)('%s: whole frames and bench slots, downscaled and upscaled', async (_name, spec) => {
    const m = manifest(spec);
    for (const [w, h] of [
      [1280, 720],
      [201, 157],
      [90, 160],
    ] as const) {
      const img = raw(w, h, w + h);
      for (const region of regions) {
        const got = await preprocess(img, m, { region });
        expectSame(got, await preprocess(img, m, { region, resampler: jsResampler }));
      }
    }
  });
});
