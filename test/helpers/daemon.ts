import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import sharp from 'sharp';
import { configSchema } from '../../src/config/schema.ts';
import { Daemon } from '../../src/main.ts';
import { tempDir } from './temp.ts';

export const TINY_MODEL = join(import.meta.dirname, '..', 'fixtures', 'tiny-vit.json');

/** A distinct test picture: coloured blocks laid out from a seed. */
export async function pattern(seed: number, width = 320, height = 240): Promise<Buffer> {
  const rects: string[] = [];
  let s = seed * 9301 + 49297;
  const rnd = () => {
    s = (s * 9301 + 49297) % 233280;
    return s / 233280;
  };
  for (let i = 0; i < 12; i++) {
    const c = `rgb(${Math.floor(rnd() * 255)},${Math.floor(rnd() * 255)},${Math.floor(rnd() * 255)})`;
    rects.push(
      `<rect x="${Math.floor(rnd() * width)}" y="${Math.floor(rnd() * height)}" width="${20 + Math.floor(rnd() * 120)}" height="${20 + Math.floor(rnd() * 90)}" fill="${c}"/>`,
    );
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="rgb(${(seed * 40) % 255},90,60)"/>${rects.join('')}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
}

/** Writes a replay folder: each picture repeated `repeat` times (a static scene), in order. */
export function writeFrames(dir: string, pictures: Buffer[], repeat: number): void {
  mkdirSync(dir, { recursive: true });
  let n = 0;
  for (const p of pictures) {
    for (let i = 0; i < repeat; i++) writeFileSync(join(dir, `${String(++n).padStart(5, '0')}.jpg`), p);
  }
}

/**
 * Each picture held for `holdFrames` frames, then the pictures alternating on every frame
 * `alternations` times. With the gate off a slot picture is verified once it has held still
 * (STILL_MS), so each is held long enough once; the alternation is then answered from the slot's
 * kept verifications, a recognition on every frame.
 */
export function writeAlternating(
  dir: string,
  pictures: Buffer[],
  holdFrames: number,
  alternations: number,
): void {
  mkdirSync(dir, { recursive: true });
  const sequence = [
    ...pictures.flatMap((p) => Array<Buffer>(holdFrames).fill(p)),
    ...Array.from({ length: alternations }, () => pictures).flat(),
  ];
  sequence.forEach((p, i) => {
    writeFileSync(join(dir, `${String(i + 1).padStart(5, '0')}.jpg`), p);
  });
}

export { tempDir };

/** A daemon on port 0 with the tiny test model, replaying `framesDir`. */
export async function startTestDaemon(framesDir: string, overrides: Record<string, unknown> = {}) {
  const dataDir = tempDir('bs-data-');
  const config = configSchema.parse({
    // `cameras:` in the overrides replaces the one camera
    ...('cameras' in overrides ? {} : { camera: { source: { kind: 'folder', path: framesDir, fps: 10 } } }),
    model: { name: TINY_MODEL },
    gate: { stableFrames: 2 },
    match: { threshold: 0.995, minMargin: 0, smoothing: 1 },
    server: { port: 0, frameRate: 10 },
    data: { dir: dataDir },
    log: { level: 'silent' },
    // OCR costs CPU on every recognition; only the tests about it turn it on
    ocr: { enabled: false },
    ...overrides,
  });
  const daemon = new Daemon(config, { logger: pino({ level: 'silent' }) });
  await daemon.start();
  return { daemon, dataDir, url: `http://127.0.0.1:${daemon.port}` };
}

/** A JPEG of random noise: it barely compresses, so it fills network buffers fast. */
export async function noise(seed: number, width = 1280, height = 960): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  let x = seed;
  for (let i = 0; i < pixels.length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    pixels[i] = x >> 16;
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** Resolves once `check` holds, looking again every `intervalMs` (for hooks, where expect.poll is not allowed). */
export async function until(
  check: () => boolean,
  what: string,
  timeoutMs = 30_000,
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
