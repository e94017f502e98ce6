import { mkdtempSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManifest } from '../../src/vision/manifest.ts';
import { camerasSection } from './cameras.ts';
import { centralSection } from './central.ts';
import { idleSection, mallocSection, memorySection, pipelineSection } from './daemon-sections.ts';
import { benchScene, bundledModel, MODELS_DIR, replicaModel, replicaPath } from './fixtures.ts';
import { acceleratorSection } from './frame-path.ts';
import { inspectSection } from './inspect.ts';
import { loadAverage, machineLine } from './machine.ts';
import { nodeFlagsSection } from './node-flags.ts';
import { preprocessSection } from './preprocess.ts';
import { reducedDecodeSection } from './reduced-decode.ts';
import { type Context, encodeSection, matchSection, type Plan, skipped, startupSection } from './sections.ts';
import { type BenchmarkRow, renderTable } from './table.ts';
import { verifySection } from './verify.ts';
import { verifyLiveSection } from './verify-live.ts';

export interface BenchmarkOptions {
  /** The CI form: fewer runs, shorter windows, the production-size model's pipeline only. */
  short: boolean;
  /** Generated bench scenes are kept here between runs. */
  cacheDir: string;
  /** Progress lines (stderr). */
  log(line: string): void;
  /** Only these sections (SECTIONS); preprocess and encode always run: the others' references come from them. */
  only?: readonly Section[];
}

/** The sections of the table, by the name `--only` takes. */
export const SECTIONS = [
  'preprocess',
  'encode',
  'reduced-decode',
  'match',
  'verify',
  'inspect',
  'pipeline',
  'accelerator',
  'idle',
  'memory',
  'cameras',
  'startup',
  'central',
] as const;
export type Section = (typeof SECTIONS)[number];

const FULL: Plan = {
  encodeRuns: 40,
  encodeSlots: [1, 2],
  matchQueries: 30,
  windowS: 8,
  streamRounds: 3,
  liveRounds: 6,
  idleS: 10,
  memoryFrames: 50_000,
  memoryMaxS: 120,
  mallocRow: true,
  nodeFlagsPairs: 2,
  firstStart: true,
};

const SHORT: Plan = {
  encodeRuns: 10,
  encodeSlots: [1],
  matchQueries: 10,
  windowS: 4,
  streamRounds: 2,
  liveRounds: 6,
  idleS: 5,
  memoryFrames: 0,
  memoryMaxS: 0,
  mallocRow: false,
  nodeFlagsPairs: 0,
  firstStart: false,
};

