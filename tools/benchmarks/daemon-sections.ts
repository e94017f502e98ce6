import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DaemonProcess } from './daemon-process.ts';
import { bareInferenceMs } from './encode.ts';
import { type BenchmarkModel, pacedFrames, scaledFrames, staticFolder } from './fixtures.ts';
import { frameReference } from './frame-path.ts';
import {
  combine,
  connectDashboards,
  measureWindow,
  sleep,
  stagesRow,
  type Window,
  waitForFrames,
} from './pipeline.ts';
import { type Context, row, THREADS } from './sections.ts';
import { percentile } from './stats.ts';
import { type BenchmarkRow, fps, mib, ms, percent, ratio } from './table.ts';

/** The sections that run a daemon in a child process and watch it. */

const DASHBOARDS = 20;
const IDLE_FPS = 15;
/**
 * The environment the shipped launchers (systemd/benchsight.service, `npm start`) give the daemon:
 * glibc keeps camera-frame buffers (2.7 MB decoded at 1280x720) in its heap and hands the freed one
 * to the next frame, instead of the kernel mapping and zeroing fresh pages for each (mmap threshold
 * 16 MiB, fixed: glibc's default threshold grows with the frames and is then never lowered); it
 * gives back free memory past 8 MiB at the top of a heap (trim threshold), so that RSS stays flat.
 * Every daemon row runs with it, as a bench runs the daemon; mallocSection measures glibc's defaults
 * for comparison.
 * test/tools/benchmarks/shipped-env.test.ts keeps the launchers and this in step.
 */
export const SHIPPED_ENV: Readonly<Record<string, string>> = Object.freeze({
  MALLOC_MMAP_THRESHOLD_: '16777216',
  MALLOC_TRIM_THRESHOLD_: '8388608',
});

/** A source faster than the pipeline can go: at least 30 fps, twice the bare inference rate, at most 120. */
export function sourceFps(bareMs: number): number {
  return Math.min(120, Math.max(30, Math.ceil(2000 / bareMs)));
}

export function daemonConfig(
  model: BenchmarkModel,
  frames: string,
  rate: number,
  dataDir: string,
  gate: boolean,
) {
  return {
    camera: { source: { kind: 'folder', path: frames, fps: Math.min(rate, 120), loop: true } },
    model: { name: model.configName, intraOpThreads: THREADS },
    gate: { enabled: gate },
    // OCR reads a label once a recognition is stable; the replay recognizes a board every two
    // seconds, which no bench does: these rows would measure OCR (scripts/benchmark-ocr.ts does).
    ocr: { enabled: false },
    server: { host: '127.0.0.1', port: 0 },
    data: { dir: dataDir },
    log: { level: 'silent' },
  };
}

function memoryRow(
  model: BenchmarkModel,
  frames: number,
  rss: number,
  start: number,
  note = '',
): BenchmarkRow {
  return row(
    'Memory',
    `${model.label}: RSS after ${frames} frames, gate off${note}`,
    mib(rss),
    `at start ${mib(start)}`,
    ratio(rss / start),
    '<= 1.10x',
    rss <= 1.1 * start,
  );
}

/**
 * A daemon on `model` with the gate off and a source faster than it: encoded fps against 1 / bare
 * inference, capture-to-recognition latency, RSS growth, measured before any dashboard connects.
 * With `streaming`, windows without and with dashboards connected then alternate (A B A B ...), so
 * that a change in background load hits both alike. The bare inference reference is timed again right after the daemon stops; the faster of
 * that and the Encode section's figure counts. With `decodeMs` (a model faster than the frame path),
 * the reference is a frame's decode + bare inference, with a source twice that fast.
 * Returns the daemon's CPU share too.
 */
export async function pipelineSection(
  ctx: Context,
  model: BenchmarkModel,
  bareMs: number,
  streaming: boolean,
  decodeMs?: number,
) {
  const { scene, plan } = ctx;
  // the decode timed again now (the first figure of a run can read it slow): a source twice as fast
  const before = await frameReference(bareMs, decodeMs, scene.still);
  const rate = decodeMs === undefined ? sourceFps(bareMs) : Math.ceil(2000 / before.ms);
  ctx.log(
    `pipeline: ${model.label}, gate off, source ${rate} fps${streaming ? `, then ${DASHBOARDS} dashboards` : ''}`,
  );
  const dataDir = join(ctx.work, `pipeline-${model.loaded.manifest.name}`);
  const frames = await pacedFrames(scene, ctx.cacheDir, rate);
  const daemon = await DaemonProcess.start({
    config: daemonConfig(model, frames, rate, dataDir, false),
    sourceFps: rate,
    catalog: scene.catalog,
    env: { ...SHIPPED_ENV },
  });
  const rows: BenchmarkRow[] = [];
  let a: Window;
  try {
    await waitForFrames(daemon, 5, 120);
    await sleep(1000);
    a = await measureWindow(daemon, 2 * plan.windowS);
    if (streaming) {
      const without: Window[] = [];
      const withClients: Window[] = [];
      let delivered = 0;
      for (let round = 0; round < plan.streamRounds; round++) {
        without.push(await measureWindow(daemon, plan.windowS));
        const clients = await connectDashboards(daemon.url, DASHBOARDS);
        try {
          await sleep(1000);
          const frames = clients.frames();
          const w = await measureWindow(daemon, plan.windowS);
          withClients.push(w);
          delivered += (clients.frames() - frames) / DASHBOARDS;
        } finally {
          clients.close();
        }
        await sleep(500);
      }
      const none = combine(without);
      const b = combine(withClients);
      rows.push(
        row(
          'Streaming',
          `${model.label}: ${DASHBOARDS} socket.io clients (${(delivered / b.seconds).toFixed(1)} frames/s each)`,
          fps(b.encodedFps),
          `0 clients ${fps(none.encodedFps)} (alternating windows)`,
          ratio(b.encodedFps / none.encodedFps),
          '>= 0.95x',
          b.encodedFps >= 0.95 * none.encodedFps,
        ),
      );
    }
    const end = await daemon.sample();
    rows.push(memoryRow(model, end.encoded, end.rss, daemon.ready.rssAtStart));
  } finally {
    await daemon.stop();
  }
  // The faster of the Encode section's figure and one timed now: the stricter reference.
  const bare = Math.min(
    bareMs,
    await bareInferenceMs(model.loaded, await readFile(scene.still), THREADS, 1500),
  );
  const p50 = percentile(a.latencies, 50);
  const ref = await frameReference(bare, before.decodeMs, scene.still);
  rows.unshift(
    row(
      'Pipeline',
      `${model.label}, ${scene.width}x${scene.height} at ${rate} fps, gate off: encoded`,
      fps(a.encodedFps),
      `1 / ${ref.text} = ${fps(1000 / ref.ms)}${ref.detail}`,
      ratio((a.encodedFps * ref.ms) / 1000),
      '>= 0.90x',
      a.encodedFps >= (0.9 * 1000) / ref.ms,
    ),
    row(
      'Pipeline',
      `${model.label}: capture to recognition p50 / p95 (${a.latencies.length} frames)`,
      `${ms(p50)} / ${ms(percentile(a.latencies, 95))}`,
      `${ref.text} ${ms(ref.ms)}`,
      ratio(p50 / ref.ms),
      decodeMs === undefined ? '' : '<= 2x (p50)',
      decodeMs === undefined ? undefined : p50 <= 2 * ref.ms,
    ),
    stagesRow(model.label, a.stages, a),
  );
  return { rows, cpuPercent: a.cpuPercent };
}

