import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { createEncoder } from '../../src/vision/encoder.ts';
import { inputSize } from '../../src/vision/manifest.ts';
import { decodeImage, preprocess } from '../../src/vision/preprocess.ts';
import { decodeReduction } from '../../src/vision/reduced-decode.ts';
import { type BenchmarkModel, replicaPath, scaledFrames } from './fixtures.ts';
import { type Context, row, THREADS } from './sections.ts';
import { median, timeInterleaved } from './stats.ts';
import { type BenchmarkRow, ms, ratio } from './table.ts';

/**
 * The reduced-scale decode, measured: on 4K versions of the bench frames (and of the parity
 * fixture's images, where the fixture is present), decode + preprocess at the reduced scale
 * against the full decode, and the cosine between the two embeddings.
 */

const WIDTH = 3840;
const HEIGHT = 2160;
const WHOLE = [{ x: 0, y: 0, width: 1, height: 1 }];

/** The parity fixture's four images as 3840x2160 camera JPEGs (scaled to cover it); none without the fixture. */
async function parityImages(): Promise<Buffer[]> {
  const file = join(dirname(replicaPath()), 'reference.json');
  if (!existsSync(file)) return [];
  const ref = JSON.parse(await readFile(file, 'utf8')) as { images: { png_b64: string }[] };
  return Promise.all(
    ref.images.map((image) =>
      sharp(Buffer.from(image.png_b64, 'base64'))
        .removeAlpha()
        .resize(WIDTH, HEIGHT, { fit: 'cover', kernel: 'lanczos3' })
        .jpeg({ quality: 90 })
        .toBuffer(),
    ),
  );
}

export async function reducedDecodeSection(
  ctx: Context,
  models: readonly BenchmarkModel[],
): Promise<BenchmarkRow[]> {
  ctx.log(`reduced decode: ${WIDTH}x${HEIGHT} bench frames, embeddings against the full decode`);
  const folder = await scaledFrames(ctx.scene, ctx.cacheDir, WIDTH);
  const names = (await readdir(folder)).filter((n) => n.endsWith('.jpg')).sort();
  const frames = await Promise.all(names.map((n) => readFile(join(folder, n))));
  const parity = await parityImages();
  const rows: BenchmarkRow[] = [];
  for (const model of models) {
    const { manifest } = model.loaded;
    const reduce = decodeReduction(WIDTH, HEIGHT, WHOLE, manifest);
    const what = `${model.label}: ${WIDTH}x${HEIGHT} frame`;
    if (reduce === 1) {
      rows.push(row('Preprocess', `${what} is decoded at full size (too small a reduction)`, '', '', '', ''));
      continue;
    }
    const [h, w] = inputSize(manifest);
    const out = new Float32Array(3 * h * w);
    const still = frames[Math.floor(frames.length / 2)]!;
    const times = await timeInterleaved(
      async () => preprocess(await decodeImage(still, { reduce }), manifest, { out }),
      async () => preprocess(await decodeImage(still), manifest, { out }),
      { runs: ctx.plan.encodeRuns, block: 5, warmup: 1 },
    );
    const reducedMs = median(times.a);
    const fullMs = median(times.b);
    rows.push(
      row(
        'Preprocess',
        `${what} decoded at 1/${reduce} (JPEG shrink-on-load), then preprocessed`,
        ms(reducedMs),
        `full decode + preprocess ${ms(fullMs)}`,
        ratio(reducedMs / fullMs),
        '',
      ),
    );
    const encoder = await createEncoder(model.loaded, {
      executionProviders: ['cpu'],
      intraOpThreads: THREADS,
    });
    const cosines: number[] = [];
    try {
      for (const jpeg of [...frames, ...parity]) {
        // One image per run: an int8 model quantizes activations per batch.
        const a = await encoder.encode(await preprocess(await decodeImage(jpeg, { reduce }), manifest), 1);
        const b = await encoder.encode(await preprocess(await decodeImage(jpeg), manifest), 1);
        let dot = 0;
        for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
        cosines.push(dot);
      }
    } finally {
      await encoder.stop();
    }
    const worst = Math.min(...cosines);
    const images = `${frames.length} bench frames${parity.length > 0 ? ` + ${parity.length} parity images` : ''}`;
    rows.push(
      row(
        'Preprocess',
        `${model.label}: embedding at 1/${reduce} vs full decode, cosine (${images}, ${WIDTH}x${HEIGHT})`,
        `min ${worst.toFixed(5)}, median ${median(cosines).toFixed(5)}`,
        '',
        '',
        '>= 0.999',
        worst >= 0.999,
      ),
    );
  }
  return rows;
}
