import { join } from 'node:path';
import { DaemonProcess } from './daemon-process.ts';
import { daemonConfig, SHIPPED_ENV, sourceFps } from './daemon-sections.ts';
import type { BenchmarkModel } from './fixtures.ts';
import { combine, measureWindow, sleep, type Window, waitForFrames } from './pipeline.ts';
import { type Context, row } from './sections.ts';
import { type BenchmarkRow, fps, ratio } from './table.ts';

/** One daemon's window: the Pipeline row's set-up, match.verify.enabled as asked. */
async function window(
  ctx: Context,
  model: BenchmarkModel,
  rate: number,
  verify: boolean,
  round: number,
): Promise<{ w: Window; verified: number }> {
  const config = daemonConfig(
    model,
    ctx.scene.frames,
    rate,
    join(ctx.work, `verify-live-${verify ? 'on' : 'off'}-${round}`),
    false,
  );
  const daemon = await DaemonProcess.start({
    config: { ...config, match: { verify: { enabled: verify } } },
    sourceFps: rate,
    catalog: ctx.scene.catalog,
    env: { ...SHIPPED_ENV },
  });
  try {
    await waitForFrames(daemon, 5, 120);
    await sleep(1000);
    const before = await daemon.sample();
    const w = await measureWindow(daemon, ctx.plan.windowS);
    const after = await daemon.sample();
    return { w, verified: after.verified - before.verified };
  } finally {
    await daemon.stop();
  }
}

/**
 * The live frame rate with geometric verification on against off: the Pipeline row's daemon (gate
 * off, a source faster than the pipeline, the bench scene's replay, whose board comes and goes), one
 * daemon per window, off and on alternating so that a change in background load hits both alike.
 */
export async function verifyLiveSection(
  ctx: Context,
  model: BenchmarkModel,
  bareMs: number,
): Promise<BenchmarkRow> {
  const rate = sourceFps(bareMs);
  ctx.log(`verify: live frame rate, ${model.label}, verification off / on, source ${rate} fps`);
  const off: Window[] = [];
  const on: Window[] = [];
  let verified = 0;
  for (let round = 0; round < ctx.plan.streamRounds; round++) {
    off.push((await window(ctx, model, rate, false, round)).w);
    const v = await window(ctx, model, rate, true, round);
    on.push(v.w);
    verified += v.verified;
  }
  const a = combine(on);
  const b = combine(off);
  return row(
    'Verify',
    `live: ${model.label}, ${ctx.scene.width}x${ctx.scene.height} at ${rate} fps, gate off, encoded with match.verify on ` +
      `(${verified} verified recognitions in ${a.seconds.toFixed(0)} s)`,
    fps(a.encodedFps),
    `verification off ${fps(b.encodedFps)} (alternating daemons)`,
    ratio(a.encodedFps / b.encodedFps),
    '>= 0.95x',
    a.encodedFps >= 0.95 * b.encodedFps,
  );
}
