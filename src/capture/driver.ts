import type { Logger } from '../logger.ts';
import type { FrameSource } from './types.ts';

/** What capture logs through. */
export type CaptureLogger = Pick<Logger, 'warn' | 'info' | 'debug'>;

/** What a running capture reports to its supervisor. Calls after the run has ended are ignored. */
export interface CaptureSink {
  /** A JPEG the device produced; the supervisor reads its size and owns the buffer from now on. */
  frame(jpeg: Buffer): void;
  /** Data that was not a usable JPEG. */
  garbage(detail: string): void;
  /** The capture broke; the supervisor closes the run and reconnects after a backoff. */
  fail(reason: string, state?: 'offline' | 'error'): void;
  /** A finite input ended normally: go offline and do not reconnect. */
  finish(reason: string): void;
}

export interface CaptureRun {
  /** Stops capturing and releases processes and files; must not throw. */
  close(): Promise<void>;
}

/** One way of getting frames (ffmpeg, fswebcam, a folder); the supervisor does the rest. */
export interface CaptureDriver {
  readonly kind: FrameSource['kind'];
  /** Shown in status reasons and logs, e.g. "ffmpeg /dev/video0". */
  readonly label: string;
  /** Normal time between two frames beyond the stall timeout (slow stills, low fps). */
  readonly frameIntervalMs: number;
  /** Starts capturing. Throwing (BenchsightError E_CAMERA_OPEN) counts as a failed attempt. */
  open(sink: CaptureSink): Promise<CaptureRun>;
}
