/**
 * A benchsight Daemon in its own process, for the benchmark: its CPU time and memory are then its
 * own. Started by DaemonProcess with a ChildSpec (JSON) as argument; answers over the IPC channel.
 */
import { pino } from 'pino';
import { configSchema } from '../../src/config/schema.ts';
import { errorMessage } from '../../src/errors.ts';
import { Daemon } from '../../src/main.ts';
import type { Recognizer } from '../../src/pipeline/recognizer.ts';
import type { FrameStages } from '../../src/pipeline/types.ts';
import type { BoardVerification } from '../../src/pipeline/verification.ts';
import type { ChildSample, ChildSpec, FromChild, ToChild } from './daemon-protocol.ts';

const MAX_LATENCIES = 1_000_000;

function send(msg: FromChild): Promise<void> {
  return new Promise((resolve) => process.send!(msg, undefined, undefined, () => resolve()));
}

async function main(): Promise<void> {
  // The benchmark is gone (killed, crashed): so is this daemon.
  process.on('disconnect', () => process.exit(1));
  const spec = JSON.parse(process.argv[2] ?? '{}') as ChildSpec;
  const config = configSchema.parse(spec.config);
  for (const camera of config.cameras) {
    if (spec.sourceFps !== undefined && camera.source.kind === 'folder') camera.source.fps = spec.sourceFps;
  }
  const t0 = performance.now();
  const daemon = new Daemon(config, { logger: pino({ level: 'silent' }) });
  await daemon.start();
  const startMs = performance.now() - t0;
  const benches = daemon.benches!;
  if (spec.catalog) await daemon.editor!.importFolder(spec.catalog);
  // "At start": started with its catalog, as a bench daemon starts (its catalog already exists).
  const rssAtStart = process.memoryUsage.rss();
  let latencies: number[] = [];
  let stages: FrameStages[] = [];
  const recognized = new Map<string, number>();
  let verified = 0;
  daemon.bus.on('recognized', (r) => {
    if (r.board) recognized.set(r.camera, (recognized.get(r.camera) ?? 0) + 1);
    if (r.verified) verified++;
  });
  for (const { pipeline } of benches.list) {
    pipeline.onFrameDone((done) => {
      if (latencies.length < MAX_LATENCIES) {
        // on the monotonic clock from the capture (doneAt - capturedAt has whole ms)
        latencies.push(done.stages.done);
        stages.push(done.stages);
      }
    });
  }
  const second = new Map<Recognizer, BoardVerification | null>();
  process.on('message', async (msg: ToChild) => {
    if (msg.cmd === 'sample') {
      // every camera's frames together
      const cameras = benches.status().cameras;
      const total = (key: keyof (typeof cameras)[number]['frames']) =>
        cameras.reduce((n, c) => n + c.frames[key], 0);
      const cpu = process.cpuUsage();
      const sample: ChildSample = {
        wallMs: performance.now(),
        cpuUs: cpu.user + cpu.system,
        rss: process.memoryUsage.rss(),
        captured: total('captured'),
        encoded: total('encoded'),
        dropped: total('dropped'),
        skippedByGate: total('skippedByGate'),
        verificationsRun: total('verified'),
        latencies,
        stages,
        verified,
        cameras: cameras.map((c) => ({
          id: c.id,
          encoded: c.frames.encoded,
          recognized: recognized.get(c.id) ?? 0,
        })),
      };
      latencies = [];
      stages = [];
      await send({ type: 'sample', sample });
    } else if (msg.cmd === 'verify') {
      // The active recognizer's second stage, hidden (an own property over the class's getter) or
      // shown again: the frame loop then matches as a daemon started with match.verify.enabled false.
      const r = benches.recognizer;
      if (!second.has(r)) second.set(r, r.verification);
      const stage = second.get(r) ?? null;
      Object.defineProperty(r, 'verification', {
        configurable: true,
        get: () => (msg.enabled ? stage : null),
      });
      await send({ type: 'verify', enabled: msg.enabled && stage !== null });
    } else if (msg.cmd === 'stop') {
      await daemon.stop();
      await send({ type: 'stopped' });
      process.exit(0);
    }
  });
  await send({
    type: 'ready',
    port: daemon.port,
    startMs,
    rssAtStart,
    references: benches.recognizer.index.size,
  });
}

main().catch(async (err: unknown) => {
  await send({ type: 'failed', message: errorMessage(err) });
  process.exit(1);
});
