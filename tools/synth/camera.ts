import sharp from 'sharp';
import { Rng } from './rng.ts';

/** What the camera does to the rendered bench: optics, white balance, sensor, encoder. */
export interface CameraEffects {
  blur: { kind: 'gaussian'; sigma: number } | { kind: 'motion'; length: number; angleDeg: number } | null;
  /** Per-channel gains (exposure x white balance). */
  gains: [number, number, number];
  /** Sensor noise standard deviation, grey levels. */
  noiseSigma: number;
  noiseSeed: number;
  jpegQuality: number;
  /** mozjpeg: ~25 % smaller files, ~30 ms slower per frame. */
  mozjpeg: boolean;
}

/** A normalised line kernel: motion blur along `angleDeg`, `length` pixels long. */
function motionKernel(length: number, angleDeg: number): { width: number; height: number; kernel: number[] } {
  const size = Math.max(3, Math.round(length) | 1);
  const kernel = new Array<number>(size * size).fill(0);
  const a = (angleDeg * Math.PI) / 180;
  const c = (size - 1) / 2;
  for (let t = -c; t <= c; t += 0.25) {
    const x = Math.round(c + t * Math.cos(a));
    const y = Math.round(c + t * Math.sin(a));
    kernel[y * size + x] = 1;
  }
  const sum = kernel.reduce((s, v) => s + v, 0);
  return { width: size, height: size, kernel: kernel.map((v) => v / sum) };
}

const NOISE_TABLE_SIZE = 1 << 16;
let noiseTable: Float32Array | null = null;

/** Standard normal samples shared by every view; each view starts at its own offset. */
function normals(): Float32Array {
  if (!noiseTable) {
    const rng = new Rng(0x5eed);
    noiseTable = new Float32Array(NOISE_TABLE_SIZE);
    for (let i = 0; i < NOISE_TABLE_SIZE; i++) noiseTable[i] = rng.normal();
  }
  return noiseTable;
}

/** Luminance-correlated gaussian noise, in place. */
function addNoise(px: Buffer, channels: number, sigma: number, seed: number): void {
  const table = normals();
  const mask = NOISE_TABLE_SIZE - 1;
  let state = seed | 1;
  const luma = sigma * 0.8;
  const chroma = sigma * 0.45;
  // A clamped view: stores round and saturate instead of wrapping.
  const out = new Uint8ClampedArray(px.buffer, px.byteOffset, px.length);
  for (let i = 0; i + channels - 1 < px.length; i += channels) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const shared = (table[state & mask] as number) * luma;
    const k = (state >>> 16) & mask;
    for (let c = 0; c < 3; c++) {
      const v = (px[i + c] as number) + shared + (table[(k + c * 7919) & mask] as number) * chroma;
      out[i + c] = v;
    }
  }
}

/** Rasterises a bench SVG and applies the camera: blur, gains, noise, JPEG. */
export async function shoot(svg: string, width: number, height: number, fx: CameraEffects): Promise<Buffer> {
  let img = sharp(Buffer.from(svg)).removeAlpha();
  if (fx.blur?.kind === 'gaussian' && fx.blur.sigma >= 0.3) img = img.blur(fx.blur.sigma);
  if (fx.blur?.kind === 'motion' && fx.blur.length >= 2)
    img = img.convolve(motionKernel(fx.blur.length, fx.blur.angleDeg));
  const [r, g, b] = fx.gains;
  if (r !== 1 || g !== 1 || b !== 1) img = img.linear([r, g, b], [0, 0, 0]);
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  if (fx.noiseSigma > 0) addNoise(data, info.channels, fx.noiseSigma, fx.noiseSeed);
  return sharp(data, { raw: { width, height, channels: info.channels } })
    .jpeg({ quality: fx.jpegQuality, mozjpeg: fx.mozjpeg })
    .toBuffer();
}
