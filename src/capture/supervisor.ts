import type { SupervisionConfig } from '../config/schema.ts';
import { errorMessage } from '../errors.ts';
import type { CaptureDriver, CaptureLogger, CaptureRun, CaptureSink } from './driver.ts';
import { FpsMeter } from './fps-meter.ts';
import { readJpegSize } from './jpeg.ts';
import { LatestFrame } from './latest-frame.ts';
import type { CameraState, CameraStatus, Frame, FrameSource } from './types.ts';

interface Outcome {
  state: 'offline' | 'error';
  reason: string;
  finished: boolean;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Turns a driver into a FrameSource: status state machine, reconnect with exponential backoff,
 * stall watchdog, garbage detection, fps, and latest-frame delivery.
 */
export class SupervisedSource implements FrameSource {
  readonly kind: FrameSource['kind'];
  private current: Omit<CameraStatus, 'fps'> = {
    state: 'stopped',
    reason: 'not started',
    since: Date.now(),
    retries: 0,
  };
  private readonly listeners = new Set<(status: CameraStatus) => void>();
  private readonly latest = new LatestFrame();
  private readonly fps = new FpsMeter();
  private seq = 0;
  private garbageInRow = 0;
  private backoffMs: number;
  private lastFrameAt = 0;
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly driver: CaptureDriver,
    private readonly supervision: SupervisionConfig,
    private readonly log?: CaptureLogger,
  ) {
    this.kind = driver.kind;
    this.backoffMs = supervision.backoffInitialMs;
  }

  get dropped(): number {
    return this.latest.dropped;
  }

  async start(): Promise<void> {
    if (this.stopping) await this.stopping;
    if (this.loop) return;
    const abort = new AbortController();
    this.abort = abort;
    this.latest.open();
    this.backoffMs = this.supervision.backoffInitialMs;
    this.current.retries = 0;
    this.setState('starting', `opening ${this.driver.label}`);
    let opened!: () => void;
    const firstAttempt = new Promise<void>((resolve) => {
      opened = resolve;
    });
    this.loop = this.run(abort.signal, opened).catch((err: unknown) => {
      // run() handles its own errors; this is a last guard against an unhandled rejection.
      this.log?.warn({ err: errorMessage(err) }, 'camera supervisor stopped unexpectedly');
      opened();
    });
    await firstAttempt;
  }

  stop(): Promise<void> {
    const loop = this.loop;
    if (this.stopping || !loop) return this.stopping ?? Promise.resolve();
    this.abort?.abort();
    this.stopping = loop.then(() => {
      this.loop = undefined;
      this.stopping = undefined;
      this.latest.close();
      this.setState('stopped', 'stopped');
    });
    return this.stopping;
  }

  frames(): AsyncIterable<Frame> {
    return this.latest.iterate();
  }

  status(): CameraStatus {
    const fps = this.current.state === 'online' ? this.fps.rate(Date.now()) : 0;
    return { ...this.current, fps };
  }

