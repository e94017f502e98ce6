import { cpus, loadavg } from 'node:os';
import ort from 'onnxruntime-node';
import { bundledOcrModels } from '../../src/ocr/models.ts';
import { OcrReader } from '../../src/ocr/reader.ts';
import { REC_HEIGHT } from '../../src/ocr/recognize.ts';
import type { OcrShapes } from '../../src/ocr/types.ts';
import { decodeImage } from '../../src/vision/image.ts';
import { randomLabelOptions, randomLabelText, renderLabel } from '../synth/label.ts';
import { Rng } from '../synth/rng.ts';
import { type AccuracyCount, characterAccuracy, countErrors } from './accuracy.ts';

export interface OcrBenchmarkOptions {
  /** Label images (slots) to read. */
  labels: number;
  /** onnxruntime threads, as ocr.threads. */
  threads: number;
  seed: number;
  log?: (line: string) => void;
}

export interface OcrBenchmarkResult {
  /** Per slot: the daemon's path (worker round trip, detection + recognition + pre/post-processing). */
  slotMs: number[];
  /** The bare networks on the same input shapes: onnxruntime run() alone. */
  detMs: number[];
  recMs: number[];
  accuracy: number;
  characters: number;
  lines: number;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor(s.length / 2)]!;
}

function p90(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.min(s.length - 1, Math.floor(s.length * 0.9))]!;
}

async function timedRun(session: ort.InferenceSession, dims: number[]): Promise<number> {
  const input = new Float32Array(dims.reduce((a, b) => a * b, 1));
  const t0 = performance.now();
  const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', input, dims) });
  const ms = performance.now() - t0;
  for (const t of Object.values(out)) t.dispose();
  return ms;
}

/** Bare detector and recognizer time for the shapes of one read. */
async function bareTimes(det: ort.InferenceSession, rec: ort.InferenceSession, shapes: OcrShapes) {
  const detMs = await timedRun(det, [1, 3, ...shapes.det]);
  let recMs = 0;
  for (const [n, w] of shapes.rec) recMs += await timedRun(rec, [n, 3, REC_HEIGHT, w]);
  return { detMs, recMs };
}

/**
 * OCR time per bench slot on rendered labels (tools/synth/label.ts), beside the bare networks on the
 * same input shapes, and the character accuracy of the same run.
 */
export async function benchmarkOcr(o: OcrBenchmarkOptions): Promise<OcrBenchmarkResult> {
  const files = await bundledOcrModels();
  const reader = await OcrReader.open({ files, threads: o.threads, minConfidence: 0.5 });
  const options = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all' as const,
    ...(o.threads > 0 ? { intraOpNumThreads: o.threads } : {}),
  };
  const det = await ort.InferenceSession.create(files.detection, options);
  const rec = await ort.InferenceSession.create(files.recognition, options);
  const rng = new Rng(o.seed);
  const result: OcrBenchmarkResult = {
    slotMs: [],
    detMs: [],
    recMs: [],
    accuracy: 0,
    characters: 0,
    lines: 0,
  };
  const counts: AccuracyCount[] = [];
  try {
    // one warm-up read: onnxruntime allocates its arenas on the first run of a shape
    const warm = await renderLabel(randomLabelText(rng), randomLabelOptions(rng));
    const warmRead = await reader.read(await decodeImage(warm.jpeg));
    await bareTimes(det, rec, warmRead.shapes);
    for (let i = 0; i < o.labels; i++) {
      const label = await renderLabel(randomLabelText(rng), randomLabelOptions(rng));
      const image = await decodeImage(label.jpeg);
      const t0 = performance.now();
      const read = await reader.read(image);
      result.slotMs.push(performance.now() - t0);
      const bare = await bareTimes(det, rec, read.shapes);
      result.detMs.push(bare.detMs);
      result.recMs.push(bare.recMs);
      result.lines += read.lines.length;
      counts.push(
        countErrors(
          label.lines,
          read.lines.map((l) => l.text),
        ),
      );
      o.log?.(
        `label ${i + 1}/${o.labels}: ${(performance.now() - t0).toFixed(0)} ms, ${read.lines.length} lines`,
      );
    }
  } finally {
    await reader.stop();
    await det.release();
    await rec.release();
  }
  result.accuracy = characterAccuracy(counts);
  result.characters = counts.reduce((s, c) => s + c.characters, 0);
  return result;
}

/** The benchmark as a table: median and p90 per slot, beside the bare networks. */
export function ocrBenchmarkTable(r: OcrBenchmarkResult, o: OcrBenchmarkOptions): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const rows: [string, number[]][] = [
    ['OCR per slot (worker round trip: detect + recognize + pre/post)', r.slotMs],
    ['  bare detector run() on the same input', r.detMs],
    ['  bare recognizer run() on the same batches', r.recMs],
    [
      '  pre/post-processing and transfer (difference)',
      r.slotMs.map((v, i) => v - r.detMs[i]! - r.recMs[i]!),
    ],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const lines = [
    `OCR benchmark: ${o.labels} rendered 640x560 label slots, ${o.threads === 0 ? 'all' : o.threads} onnxruntime thread(s), ` +
      `${cpus().length} cores (${cpu}), load average ${loadavg()[0]!.toFixed(1)} (above the core count: other work shared the CPUs)`,
    `${'what'.padEnd(width)}  median ms  p90 ms`,
    ...rows.map(
      ([name, v]) =>
        `${name.padEnd(width)}  ${median(v).toFixed(1).padStart(9)}  ${p90(v).toFixed(1).padStart(6)}`,
    ),
    `character accuracy of the same run: ${r.accuracy.toFixed(4)} (${r.characters} characters, ${r.lines} lines read)`,
  ];
  return `${lines.join('\n')}\n`;
}
