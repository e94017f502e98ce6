import { io, type Socket } from 'socket.io-client';
import type { FrameStages } from '../../src/pipeline/types.ts';
import type { ServerToClientEvents } from '../../src/protocol.ts';
import type { DaemonProcess } from './daemon-process.ts';
import { row } from './sections.ts';
import { median } from './stats.ts';
import { type BenchmarkRow, ms } from './table.ts';

export interface Window {
  seconds: number;
  /** Frames through the encoder and the matcher per second. */
  encodedFps: number;
  capturedFps: number;
  encoded: number;
  skippedByGate: number;
  /** Capture-to-recognition ms of each frame finished in the window. */
  latencies: number[];
  /** The stages of the same frames. */
  stages: FrameStages[];
  /** CPU time of the daemon process (all threads) over wall time: 100 = one core busy. */
  cpuPercent: number;
  rss: number;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** CPU ms (all the daemon's threads) per encoded frame over a window. */
export function cpuMsPerFrame(w: Pick<Window, 'cpuPercent' | 'encodedFps'>): number {
  return (w.cpuPercent * 10) / w.encodedFps;
}

/** What the daemon did over the next `seconds`. */
export async function measureWindow(daemon: DaemonProcess, seconds: number): Promise<Window> {
  const a = await daemon.sample();
  await sleep(seconds * 1000);
  const b = await daemon.sample();
  const wall = (b.wallMs - a.wallMs) / 1000;
  return {
    seconds: wall,
    encodedFps: (b.encoded - a.encoded) / wall,
    capturedFps: (b.captured - a.captured) / wall,
    encoded: b.encoded - a.encoded,
    skippedByGate: b.skippedByGate - a.skippedByGate,
    latencies: b.latencies,
    stages: b.stages,
    cpuPercent: ((b.cpuUs - a.cpuUs) / 1000 / (b.wallMs - a.wallMs)) * 100,
    rss: b.rss,
  };
}

/** Several windows as one: rates over their total time, latencies pooled, CPU time-weighted. */
export function combine(windows: readonly Window[]): Window {
  const seconds = windows.reduce((t, w) => t + w.seconds, 0);
  const sum = (f: (w: Window) => number) => windows.reduce((t, w) => t + f(w), 0);
  return {
    seconds,
    encodedFps: sum((w) => w.encodedFps * w.seconds) / seconds,
    capturedFps: sum((w) => w.capturedFps * w.seconds) / seconds,
    encoded: sum((w) => w.encoded),
    skippedByGate: sum((w) => w.skippedByGate),
    latencies: windows.flatMap((w) => w.latencies),
    stages: windows.flatMap((w) => w.stages),
    cpuPercent: sum((w) => w.cpuPercent * w.seconds) / seconds,
    rss: windows.at(-1)?.rss ?? 0,
  };
}

/** The frame loop's stages, each from the one before (the first from the capture). */
const STAGES: readonly [keyof FrameStages, string][] = [
  ['taken', 'in the mailbox'],
  ['decoded', 'gate + decode'],
  ['preprocessing', 'decoded, waiting'],
  ['posted', 'preprocess'],
  ['encoded', 'encoder (and the frame before)'],
  ['done', 'match + publish'],
];

/**
 * Where capture to recognition goes: the median of each stage, in ms, and their sum; with `cpu`, the
 * daemon's CPU time (all its threads) per encoded frame over the same window.
 */
export function stagesRow(
  label: string,
  stages: readonly FrameStages[],
  cpu?: Pick<Window, 'cpuPercent' | 'encodedFps'>,
): BenchmarkRow {
  const spans = STAGES.map(([key, what], i) => {
    const before = i === 0 ? undefined : STAGES[i - 1]![0];
    return [what, median(stages.map((s) => s[key] - (before ? s[before] : 0)))] as const;
  });
  const sum = spans.reduce((t, [, m]) => t + m, 0);
  const text = spans.map(([what, m]) => `${what} ${ms(m)}`).join(', ');
  return row(
    'Pipeline',
    `${label}: capture to recognition by stage, medians (${stages.length} frames)`,
    text,
    `sum ${ms(sum)}${cpu ? `; daemon CPU ${cpu.cpuPercent.toFixed(0)} % of a core = ${ms(cpuMsPerFrame(cpu))} a frame` : ''}`,
    '',
    '',
  );
}

/** Waits until the daemon has encoded `frames` frames (or `maxSeconds` passed); the last sample. */
export async function waitForFrames(daemon: DaemonProcess, frames: number, maxSeconds: number) {
  const deadline = Date.now() + maxSeconds * 1000;
  let s = await daemon.sample();
  while (s.encoded < frames && Date.now() < deadline) {
    await sleep(250);
    s = await daemon.sample();
  }
  return s;
}

export interface Dashboards {
  /** `frame` messages received, all clients together. */
  frames(): number;
  close(): void;
}

/** `count` real socket.io clients (websocket transport), each subscribed to frames like the dashboard. */
export async function connectDashboards(url: string, count: number): Promise<Dashboards> {
  let frames = 0;
  const sockets: Socket<ServerToClientEvents>[] = [];
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve, reject) => {
          const socket: Socket<ServerToClientEvents> = io(url, {
            transports: ['websocket'],
            forceNew: true,
            reconnection: false,
          });
          sockets.push(socket);
          socket.on('frame', () => {
            frames++;
          });
          socket.once('snapshot', () => resolve());
          socket.once('connect_error', reject);
        }),
    ),
  );
  return {
    frames: () => frames,
    close: () => {
      for (const s of sockets) s.close();
    },
  };
}