/** Gate on, one image repeated: the daemon's CPU share once the scene is recognized. */
export async function idleSection(ctx: Context, model: BenchmarkModel, busyPercent: number | undefined) {
  ctx.log(`idle: ${model.label}, gate on, static scene at ${IDLE_FPS} fps`);
  const folder = await staticFolder(ctx.scene.still, ctx.work);
  const daemon = await DaemonProcess.start({
    config: daemonConfig(model, folder, IDLE_FPS, join(ctx.work, 'idle'), true),
    env: { ...SHIPPED_ENV },
  });
  try {
    // Start-up work (the first encodes, module loading, their garbage) settles first.
    await sleep(5000);
    const w = await measureWindow(daemon, ctx.plan.idleS);
    return row(
      'Pipeline',
      `${model.label}, gate on, static scene at ${IDLE_FPS} fps: CPU (${w.encoded} encodes)`,
      percent(w.cpuPercent),
      busyPercent === undefined ? '' : `gate off ${percent(busyPercent)}`,
      busyPercent === undefined ? '' : ratio(w.cpuPercent / busyPercent),
      '<= 5 % of one core',
      w.cpuPercent <= 5,
    );
  } finally {
    await daemon.stop();
  }
}

/** RSS over many frames on the bundled model, compressed in time: small frames, a 1000 fps source. */
export async function memorySection(ctx: Context, model: BenchmarkModel): Promise<BenchmarkRow> {
  const { plan } = ctx;
  const frames = await scaledFrames(ctx.scene, ctx.cacheDir, 320);
  ctx.log(`memory: ${model.label}, ${plan.memoryFrames} frames (at most ${plan.memoryMaxS} s)`);
  const daemon = await DaemonProcess.start({
    config: daemonConfig(model, frames, 120, join(ctx.work, 'memory'), false),
    sourceFps: 1000,
    catalog: ctx.scene.catalog,
    env: { ...SHIPPED_ENV },
  });
  try {
    const deadline = Date.now() + plan.memoryMaxS * 1000;
    const left = () => Math.max(0, (deadline - Date.now()) / 1000);
    const warm = await waitForFrames(daemon, 1000, left());
    const end = await waitForFrames(daemon, plan.memoryFrames, left());
    const start = daemon.ready.rssAtStart;
    return {
      ...memoryRow(model, end.encoded, end.rss, start, ', 320 px frames'),
      reference: `at start ${mib(start)}; after ${warm.encoded} frames ${mib(warm.rss)}`,
    };
  } finally {
    await daemon.stop();
  }
}

/** The same pipeline run with glibc's default malloc settings (a launcher without SHIPPED_ENV). */
export async function mallocSection(
  ctx: Context,
  model: BenchmarkModel,
  bareMs: number,
): Promise<BenchmarkRow> {
  ctx.log(`memory: ${model.label} with glibc's default malloc settings`);
  const dataDir = join(ctx.work, 'malloc');
  const rate = sourceFps(bareMs);
  const frames = await pacedFrames(ctx.scene, ctx.cacheDir, rate);
  const daemon = await DaemonProcess.start({
    config: daemonConfig(model, frames, rate, dataDir, false),
    catalog: ctx.scene.catalog,
    unsetEnv: Object.keys(SHIPPED_ENV),
  });
  try {
    await waitForFrames(daemon, 5, 120);
    await sleep(1000);
    const w = await measureWindow(daemon, 2 * ctx.plan.streamRounds * ctx.plan.windowS);
    const end = await daemon.sample();
    const note = `, glibc malloc defaults, none of ${Object.keys(SHIPPED_ENV).join(', ')} (${fps(w.encodedFps)})`;
    const r = memoryRow(model, end.encoded, end.rss, daemon.ready.rssAtStart, note);
    return { ...r, target: '', verdict: 'info' };
  } finally {
    await daemon.stop();
  }
}
