import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { errorMessage } from '../../src/errors.ts';
import { inputSize, type ModelManifest } from '../../src/vision/manifest.ts';
import {
  cropStart,
  decodeImage,
  preprocess,
  type RawImage,
  resamplerKind,
  resizedSize,
} from '../../src/vision/preprocess.ts';
import { jsResampler } from '../../src/vision/resampler.ts';
import { row, skipped } from './sections.ts';
import { median, timeRuns } from './stats.ts';
import { type BenchmarkRow, ms, ratio } from './table.ts';

/** The preprocessing section: decoding a camera frame, and resize + normalise beside Pillow's C code. */

const PYTHON = '/usr/bin/python3';
const PILLOW_SCRIPT = fileURLToPath(new URL('./pillow_preprocess.py', import.meta.url));
/** Rounds of (benchsight block, Pillow block): a change in background load hits both alike. */
const ROUNDS = 3;
const TARGET_MS = 3;

export interface PreprocessManifest {
  /** Name in the table. */
  label: string;
  manifest: ModelManifest;
}

interface PillowTimes {
  version: string;
  numpy: string | null;
  resizeMs: number[];
  totalMs: number[];
}

/** Pillow's resize (+ crop) and numpy's normalisation of `raw` as `manifest` says, or why not. */
async function timePillow(raw: RawImage, file: string, manifest: ModelManifest, runs: number) {
  const p = manifest.preprocess;
  const [width, height] = resizedSize(raw.width, raw.height, p.resize);
  const [outH, outW] = inputSize(manifest);
  const crop =
    p.resize.mode === 'letterbox' || (width === outW && height === outH)
      ? null
      : [cropStart(width, outW), cropStart(height, outH), outW, outH];
  const spec = {
    width: raw.width,
    height: raw.height,
    resize: [width, height],
    crop,
    filter: p.resample.endsWith('bilinear') ? 'bilinear' : 'bicubic',
    rescale: p.rescale,
    mean: p.mean,
    std: p.std,
    runs,
  };
  try {
    const { stdout } = await promisify(execFile)(PYTHON, [PILLOW_SCRIPT, file, JSON.stringify(spec)], {
      timeout: 120_000,
    });
    const parsed = JSON.parse(stdout) as Omit<PillowTimes, 'version'> & { pillow: string };
    return { ...parsed, version: parsed.pillow };
  } catch (err) {
    const why = /No module named 'PIL'/.test(errorMessage(err))
      ? `${PYTHON} has no Pillow (apt-get install python3-pil python3-numpy)`
      : `${PYTHON} with Pillow did not run (${errorMessage(err).split('\n')[0]})`;
    return why;
  }
}

/**
 * Decode of the bench frame (median ms, the pipeline rows' reference uses it), then for each
 * manifest: preprocess() of the decoded frame against Pillow + numpy timed on the same pixels,
 * in alternating blocks, and the JavaScript resampler for comparison.
 */
export async function preprocessSection(
  frame: Buffer,
  manifests: readonly PreprocessManifest[],
  opts: { runs: number; work: string; log(line: string): void },
): Promise<{ rows: BenchmarkRow[]; decodeMs: number }> {
  const raw = await decodeImage(frame);
  const size = `${raw.width}x${raw.height}`;
  opts.log(`preprocess: decode, then resize + normalise (${resamplerKind()}) against Pillow`);
  const decodeMs = median(await timeRuns(opts.runs, () => decodeImage(frame), 3));
  const rows: BenchmarkRow[] = [
    row('Preprocess', `decode a ${size} camera JPEG (sharp, RGB)`, ms(decodeMs), '', '', ''),
  ];
  const file = join(opts.work, 'frame.rgb');
  await writeFile(file, raw.data);
  for (const { label, manifest } of manifests) {
    const [h, w] = inputSize(manifest);
    const out = new Float32Array(3 * h * w);
    const ours: number[] = [];
    const pillow: (PillowTimes | string)[] = [];
    const perRound = Math.ceil(opts.runs / ROUNDS);
    for (let round = 0; round < ROUNDS; round++) {
      ours.push(...(await timeRuns(perRound, () => preprocess(raw, manifest, { out }), 3)));
      pillow.push(await timePillow(raw, file, manifest, perRound));
    }
    const js = median(await timeRuns(5, () => preprocess(raw, manifest, { out, resampler: jsResampler }), 1));
    const oursMs = median(ours);
    const what = `${label}: resize + normalise a ${size} frame (${describe(manifest)})`;
    const target = `<= ${TARGET_MS} ms`;
    const failed = pillow.find((r): r is string => typeof r === 'string');
    if (failed !== undefined) {
      rows.push({
        ...row('Preprocess', what, ms(oursMs), '', '', target, oursMs <= TARGET_MS),
        reference: `Pillow skipped: ${failed}`,
      });
    } else {
      const runs = pillow as PillowTimes[];
      const resizeMs = median(runs.flatMap((r) => r.resizeMs));
      const pillowMs = median(runs.flatMap((r) => r.totalMs));
      const { version, numpy } = runs[0]!;
      const reference = numpy
        ? `Pillow ${version} (C) ${ms(resizeMs)} + numpy normalise = ${ms(pillowMs)}`
        : `Pillow ${version} (C) resize ${ms(pillowMs)} (no numpy: no normalisation)`;
      rows.push(
        row('Preprocess', what, ms(oursMs), reference, ratio(oursMs / pillowMs), target, oursMs <= TARGET_MS),
      );
    }
    rows.push(
      row(
        'Preprocess',
        `${label}: the same in JavaScript (runtimes without WebAssembly SIMD)`,
        ms(js),
        '',
        '',
        '',
      ),
    );
  }
  if (manifests.length === 0) rows.push(skipped('Preprocess', 'resize + normalise', 'no manifest'));
  return { rows, decodeMs };
}

function describe(m: ModelManifest): string {
  const p = m.preprocess;
  const resize =
    p.resize.mode === 'shortestEdge'
      ? `shortest edge ${p.resize.size}`
      : `${p.resize.mode} ${p.resize.width}x${p.resize.height}`;
  return `${resize}${p.crop ? `, crop ${p.crop.width}x${p.crop.height}` : ''}, ${p.resample}`;
}
