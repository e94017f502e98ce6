import type { Frame } from '../capture/types.ts';
import type { CameraSetup } from '../config/cameras.ts';
import { SceneGate, thumbnail } from '../vision/gate.ts';
import type { CameraHealth } from './camera-health.ts';

/**
 * How often an idle bench is checked for a change (a board put down is seen this much later): five
 * times a second just after its scene settled (a board put down again at once, a replay that changes
 * twice a second), twice a second once it has been still for STILL_AFTER_MS. The thumbnail a check
 * decodes (~7 ms of CPU for a 1280x720 JPEG) is most of an idle bench's cost; a hand reaching for
 * the bench moves for longer than half a second, and from the first change on every frame is looked at.
 */
const IDLE_CHECK_MS = 200;
const STILL_CHECK_MS = 500;
const STILL_AFTER_MS = 5000;

/** What the gate decided for one frame. */
export type GateVerdict =
  /** An idle bench's frame between two checks: not even looked at. */
  | { look: false }
  /** Looked at: encode it or not, and the scene it shows. */
  | { look: true; encode: boolean; scene: number };

/**
 * Which frames of one camera are worth encoding, and which scene each shows: the change gate on a
 * thumbnail (when enabled), the number of samples taken of the current scene (a stable scene is
 * encoded `samples` times, then left idle), and the scene counter that tells one picture from the
 * next. An idle bench is looked at a few times a second, not at the camera's rate: the thumbnail
 * decode is most of an idle bench's cost.
 */
export class FrameGate {
  readonly #gate: SceneGate;
  #samples = 0;
  #scene = 0;
  #state = 'idle';
  #lastCheck = 0;
  /** When the scene last became idle (null: not idle). */
  #idleSince: number | null = null;

  constructor(
    readonly setup: CameraSetup['gate'],
    readonly health: CameraHealth,
    /** Encodes a stable scene this many times (the smoothing window), then the bench is idle. */
    readonly samples: () => number,
  ) {
    this.#gate = new SceneGate(setup);
  }

  /** The scene the last frame looked at showed. */
  get scene(): number {
    return this.#scene;
  }

  /** For the status: the gate's last decision and difference. */
  get state(): { enabled: boolean; lastDiff: number; state: string } {
    return { enabled: this.setup.enabled, lastDiff: this.#gate.lastDiff, state: this.#state };
  }

  /** `looking` runs first for each frame that is looked at (it may reset the gate: a catalog change). */
  async look(frame: Frame, looking: () => void): Promise<GateVerdict> {
    if (!this.setup.enabled) {
      looking();
      return { look: true, ...this.#sample(true) };
    }
    if (this.#state === 'idle') {
      const still = frame.capturedAt - (this.#idleSince ?? frame.capturedAt) >= STILL_AFTER_MS;
      if (frame.capturedAt - this.#lastCheck < (still ? STILL_CHECK_MS : IDLE_CHECK_MS))
        return { look: false };
    }
    looking();
    this.#lastCheck = frame.capturedAt;
    const thumb = await thumbnail(frame.jpeg, this.setup.thumbSize);
    this.health.update(thumb, frame.capturedAt);
    const decision = this.#gate.update(thumb);
    if (decision !== 'idle') this.#idleSince = null;
    else this.#idleSince ??= frame.capturedAt;
    this.#state = decision;
    if (decision === 'changed') {
      this.#samples = 0;
      this.#scene++;
    }
    return { look: true, ...this.#sample(decision === 'stable' || decision === 'idle') };
  }

  /**
   * Without the gate every frame is encoded and scenes are not told apart here: the slot owner
   * re-verifies a slot when its embedding moved away from the picture it verified.
   */
  #sample(settled: boolean): { encode: boolean; scene: number } {
    const encode = !this.setup.enabled || (settled && this.#samples < this.samples());
    if (encode) this.#samples++;
    return { encode, scene: this.#scene };
  }

  /** The same scene's next frames are encoded again (a verification finished: the gate had stopped). */
  lookAgain(): void {
    this.#samples = 0;
    this.#lastCheck = 0;
    this.#idleSince = null;
  }

  /** A new scene from the next frame on (a catalog change, a model switch). */
  reset(): void {
    this.#gate.reset();
    this.#scene++;
    this.lookAgain();
  }
}
