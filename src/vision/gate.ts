import sharp from 'sharp';
import { BenchsightError, errorMessage } from '../errors.ts';

/**
 * changed: the picture moved since the last frame; settling: unchanged, not yet for stableFrames
 * frames; stable: just became stable, recognize now (once per scene); idle: stable scene already
 * recognized, skip.
 */
export type GateDecision = 'changed' | 'settling' | 'stable' | 'idle';

export interface GateConfig {
  /** Thumbnail side in pixels (for the caller's thumbnail(); the gate takes any equal-sized input). */
  thumbSize: number;
  /** Mean absolute grey-level difference (0-255) above which a frame counts as changed. */
  changeThreshold: number;
  /** Unchanged frames in a row before the scene is stable. */
  stableFrames: number;
  /** Grey-level difference above which one thumbnail pixel counts as changed. */
  pixelThreshold: number;
  /** Fraction of changed pixels that makes the frame changed, even if the mean difference is small. */
  changedArea: number;
}

/**
 * A size x size greyscale thumbnail of a JPEG frame (aspect ratio not kept), for the gate. JPEG
 * shrink-on-load decodes at 1/2, 1/4 or 1/8 scale, so this costs far less than a full decode.
 */
export async function thumbnail(jpeg: Buffer, size: number): Promise<Uint8Array> {
  try {
    const data = await sharp(jpeg)
      .removeAlpha()
      .greyscale()
      .resize(size, size, { fit: 'fill', kernel: sharp.kernel.linear, fastShrinkOnLoad: true })
      .raw()
      .toBuffer();
    if (data.length !== size * size)
      throw new Error(`thumbnail has ${data.length} bytes, expected ${size * size}`);
    return data;
  } catch (err) {
    throw new BenchsightError(
      'E_IMAGE_INVALID',
      `frame could not be decoded for the change gate (${errorMessage(err)})`,
      {
        status: 400,
        cause: err,
      },
    );
  }
}

/** Mean absolute difference, and the fraction of pixels that differ by more than `pixelThreshold`. */
function compare(a: Uint8Array, b: Uint8Array, pixelThreshold: number): { mean: number; area: number } {
  let sum = 0;
  let changed = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    const abs = d < 0 ? -d : d;
    sum += abs;
    if (abs > pixelThreshold) changed++;
  }
  return { mean: sum / a.length, area: changed / a.length };
}

/**
 * Decides from cheap thumbnails when a frame is worth encoding: an idle bench costs a thumbnail per
 * frame, and a board being put down yields one recognition once the picture holds still, not a
 * flurry of encodes. While idle, frames are compared with the frame that made the scene stable, so
 * a slow drift (a board pushed slowly, light fading) also counts as a change once it adds up.
 */
export class SceneGate {
  readonly #threshold: number;
  readonly #stableFrames: number;
  readonly #pixelThreshold: number;
  readonly #changedArea: number;
  #previous: Uint8Array | null = null;
  #anchor: Uint8Array | null = null;
  #unchanged = 0;
  #recognized = false;
  #lastDiff = 0;

  constructor(config: GateConfig) {
    this.#threshold = config.changeThreshold;
    this.#stableFrames = config.stableFrames;
    this.#pixelThreshold = config.pixelThreshold;
    this.#changedArea = config.changedArea;
  }

  /** Difference (mean absolute grey level) the last update measured; 0 before there was one. */
  get lastDiff(): number {
    return this.#lastDiff;
  }

  update(thumb: Uint8Array): GateDecision {
    const previous = this.#previous;
    if (!previous || previous.length !== thumb.length) {
      this.#previous = Uint8Array.from(thumb);
      this.#anchor = null;
      this.#unchanged = 0;
      this.#recognized = false;
      this.#lastDiff = 0;
      return 'changed';
    }
    // A board slid in from an edge changes a small area a lot: the mean alone would miss it.
    const diff = compare(
      this.#recognized && this.#anchor ? this.#anchor : previous,
      thumb,
      this.#pixelThreshold,
    );
    previous.set(thumb);
    this.#lastDiff = diff.mean;
    if (diff.mean > this.#threshold || diff.area > this.#changedArea) {
      this.#unchanged = 0;
      this.#recognized = false;
      return 'changed';
    }
    this.#unchanged++;
    if (this.#recognized) return 'idle';
    if (this.#unchanged < this.#stableFrames) return 'settling';
    this.#recognized = true;
    if (this.#anchor?.length === thumb.length) this.#anchor.set(thumb);
    else this.#anchor = Uint8Array.from(thumb);
    return 'stable';
  }

  /** Forgets the scene: the next frame counts as changed and the scene is recognized again. */
  reset(): void {
    this.#previous = null;
    this.#anchor = null;
    this.#unchanged = 0;
    this.#recognized = false;
    this.#lastDiff = 0;
  }
}