  onStatus(listener: (status: CameraStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async run(signal: AbortSignal, opened: () => void): Promise<void> {
    while (!signal.aborted) {
      const finished = await this.attempt(signal, opened);
      if (finished || signal.aborted) return;
      await sleep(this.backoffMs, signal);
      this.backoffMs = Math.min(this.backoffMs * 2, this.supervision.backoffMaxMs);
    }
  }

  /** Reports how an attempt ended, before its processes are cleaned up (which may take a while). */
  private report(outcome: Outcome, signal: AbortSignal): void {
    if (signal.aborted) return;
    if (!outcome.finished) this.current.retries += 1;
    this.setState(outcome.state, outcome.reason);
  }

  /** One capture run, from open to close; resolves true when the input finished for good. */
  private async attempt(signal: AbortSignal, opened: () => void): Promise<boolean> {
    let live = true;
    let settle!: (outcome: Outcome) => void;
    const ended = new Promise<Outcome>((resolve) => {
      settle = (outcome) => {
        live = false;
        resolve(outcome);
      };
    });
    const sink: CaptureSink = {
      frame: (jpeg) => {
        if (live) this.onFrame(jpeg, settle);
      },
      garbage: (detail) => {
        if (live) this.onGarbage(detail, settle);
      },
      fail: (reason, state = 'offline') => {
        if (live) settle({ state, reason, finished: false });
      },
      finish: (reason) => {
        if (live) settle({ state: 'offline', reason, finished: true });
      },
    };
    this.garbageInRow = 0;
    let run: CaptureRun;
    try {
      run = await this.driver.open(sink);
    } catch (err) {
      live = false;
      this.report({ state: 'offline', reason: errorMessage(err), finished: false }, signal);
      return false;
    } finally {
      opened();
    }
    this.lastFrameAt = Date.now();
    const stallMs = this.supervision.stallTimeoutMs;
    const watchdog = setInterval(
      () => {
        if (Date.now() - this.lastFrameAt > stallMs + this.driver.frameIntervalMs) {
          settle({ state: 'offline', reason: `no frame for ${seconds(stallMs)}`, finished: false });
        }
      },
      Math.min(1000, Math.max(50, stallMs / 4)),
    );
    const onAbort = (): void => settle({ state: 'offline', reason: 'stopped', finished: false });
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    const outcome = await ended;
    clearInterval(watchdog);
    signal.removeEventListener('abort', onAbort);
    this.report(outcome, signal);
    await run.close().catch((err: unknown) => {
      this.log?.warn({ err: errorMessage(err), camera: this.driver.label }, 'closing the camera failed');
    });
    return outcome.finished;
  }

  private onFrame(jpeg: Buffer, settle: (outcome: Outcome) => void): void {
    const size = readJpegSize(jpeg);
    if (!size) {
      this.onGarbage(`a ${jpeg.length}-byte image without a readable JPEG header`, settle);
      return;
    }
    // one moment on both clocks (going online below may run listeners first)
    const now = Date.now();
    const monotonicAt = performance.now();
    this.garbageInRow = 0;
    this.backoffMs = this.supervision.backoffInitialMs;
    this.lastFrameAt = now;
    if (this.current.state !== 'online') {
      this.fps.reset(now);
      this.current.retries = 0;
      this.setState('online', null);
    }
    this.fps.tick(now);
    this.seq += 1;
    this.latest.deliver({
      jpeg,
      width: size.width,
      height: size.height,
      seq: this.seq,
      capturedAt: now,
      monotonicAt,
    });
  }

  private onGarbage(detail: string, settle: (outcome: Outcome) => void): void {
    this.garbageInRow += 1;
    this.log?.debug(
      { camera: this.driver.label, detail, inRow: this.garbageInRow },
      'undecodable camera data',
    );
    if (this.garbageInRow >= this.supervision.maxGarbageFrames) {
      settle({
        state: 'error',
        reason: `undecodable data from ${this.driver.label}: ${this.garbageInRow} frames in a row were not JPEG (last: ${detail})`,
        finished: false,
      });
    }
  }

  private setState(state: CameraState, reason: string | null): void {
    const prev = this.current;
    const changed = prev.state !== state || prev.reason !== reason;
    this.current = { state, reason, since: changed ? Date.now() : prev.since, retries: prev.retries };
    const status = this.status();
    if (state === 'online') this.log?.info({ camera: this.driver.label }, 'camera online');
    else if (state === 'offline' || state === 'error') {
      const log = prev.retries > 1 && prev.reason === reason ? 'debug' : 'warn';
      this.log?.[log]({ camera: this.driver.label, reason, retries: status.retries }, `camera ${state}`);
    }
    for (const listener of this.listeners) {
      try {
        listener(status);
      } catch (err) {
        this.log?.warn({ err: errorMessage(err) }, 'camera status listener threw');
      }
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
