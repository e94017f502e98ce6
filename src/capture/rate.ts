import type { FrameSource } from './types.ts';

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
