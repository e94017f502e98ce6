import { join } from 'node:path';
import { DaemonProcess } from './daemon-process.ts';
import { SHIPPED_ENV } from './daemon-sections.ts';
import { type BenchmarkModel, staticFolder } from './fixtures.ts';
import { measureWindow, sleep, waitForFrames } from './pipeline.ts';
import { type Context, row, THREADS } from './sections.ts';
import { type BenchmarkRow, fps, percent, ratio } from './table.ts';

/** Several cameras in one daemon: four benches, each replaying 1280x720 at 15 fps. */

const CAMERAS = 4;
const RATE = 15;

function camerasConfig(model: BenchmarkModel, frames: string, count: number, dataDir: string, gate: boolean) {
  return {
    cameras: Array.from({ length: count }, (_, i) => ({
      id: `bench-${i + 1}`,
      source: { kind: 'folder', path: frames, fps: RATE, loop: true },
      gate: { enabled: gate },
    })),
    model: { name: model.configName, intraOpThreads: THREADS },
    // as the other daemon rows: OCR would make these rows measure OCR
    ocr: { enabled: false },
    server: { host: '127.0.0.1', port: 0 },
    data: { dir: dataDir },
    log: { level: 'silent' },
  };
}

/** A daemon with `count` cameras on `frames`: what it did over a window once it runs. */
async function run(
  ctx: Context,
  model: BenchmarkModel,
  name: string,
  spec: { frames: string; count: number; gate: boolean; catalog?: string; seconds: number; settleMs: number },
) {
  const daemon = await DaemonProcess.start({
    config: camerasConfig(model, spec.frames, spec.count, join(ctx.work, name), spec.gate),
    ...(spec.catalog ? { catalog: spec.catalog } : {}),
    env: { ...SHIPPED_ENV },
  });
  try {
    if (!spec.gate) await waitForFrames(daemon, 5, 120);
    await sleep(spec.settleMs);
    const before = await daemon.sample();
    const window = await measureWindow(daemon, spec.seconds);
    const after = await daemon.sample();
    const recognized = after.cameras.map((c, i) => c.recognized - (before.cameras[i]?.recognized ?? 0));
    return { window, recognized };
  } finally {
    await daemon.stop();
  }
}

/**
 * Four cameras on one encoder, against one camera measured in the same run: encoded frames per
 * second with every camera busy (gate off: the encoder's ceiling is shared), every bench recognized
 * with the gate on, and the CPU of an idle bench (gate on, a static scene).
 */
export async function camerasSection(ctx: Context, model: BenchmarkModel): Promise<BenchmarkRow[]> {
  const { scene, plan } = ctx;
  const size = `${scene.width}x${scene.height} at ${RATE} fps`;
  const busy = { frames: scene.frames, gate: false, seconds: 2 * plan.windowS, settleMs: 1000 };
  ctx.log(`cameras: ${model.label}, one camera then ${CAMERAS}, ${size} each, gate off`);
  const one = await run(ctx, model, 'cameras-1-busy', { ...busy, count: 1 });
  const four = await run(ctx, model, 'cameras-4-busy', { ...busy, count: CAMERAS });

  ctx.log(`cameras: ${model.label}, ${CAMERAS} cameras, ${size} each, gate on, the scene's catalog`);
  const recognizing = await run(ctx, model, 'cameras-4-recognize', {
    frames: scene.frames,
    count: CAMERAS,
    gate: true,
    catalog: scene.catalog,
    seconds: 3 * plan.windowS,
    settleMs: 2000,
  });
  const benchesRecognizing = recognizing.recognized.filter((n) => n > 0).length;

  ctx.log(`cameras: ${model.label}, one camera then ${CAMERAS}, static scene at ${RATE} fps, gate on`);
  const still = await staticFolder(scene.still, ctx.work);
  const idle = { frames: still, gate: true, seconds: plan.idleS, settleMs: 5000 };
  const idleOne = await run(ctx, model, 'cameras-1-idle', { ...idle, count: 1 });
  const idleFour = await run(ctx, model, 'cameras-4-idle', { ...idle, count: CAMERAS });
  const perBench = idleFour.window.cpuPercent / CAMERAS;

  return [
    row(
      'Cameras',
      `${model.label}, ${CAMERAS} cameras, ${size} each, gate off: encoded, all cameras (one encoder)`,
      fps(four.window.encodedFps),
      `1 camera ${fps(one.window.encodedFps)} (same run)`,
      ratio(four.window.encodedFps / one.window.encodedFps),
      '>= 0.90x',
      four.window.encodedFps >= 0.9 * one.window.encodedFps,
    ),
    row(
      'Cameras',
      `${model.label}, ${CAMERAS} cameras, ${size} each, gate on: benches that recognized the scene's board (${plan.windowS * 3} s)`,
      `${benchesRecognizing} / ${CAMERAS}`,
      `recognitions per bench: ${recognizing.recognized.join(', ')}`,
      '',
      `${CAMERAS} / ${CAMERAS}`,
      benchesRecognizing === CAMERAS,
    ),
    row(
      'Cameras',
      `${model.label}, ${CAMERAS} idle benches, static scene at ${RATE} fps, gate on: CPU per bench`,
      percent(perBench),
      `1 idle camera ${percent(idleOne.window.cpuPercent)}; ${CAMERAS} together ${percent(idleFour.window.cpuPercent)}`,
      ratio(perBench / idleOne.window.cpuPercent),
      '< 5 % of one core',
      perBench < 5,
    ),
  ];
}
