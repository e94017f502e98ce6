import { describe, expect, it } from 'vitest';
import {
  median,
  percentile,
  randomUnitVectors,
  seededRandom,
  timeInterleaved,
} from '../../../tools/benchmarks/stats.ts';

describe('percentile', () => {
  it('interpolates between the nearest ranks, whatever the input order', () => {
    const xs = [5, 1, 4, 2, 3];
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile(xs, 100)).toBe(5);
    expect(percentile(xs, 50)).toBe(3);
    expect(percentile(xs, 25)).toBe(2);
    expect(percentile([10, 20], 95)).toBeCloseTo(19.5, 10);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('sorts numerically, not as strings', () => {
    expect(median([100, 9, 20])).toBe(20);
  });

  it('is NaN for no samples and refuses a p outside 0..100', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('benchmark inputs', () => {
  it('are deterministic unit vectors', () => {
    const a = randomUnitVectors(3, 384, 42);
    expect(a).toEqual(randomUnitVectors(3, 384, 42));
    expect(a).not.toEqual(randomUnitVectors(3, 384, 43));
    for (let r = 0; r < 3; r++) {
      const row = a.subarray(r * 384, (r + 1) * 384);
      expect(Math.hypot(...row)).toBeCloseTo(1, 5);
    }
    const rnd = seededRandom(1);
    const xs = Array.from({ length: 1000 }, rnd);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });
});

describe('timeInterleaved', () => {
  it('runs both contenders the requested number of times, in alternating blocks', async () => {
    const order: string[] = [];
    const t = await timeInterleaved(
      () => order.push('a'),
      () => order.push('b'),
      { runs: 5, block: 2, warmup: 1 },
    );
    expect(t.a).toHaveLength(5);
    expect(t.b).toHaveLength(5);
    // blocks of one untimed and two timed calls, the last block shorter
    expect(order.join('')).toBe('aaabbbaaabbbaabb');
  });
});
