import type { CameraState } from '../protocol.ts';

export type { CameraState };
/** One captured camera frame. `jpeg` is owned by the consumer once yielded. */
export interface Frame {
  jpeg: Buffer;
  width: number;
  height: number;
  /** Increases by one for every frame the source produced, across reconnects. */
  seq: number;
  /** Capture time, ms since the epoch. */
  capturedAt: number;
  /**
   * The same moment on this process's monotonic clock (performance.now()): a fraction of a ms, for
   * timing what follows (capture to recognition). Absent on frames made elsewhere.
   */
  monotonicAt?: number;
}

export interface CameraStatus {
  state: CameraState;
  /** Why the camera is not online (null when online). */
  reason: string | null;
  /** ms since the epoch when the state last changed. */
  since: number;
  /** Frames per second delivered by the source over the last few seconds. */
  fps: number;
  /** Reconnect attempts since the last frame. */
  retries: number;
}

/**
 * A camera at the bench. `frames()` yields the newest frame each time the consumer asks: a slow
 * consumer gets the latest frame and older ones are dropped, never queued.
 */
export interface FrameSource {
  readonly kind: 'webcam' | 'stream' | 'folder';
  start(): Promise<void>;
  stop(): Promise<void>;
  frames(): AsyncIterable<Frame>;
  status(): CameraStatus;
  /** Called on every state change; returns an unsubscribe function. */
  onStatus(listener: (status: CameraStatus) => void): () => void;
  /** Frames dropped because the consumer was busy. */
  readonly dropped: number;
}
