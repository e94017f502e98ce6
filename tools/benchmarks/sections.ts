import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDemo } from '../synth/demo.ts';
import { benchmarkEncode } from './encode.ts';
import type { BenchmarkModel, BenchScene } from './fixtures.ts';
import { benchmarkMatch, copyBandwidth } from './match.ts';
import { measureBareStartup, measureStartup, type Startup } from './startup.ts';
import { type BenchmarkRow, mib, ms, ratio } from './table.ts';

/** How long and how hard each section runs (the full and the short form differ only here). */
export interface Plan {
  encodeRuns: number;
  encodeSlots: number[];
  matchQueries: number;
  /** Seconds of each pipeline measurement window. */
  windowS: number;
  /** Rounds of (no dashboards, dashboards) windows for the streaming comparison. */
  streamRounds: number;
  /** Pairs of windows (verification off, on, in one daemon) for the live frame-rate comparison. */
  liveRounds: number;
  idleS: number;
  /** Frames of the bundled-model memory run; 0: none. */
  memoryFrames: number;
  memoryMaxS: number;
  /** Also measure RSS with glibc's mmap threshold fixed (what keeps RSS at live memory). */
  mallocRow: boolean;
  /** Pairs of daemons (without, with the launchers' node flags) for their comparison; 0: none. */
  nodeFlagsPairs: number;
  firstStart: boolean;
}

export interface Context {
  plan: Plan;
  scene: BenchScene;
  /** Scratch folder of this run. */
  work: string;
  cacheDir: string;
  log(line: string): void;
}

const SIZES = [1_000, 10_000, 100_000];
const DIM = 384;
const TOP_K = 5;
const REFERENCES_PER_BOARD = 10;
/** onnxruntime intra-op threads, as the daemon's default config: one per core. */
export const THREADS = 0;

export function row(
  section: string,
  what: string,
  value: string,
  reference: string,
  r: string,
  target: string,
  ok?: boolean,
): BenchmarkRow {
  return {
    section,
    what,
    value,
    reference,
    ratio: r,
    target,
    verdict: ok === undefined ? 'info' : ok ? 'met' : 'missed',
  };
}

export function skipped(section: string, what: string, why: string): BenchmarkRow {
  return { section, what, value: why, reference: '', ratio: '', target: '', verdict: 'skipped' };
}

/** Encode rows, and the bare inference ms of one slot per model (the pipeline's reference). */
export async function encodeSection(ctx: Context, models: BenchmarkModel[], frame: Buffer) {
  const rows: BenchmarkRow[] = [];
  const bare = new Map<BenchmarkModel, number>();
  for (const model of models) {
    ctx.log(`encode: ${model.label}`);
    const opts = { slots: ctx.plan.encodeSlots, runs: ctx.plan.encodeRuns, intraOpThreads: THREADS };
    for (const r of await benchmarkEncode(model.loaded, frame, opts)) {
      if (r.slots === 1) bare.set(model, r.bareMs);
      const over = r.oursMs / r.bareMs;
      const what = `${model.label}, ${r.slots === 1 ? '1 slot' : `${r.slots} slots in one batch`}, per slot`;
      rows.push(
        row(
          'Encode',
          what,
          ms(r.oursMs),
          `bare session.run ${ms(r.bareMs)}`,
          ratio(over),
          '<= 1.10x',
          over <= 1.1,
        ),
      );
    }
  }
  return { rows, bare };
}

export async function matchSection(ctx: Context): Promise<BenchmarkRow[]> {
  ctx.log('match: copy bandwidth, then EmbeddingIndex and sqlite-vec');
  const bandwidth = copyBandwidth();
  const results = await benchmarkMatch(SIZES, {
    dim: DIM,
    k: TOP_K,
    queries: ctx.plan.matchQueries,
    perBoard: REFERENCES_PER_BOARD,
    bandwidth,
  });
  return results.flatMap((m) => {
    const size = `${m.references / 1000}k x ${m.dim}`;
    const atTarget = m.references === 100_000;
    return [
      row(
        'Match',
        `${size}, top-${m.k} of ${m.boards} boards vs memory floor`,
        ms(m.oursMs),
        `floor ${ms(m.floorMs)} (${mib(m.bytes)} at ${(bandwidth / 1e9).toFixed(1)} GB/s copy)`,
        ratio(m.oursMs / m.floorMs),
        atTarget ? '<= 2x' : '',
        atTarget ? m.oursMs <= 2 * m.floorMs : undefined,
      ),
      row(
        'Match',
        `${size}, vs sqlite-vec brute-force KNN${m.agrees ? '' : ' (top-1 DIFFERS)'}`,
        ms(m.oursMs),
        `sqlite-vec vec0 ${ms(m.sqliteVecMs)}`,
        ratio(m.oursMs / m.sqliteVecMs),
        '< 1x',
        m.oursMs < m.sqliteVecMs,
      ),
    ];
  });
}

function startupRow(what: string, s: Startup, bareMs: number): BenchmarkRow {
  return row(
    'Start-up',
    `demo, bundled encoder: ${what}, to first recognition`,
    `${ms(s.firstDecisionMs)} (ready ${ms(s.readyMs)}, first board ${ms(s.firstBoardMs)})`,
    `bare node + onnxruntime to first inference ${ms(bareMs)}`,
    ratio(s.firstDecisionMs / bareMs),
    '',
  );
}

/** `benchsight run` on the demo (generated once into the cache), on a fresh data dir, then again. */
export async function startupSection(ctx: Context, bundled: BenchmarkModel): Promise<BenchmarkRow[]> {
  ctx.log('start-up: benchsight run on the demo');
  const demo = await makeDemo(join(ctx.cacheDir, 'demo-default'));
  const dataDir = join(ctx.work, 'startup');
  await cp(demo.dir, join(dataDir, 'demo'), { recursive: true });
  const bare = await measureBareStartup(bundled.loaded);
  // The first start on a fresh data dir imports and embeds the demo catalog; the restart does not.
  const first = await measureStartup(dataDir);
  const rows = ctx.plan.firstStart ? [startupRow('first start (catalog imported)', first, bare)] : [];
  rows.push(startupRow('restart', await measureStartup(dataDir), bare));
  return rows;
}
