import type { WebcamConfig } from '../config/schema.ts';
import { exitReason, spawnCapture } from './child.ts';
import type { FrameSource } from './types.ts';
import { fswebcamCommand } from './webcam.ts';

export interface CaptureRate {
  frames: number;
  /** Frames per second between the first and the last frame (start-up excluded). */
  fps: number;
  /** ms from start() to the first frame; null when none came. */
  firstFrameMs: number | null;
  dropped: number;
  width: number;
  height: number;
  /** Status when the run ended, e.g. "online" or "offline: <reason>". */
  status: string;
}

/** Runs `source` for `seconds` with a consumer that takes every frame as soon as it is offered. */
export async function measureCaptureRate(source: FrameSource, seconds: number): Promise<CaptureRate> {
  const startedAt = Date.now();
  let frames = 0;
  let first = 0;
  let last = 0;
  let width = 0;
  let height = 0;
  await source.start();
  const timer = setTimeout(() => void source.stop(), seconds * 1000);
  let status = '';
  try {
    for await (const frame of source.frames()) {
      if (frames === 0) first = frame.capturedAt;
      last = frame.capturedAt;
      frames += 1;
      width = frame.width;
      height = frame.height;
      const s = source.status();
      status = s.state === 'online' ? 'online' : `${s.state}: ${s.reason}`;
    }
  } finally {
    clearTimeout(timer);
    await source.stop();
  }
  const fps = frames > 1 && last > first ? ((frames - 1) * 1000) / (last - first) : 0;
  return {
    frames,
    fps: Math.round(fps * 10) / 10,
    firstFrameMs: frames > 0 ? first - startedAt : null,
    dropped: source.dropped,
    width,
    height,
    status: frames > 0 ? status : `${source.status().state}: no frames`,
  };
}

/**
 * Reference for the webcam source: bare fswebcam runs, one after another, with the same command
 * line the source uses (no supervision, no JPEG checks). Returns stills per second.
 */
export async function measureBareStills(cfg: WebcamConfig, file: string, runs: number): Promise<number> {
  const startedAt = Date.now();
  for (let i = 0; i < runs; i += 1) {
    const proc = spawnCapture('/bin/sh', ['-c', `exec ${fswebcamCommand(cfg, file)}`]);
    proc.stdout.resume();
    const exit = await proc.closed;
    if (exit.code !== 0) throw new Error(exitReason('fswebcam', exit, proc.stderrTail()));
  }
  return Math.round(((runs * 1000) / (Date.now() - startedAt)) * 10) / 10;
}