/** Runs every section and returns the table (markdown), with the date, machine and load average. */
export async function runBenchmarks(opts: BenchmarkOptions): Promise<string> {
  const plan = opts.short ? SHORT : FULL;
  const runs = (section: Section): boolean => !opts.only || opts.only.includes(section);
  const work = mkdtempSync(join(tmpdir(), 'benchsight-benchmark-'));
  const started = new Date();
  const loadAtStart = loadAverage();
  const rows: BenchmarkRow[] = [];
  const notes = [
    'Daemon rows: the Daemon of src/main.ts in a child process, one slot, 1280x720 replayed bench frames ' +
      "(in the Pipeline rows at the demo's pace whatever the camera's rate: a board put down, held and " +
      'taken away every 5 s), ocr.enabled false (OCR reads a label after each stable recognition; this ' +
      'replay recognizes a board every 5 s, which would make the rows measure OCR).',
  ];
  try {
    const bundled = bundledModel();
    const replica = await replicaModel(work);
    if (!replica) {
      notes.push(`The production-size replica is absent (${replicaPath()}): its rows are skipped.`);
    }
    opts.log('bench scene (generated once into the cache)');
    const scene = await benchScene(opts.cacheDir, 1280, 720);
    const ctx: Context = { plan, scene, work, cacheDir: opts.cacheDir, log: opts.log };
    const models = replica ? [bundled, replica] : [bundled];
    // The production-size model where there is one: streaming, idle and the short form use it.
    const main = replica ?? bundled;
    if (opts.only?.length === 1 && opts.only[0] === 'cameras') {
      // its references (one camera) are measured in the section itself
      rows.push(...(await camerasSection(ctx, main)));
      return render(opts, started, loadAtStart, notes, rows);
    }
    const centralPlan = opts.short
      ? { propagationRuns: 10, rowsPerBox: 100 }
      : { propagationRuns: 40, rowsPerBox: 500 };
    if (opts.only?.length === 1 && opts.only[0] === 'central') {
      // its references (a query round trip, local writes) are measured in the section itself
      rows.push(...(await centralSection(centralPlan, work, opts.log)));
      return render(opts, started, loadAtStart, notes, rows);
    }

    const still = await readFile(scene.still);
    const dinov2 = loadManifest('dinov2-small', MODELS_DIR).manifest;
    const pre = await preprocessSection(
      still,
      [
        { label: bundled.loaded.manifest.name, manifest: bundled.loaded.manifest },
        { label: dinov2.name, manifest: dinov2 },
      ],
      { runs: opts.short ? 30 : 90, work, log: opts.log },
    );
    rows.push(...pre.rows);
    const encode = await encodeSection(ctx, models, still);
    rows.push(...encode.rows);
    if (!opts.short && runs('reduced-decode')) rows.push(...(await reducedDecodeSection(ctx, models)));
    if (!replica) rows.push(skipped('Encode', 'dinov2-small replica', 'replica absent'));
    if (runs('match')) rows.push(...(await matchSection(ctx)));
    if (runs('verify')) {
      rows.push(...(await verifySection(ctx)));
      // the daemon as shipped: the bundled encoder
      rows.push(await verifyLiveSection(ctx, bundled, encode.bare.get(bundled)!));
    }
    if (runs('inspect')) rows.push(...(await inspectSection(ctx)));

    let busy: number | undefined;
    for (const model of !runs('pipeline') ? [] : opts.short ? [main] : models) {
      // The bundled model is faster than the frame path: its reference includes the decode.
      const decode = model === bundled ? pre.decodeMs : undefined;
      const p = await pipelineSection(ctx, model, encode.bare.get(model)!, model === main, decode);
      rows.push(...p.rows);
      if (model === main) busy = p.cpuPercent;
    }
    if (plan.nodeFlagsPairs > 0 && runs('pipeline')) {
      const rate = Math.ceil(2000 / (pre.decodeMs + encode.bare.get(bundled)!));
      rows.push(...(await nodeFlagsSection(ctx, bundled, rate, plan.nodeFlagsPairs)));
    }
    if (!replica && runs('pipeline'))
      rows.push(skipped('Pipeline', 'dinov2-small replica', 'replica absent'));
    if (!opts.short && runs('accelerator')) rows.push(...(await acceleratorSection(ctx, pre.decodeMs)));
    if (runs('idle')) rows.push(await idleSection(ctx, main, busy));
    if (plan.mallocRow && runs('memory')) rows.push(await mallocSection(ctx, main, encode.bare.get(main)!));
    if (plan.memoryFrames > 0 && runs('memory')) rows.push(await memorySection(ctx, bundled));
    if (!opts.short && runs('cameras')) rows.push(...(await camerasSection(ctx, main)));
    if (runs('startup')) rows.push(...(await startupSection(ctx, bundled)));
    if (runs('central')) rows.push(...(await centralSection(centralPlan, work, opts.log)));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return render(opts, started, loadAtStart, notes, rows);
}

function render(
  opts: BenchmarkOptions,
  started: Date,
  loadAtStart: string,
  notes: string[],
  rows: BenchmarkRow[],
): string {
  const form = opts.only ? `sections ${opts.only.join(', ')}` : opts.short ? 'short form' : 'full form';
  const lines = [
    `${started.toISOString()}, ${form}: ${machineLine()}`,
    `load average (1 / 5 / 15 min): ${loadAtStart} at start, ${loadAverage()} at end`,
  ];
  return renderTable({ title: 'benchsight benchmark', lines, notes }, rows);
}
