/**
 * Encoder benchmark: prints per-image times of benchsight's Encoder next to a bare onnxruntime
 * session.run on the same input (same thread count), the preprocessing time of a 1280x720 frame,
 * and how far apart the model puts a few different synthetic pictures (cosines).
 *
 *   npx tsx scripts/model/benchmark-encoder.ts [manifest.json] [--runs 50] [--threads 0]
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import sharp from 'sharp';
import { createEncoder } from '../../src/vision/encoder.ts';
import { inputSize, loadManifest } from '../../src/vision/manifest.ts';
import { decodeImage, preprocess } from '../../src/vision/preprocess.ts';
import { scriptArgs } from '../../tools/script-args.ts';

const HELP = `Usage: npx tsx scripts/model/benchmark-encoder.ts [manifest] [options]

Median per-image times of benchsight's Encoder beside a bare onnxruntime session.run on the same
input (same thread count), the preprocessing time of a 1280x720 frame, and the cosines the model
gives a few different synthetic pictures.

  manifest          a model manifest, by path or name (default models/benchsight-tiny.json)
  --runs <n>        timed runs (default 50)
  --threads <n>     onnxruntime intra-op threads (default 0: one per core)
  -h, --help        this help
`;

const { positionals, ...values } = scriptArgs(
  HELP,
  { runs: { type: 'string', default: '50' }, threads: { type: 'string', default: '0' } },
  { positionals: 1 },
);
const runs = Number(values.runs);
const threads = Number(values.threads);
const loaded = loadManifest(positionals[0] ?? 'models/benchsight-tiny.json', 'models');
const [h, w] = inputSize(loaded.manifest);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

/** Synthetic bench pictures: boards of different layout and colour on a mat, and variants of one. */
function picture(kind: string): Promise<Buffer> {
  const board = (x: number, fill: string, chips: string) =>
    `<rect x="${x}" y="160" width="700" height="400" fill="${fill}"/>` +
    Array.from(
      { length: 12 },
      (_, i) => `<rect x="${x + 30 + i * 55}" y="220" width="35" height="35" fill="${chips}"/>`,
    ).join('') +
    Array.from(
      { length: 12 },
      (_, i) => `<rect x="${x + 30 + i * 55}" y="420" width="35" height="35" fill="${chips}"/>`,
    ).join('');
  const scenes: Record<string, string> = {
    'empty mat': '',
    'green board': board(290, '#1f6b35', '#b0b0b8'),
    'green board moved': board(330, '#1f6b35', '#b0b0b8'),
    'blue board': `<rect x="200" y="120" width="880" height="300" fill="#1d3f8a"/><rect x="260" y="180" width="760" height="120" fill="#c8c8c8"/>`,
    psu: `<rect x="400" y="100" width="480" height="520" fill="#8c8c8c"/><circle cx="640" cy="360" r="180" fill="#222"/>`,
  };
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1280" height="720"><rect width="1280" height="720" fill="#3a4a44"/>${scenes[kind]}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
}

const encoder = await createEncoder(loaded, { executionProviders: ['cpu'], intraOpThreads: threads });
const session = await InferenceSession.create(loaded.modelPath, {
  executionProviders: ['cpu'],
  graphOptimizationLevel: 'all',
  ...(threads > 0 ? { intraOpNumThreads: threads } : {}),
});
try {
  const frame = await picture('green board');
  const raw = await decodeImage(frame);
  const rows: string[][] = [];
  rows.push(['decode 1280x720 JPEG (sharp)', (await time(() => decodeImage(frame))).toFixed(2)]);
  rows.push([
    `preprocess decoded frame -> ${w}x${h} (${loaded.manifest.preprocess.resample})`,
    (await time(() => preprocess(raw, loaded.manifest))).toFixed(2),
  ]);
  const output =
    loaded.manifest.pooling === 'pooler'
      ? loaded.manifest.outputs.pooler
      : loaded.manifest.outputs.lastHiddenState;
  for (const batch of [1, 8]) {
    const input = encoder.inputBuffer(batch);
    for (let i = 0; i < batch; i++)
      await preprocess(raw, loaded.manifest, { out: input, offset: i * 3 * h * w });
    const tensor = new Tensor('float32', input, [batch, 3, h, w]);
    const bare = await time(() => session.run({ [loaded.manifest.inputName]: tensor }, [output]));
    const ours = await time(() => encoder.encode(input, batch));
    rows.push([`bare session.run, batch ${batch} (per image)`, (bare / batch).toFixed(2)]);
    rows.push([`Encoder.encode, batch ${batch} (per image)`, (ours / batch).toFixed(2)]);
  }
  console.log(
    `model ${loaded.manifest.id} (${loaded.modelPath}), cpu, intraOpThreads ${threads || 'default'}, median of ${runs}`,
  );
  console.log('| step | ms |\n|---|---|');
  for (const [name, ms] of rows) console.log(`| ${name} | ${ms} |`);

  const kinds = ['empty mat', 'green board', 'green board moved', 'blue board', 'psu'];
  const vectors = await encoder.encodeImages(await Promise.all(kinds.map(picture)));
  console.log(`\ncosine between embeddings (${loaded.manifest.pooling} pooling)`);
  console.log(`| | ${kinds.join(' | ')} |\n|---|${kinds.map(() => '---').join('|')}|`);
  for (let i = 0; i < kinds.length; i++) {
    const cells = kinds.map((_, j) => vectors[i]!.reduce((s, v, d) => s + v * vectors[j]![d]!, 0).toFixed(3));
    console.log(`| ${kinds[i]} | ${cells.join(' | ')} |`);
  }
} finally {
  await session.release();
  await encoder.stop();
}
