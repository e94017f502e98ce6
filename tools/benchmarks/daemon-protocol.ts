import type { FrameStages } from '../../src/pipeline/types.ts';

/** Messages between the benchmark and a daemon it runs in a child process (daemon-child.ts). */

export interface ChildSpec {
  /** Raw config, validated by the child with configSchema. */
  config: Record<string, unknown>;
  /**
   * Folder-source frame rate set after validation, beyond the schema's 120 fps cap: compresses
   * long runs (50k frames) in time. Omitted: the config's rate.
   */
  sourceFps?: number;
  /** Catalog folder (boards.yaml + images) imported once the daemon runs. */
  catalog?: string;
  /** Extra environment of the child process. */
  env?: Record<string, string>;
  /** Variables removed from the child's environment (after `env`). */
  unsetEnv?: string[];
  /** The child's node flags (V8's); omitted: the launchers' DAEMON_NODE_FLAGS. */
  nodeFlags?: readonly string[];
}

export interface ChildSample {
  /** performance.now() in the child. */
  wallMs: number;
  /** User + system CPU time of the whole child process (all threads), microseconds. */
  cpuUs: number;
  rss: number;
  captured: number;
  encoded: number;
  dropped: number;
  skippedByGate: number;
  /** Capture-to-recognition ms of every frame finished since the previous sample. */
  latencies: number[];
  /** The same frames' stages (FrameStages: ms after capture). */
  stages: FrameStages[];
  /** Recognitions announced with verified: true (geometric verification accepted them) since start. */
  verified: number;
  /** Slot pictures sent to geometric verification since start (the status's frames.verified). */
  verificationsRun: number;
  /** Each camera: frames encoded and boards recognized (a catalog board, not unknown) since start. */
  cameras: { id: string; encoded: number; recognized: number }[];
}

/**
 * `verify`: geometric verification on or off in the running daemon (the active recognizer's second
 * stage hidden or shown; the daemon must have started with match.verify.enabled), so that one daemon
 * compares both: see verify-live.ts.
 */
export type ToChild = { cmd: 'sample' } | { cmd: 'stop' } | { cmd: 'verify'; enabled: boolean };

export type FromChild =
  | { type: 'ready'; port: number; startMs: number; rssAtStart: number; references: number }
  | { type: 'sample'; sample: ChildSample }
  | { type: 'failed'; message: string }
  | { type: 'stopped' }
  | { type: 'verify'; enabled: boolean };
