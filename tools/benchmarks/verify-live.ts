import { join } from 'node:path';
import { DaemonProcess } from './daemon-process.ts';
import { daemonConfig, SHIPPED_ENV, sourceFps } from './daemon-sections.ts';
import { type BenchmarkModel, type BenchScene, benchScene, pacedFrames } from './fixtures.ts';
import { combine, measureWindow, sleep, type Window, waitForFrames } from './pipeline.ts';
import { type Context, row } from './sections.ts';
import { median } from './stats.ts';
import { type BenchmarkRow, fps, ratio } from './table.ts';

/**
 * Seconds a daemon runs before its window: every daemon encodes faster in its first seconds (bench
 * replay, 2 s windows from the first frames, 2026-12-03: 119, 116, then 91 to 102 fps with
 * verification off and on alike), which a window that starts then counts for whichever daemon it is.
 */
const SETTLE_MS = 3000;

/** One daemon's window: the Pipeline row's set-up, match.verify.enabled as asked. */
async function window(
  ctx: Context,
  scene: { frames: string; catalog: string },
  model: BenchmarkModel,
  rate: number,
  verify: boolean,
  round: number,
): Promise<{ w: Window; verified: number; run: number }> {
  const config = daemonConfig(
    model,
    scene.frames,
    rate,
    join(ctx.work, `verify-live-${verify ? 'on' : 'off'}-${round}`),
    false,
  );
  const daemon = await DaemonProcess.start({
    config: { ...config, match: { verify: { enabled: verify } } },
    sourceFps: rate,
    catalog: scene.catalog,
    env: { ...SHIPPED_ENV },
  });
  try {
    await waitForFrames(daemon, 5, 120);
    await sleep(SETTLE_MS);
    const before = await daemon.sample();
    const w = await measureWindow(daemon, ctx.plan.windowS);
    const after = await daemon.sample();
    return {
      w,
      verified: after.verified - before.verified,
      run: after.verificationsRun - before.verificationsRun,
    };
  } finally {
    await daemon.stop();
  }
}

/** CPU ms (all the daemon's threads) per encoded frame. */
function cpuMs(w: Window): string {
  return `${((w.cpuPercent * 10) / w.encodedFps).toFixed(1)} ms`;
}

/** Boards of the live row's scene: the daemon's own demo (`benchsight demo`'s default). */
const LIVE_BOARDS = 4;

/**
 * The live frame rate with geometric verification on against off: the Pipeline row's daemon (gate
 * off, a source faster than the pipeline) on the daemon's demo bench with its four boards at the
 * demo's pace (each put down, held and taken away in about 4.5 s: every placement is a picture the
 * slot has not verified), one daemon per window, in pairs (off then on, on then off in the next pair,
 * so that neither always runs first). The figure is the median of the pairs' ratios: on this shared
 * machine one daemon can run 10 % slower than the next with the same settings (verification off, 2 s
 * windows after the first 4 s, 2026-12-03: 91 to 102 fps in one daemon, 83 to 93 in the next), which
 * two pooled windows took for verification's cost.
 */
export async function verifyLiveSection(
  ctx: Context,
  model: BenchmarkModel,
  bareMs: number,
): Promise<BenchmarkRow> {
  // twice the Pipeline row's source: with the launchers' node flags the bundled model's daemon
  // encodes about as fast as that source (120 fps), which would cap both daemons alike
  const rate = 2 * sourceFps(bareMs);
  ctx.log(`verify: live frame rate, ${model.label}, verification off / on, source ${rate} fps`);
  const demo: BenchScene = await benchScene(ctx.cacheDir, ctx.scene.width, ctx.scene.height, LIVE_BOARDS);
  const scene = { frames: await pacedFrames(demo, ctx.cacheDir, rate), catalog: demo.catalog };
  const off: Window[] = [];
  const on: Window[] = [];
  const ratios: number[] = [];
  let verified = 0;
  let run = 0;
  for (let round = 0; round < ctx.plan.liveRounds; round++) {
    // off first in even pairs, on first in odd ones
    const first = await window(ctx, scene, model, rate, round % 2 === 1, round);
    const second = await window(ctx, scene, model, rate, round % 2 === 0, round);
    const [a, b] = round % 2 === 0 ? [first, second] : [second, first];
    off.push(a.w);
    on.push(b.w);
    ratios.push(b.w.encodedFps / a.w.encodedFps);
    verified += b.verified;
    run += b.run;
  }
  const a = combine(on);
  const b = combine(off);
  const mid = median(ratios);
  return row(
    'Verify',
    `live: ${model.label}, ${demo.width}x${demo.height}, the demo's ${LIVE_BOARDS} boards at its pace, source ${rate} fps, ` +
      `gate off, encoded with match.verify on (${run} slot pictures verified, ${verified} verified recognitions in ` +
      `${a.seconds.toFixed(0)} s); median of ${ratios.length} pairs of daemons`,
    fps(a.encodedFps),
    `verification off ${fps(b.encodedFps)} (pairs ${Math.min(...ratios).toFixed(2)}x to ${Math.max(...ratios).toFixed(2)}x; ` +
      `CPU per frame ${cpuMs(a)} on, ${cpuMs(b)} off)`,
    ratio(mid),
    '>= 0.95x',
    mid >= 0.95,
  );
}
