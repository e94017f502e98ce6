/**
 * Seeded pseudo-random numbers for the scene generator. Everything the generator draws comes from
 * an `Rng`, so a seed fully determines a board type or a view.
 *
 * `child(label)` derives an independent stream from the *initial* seed and a label, not from the
 * current state: a generator can add or remove draws in one stream without shifting the others
 * (turning one nuisance on leaves every other nuisance's draws unchanged).
 */

/** Murmur3's 32-bit finalizer: spreads every input bit over the output. */
function fmix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

function hashLabel(label: string | number): number {
  if (typeof label === 'number') return fmix32(label ^ 0x9e3779b9);
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** A seed derived from `seed` and a path of labels; distinct paths give unrelated seeds. */
export function deriveSeed(seed: number, ...labels: Array<string | number>): number {
  let h = fmix32((seed >>> 0) + 0x6d2b79f5);
  for (const label of labels) h = fmix32(h ^ hashLabel(label)) + 0x9e3779b9;
  return h >>> 0;
}

export class Rng {
  readonly seed: number;
  private state: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.state = this.seed;
  }

  /** Uniform in [0, 1) (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  float(min = 0, max = 1): number {
    return min + (max - min) * this.next();
  }

  /** Integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  bool(probability = 0.5): boolean {
    return this.next() < probability;
  }

  /** -1 or +1. */
  sign(): number {
    return this.next() < 0.5 ? -1 : 1;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.pick needs a non-empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks with relative weights: `[[value, weight], ...]`. */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    const total = items.reduce((sum, [, w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [value, w] of items) {
      r -= w;
      if (r < 0) return value;
    }
    const last = items[items.length - 1];
    if (last === undefined) throw new RangeError('Rng.weighted needs a non-empty list');
    return last[0];
  }

  /** Gaussian sample (Box-Muller). */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  /** An independent stream named by `labels`, derived from this stream's initial seed. */
  child(...labels: Array<string | number>): Rng {
    return new Rng(deriveSeed(this.seed, ...labels));
  }

  /** A fresh 32-bit seed drawn from this stream. */
  seedValue(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }
}
