/**
 * A camera can deliver frames and still be useless: a covered lens or a dead sensor sends black
 * frames, a hung driver repeats one frame. Judged from the gate's greyscale thumbnails; an idle
 * bench still has sensor noise, so a frozen camera is one whose thumbnails do not change at all.
 */
export interface CameraHealthConfig {
  /** Mean grey level (0-255) under which a frame counts as black. */
  blackLevel: number;
  blackSeconds: number;
  frozenSeconds: number;
}

export class CameraHealth {
  readonly #config: CameraHealthConfig;
  #previous: Uint8Array | null = null;
  #blackSince: number | null = null;
  #frozenSince: number | null = null;

  constructor(config: CameraHealthConfig) {
    this.#config = config;
  }

  update(thumb: Uint8Array, at: number): void {
    let sum = 0;
    for (let i = 0; i < thumb.length; i++) sum += thumb[i]!;
    const black = sum / thumb.length < this.#config.blackLevel;
    this.#blackSince = black ? (this.#blackSince ?? at) : null;
    const same =
      this.#previous !== null && this.#previous.length === thumb.length && equal(this.#previous, thumb);
    this.#frozenSince = same ? (this.#frozenSince ?? at) : null;
    if (this.#previous?.length === thumb.length) this.#previous.set(thumb);
    else this.#previous = Uint8Array.from(thumb);
  }

  /** Why the picture is suspect, or null. */
  suspect(now: number): string | null {
    const c = this.#config;
    if (this.#blackSince !== null && now - this.#blackSince >= c.blackSeconds * 1000) {
      return `black picture for ${Math.round((now - this.#blackSince) / 1000)} s: lens covered, lights off or sensor dead?`;
    }
    if (this.#frozenSince !== null && now - this.#frozenSince >= c.frozenSeconds * 1000) {
      return `frozen picture for ${Math.round((now - this.#frozenSince) / 1000)} s: the camera repeats one frame`;
    }
    return null;
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
