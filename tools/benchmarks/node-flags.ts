import { join } from 'node:path';
import { DAEMON_NODE_FLAGS } from '../../src/node-flags.ts';
import { DaemonProcess } from './daemon-process.ts';
import { daemonConfig, SHIPPED_ENV } from './daemon-sections.ts';
import { type BenchmarkModel, pacedFrames } from './fixtures.ts';
import { cpuMsPerFrame, measureWindow, sleep, type Window, waitForFrames } from './pipeline.ts';
import { type Context, row } from './sections.ts';
import { median } from './stats.ts';
import { type BenchmarkRow, fps, ratio } from './table.ts';

async function window(
  ctx: Context,
  model: BenchmarkModel,
  frames: string,
  rate: number,
  flags: boolean,
  i: number,
) {
  const daemon = await DaemonProcess.start({
    config: daemonConfig(model, frames, rate, join(ctx.work, `node-flags-${flags}-${i}`), false),
    sourceFps: rate,
    catalog: ctx.scene.catalog,
    env: { ...SHIPPED_ENV },
    nodeFlags: flags ? DAEMON_NODE_FLAGS : [],
  });
  try {
    await waitForFrames(daemon, 5, 120);
    await sleep(1000);
    return await measureWindow(daemon, 2 * ctx.plan.windowS);
  } finally {
    await daemon.stop();
  }
}

/**
 * The Pipeline row's daemon (gate off, a source at `rate`) started as the launchers start it
 * (DAEMON_NODE_FLAGS) against started without those flags, in `pairs` pairs of daemons (without
 * first in one pair, with first in the next): CPU per encoded frame and encoded frames per second,
 * medians of the pairs' ratios. Information, no target: what the flags buy.
 */
export async function nodeFlagsSection(
  ctx: Context,
  model: BenchmarkModel,
  rate: number,
  pairs: number,
): Promise<BenchmarkRow[]> {
  ctx.log(`pipeline: ${model.label} without the launchers' node flags (${DAEMON_NODE_FLAGS.join(' ')})`);
  const frames = await pacedFrames(ctx.scene, ctx.cacheDir, rate);
  const cpu: number[] = [];
  const rates: number[] = [];
  const withFlags: Window[] = [];
  const without: Window[] = [];
  for (let i = 0; i < pairs; i++) {
    const first = await window(ctx, model, frames, rate, i % 2 === 1, i);
    const second = await window(ctx, model, frames, rate, i % 2 === 0, i);
    const [a, b] = i % 2 === 0 ? [first, second] : [second, first];
    without.push(a);
    withFlags.push(b);
    cpu.push(cpuMsPerFrame(a) / cpuMsPerFrame(b));
    rates.push(b.encodedFps / a.encodedFps);
  }
  const med = (ws: Window[], f: (w: Window) => number) => median(ws.map(f));
  const what = `${model.label}, gate off, source ${rate} fps, ${pairs} pairs of daemons`;
  return [
    row(
      'Pipeline',
      `${what}: CPU per encoded frame started without ${DAEMON_NODE_FLAGS.join(' ')}`,
      `${med(without, cpuMsPerFrame).toFixed(1)} ms`,
      `with them (npm start, systemd) ${med(withFlags, cpuMsPerFrame).toFixed(1)} ms`,
      ratio(median(cpu)),
      '',
      undefined,
    ),
    row(
      'Pipeline',
      `${what}: encoded with the launchers' node flags`,
      fps(med(withFlags, (w) => w.encodedFps)),
      `without them ${fps(med(without, (w) => w.encodedFps))}`,
      ratio(median(rates)),
      '',
      undefined,
    ),
  ];
}
