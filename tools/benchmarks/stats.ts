/**
 * Order statistics for benchmark samples. Percentiles interpolate linearly between the two nearest
 * ranks (numpy's default, "R-7"), so the median of an even count is the mean of the middle two.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be 0..100, got ${p}`);
  const sorted = Float64Array.from(values).sort();
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Milliseconds of each call of `fn`, after `warmup` untimed calls. */
export async function timeRuns(runs: number, fn: () => unknown, warmup = 2): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times;
}

/**
 * Times two contenders in alternating blocks (A B A B ...), so that a change in background load
 * hits both alike. Each block starts with `warmup` untimed calls: the first call after the other
 * contender pays for its threads still spinning and for waking its own, which a steady stream of
 * calls does not. Returns every timed call's ms per contender.
 */
export async function timeInterleaved(
  a: () => unknown,
  b: () => unknown,
  opts: { runs: number; block: number; warmup?: number },
): Promise<{ a: number[]; b: number[] }> {
  const out = { a: [] as number[], b: [] as number[] };
  const warmup = opts.warmup ?? 2;
  while (out.a.length < opts.runs) {
    const n = Math.min(opts.block, opts.runs - out.a.length);
    out.a.push(...(await timeRuns(n, a, warmup)));
    out.b.push(...(await timeRuns(n, b, warmup)));
  }
  return out;
}

/** A deterministic generator (mulberry32): benchmark inputs are the same on every run. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `rows` random unit vectors of `dim` floats, row-major. */
export function randomUnitVectors(rows: number, dim: number, seed: number): Float32Array {
  const rnd = seededRandom(seed);
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const base = r * dim;
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      const v = rnd() * 2 - 1;
      out[base + j] = v;
      norm += v * v;
    }
    const scale = 1 / Math.sqrt(norm);
    for (let j = 0; j < dim; j++) out[base + j]! *= scale;
  }
  return out;
}
