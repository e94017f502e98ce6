import { describe, expect, it } from 'vitest';
import { deriveSeed, Rng } from '../../../tools/synth/rng.ts';

const draws = (rng: Rng, count: number): number[] => Array.from({ length: count }, () => rng.next());

describe('Rng', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    expect(draws(new Rng(42), 50)).toEqual(draws(new Rng(42), 50));
    expect(draws(new Rng(42), 50)).not.toEqual(draws(new Rng(43), 50));
  });

  it('keeps helpers in range', () => {
    const rng = new Rng(7);
    for (let i = 0; i < 2000; i++) {
      const f = rng.float(-3, 5);
      expect(f).toBeGreaterThanOrEqual(-3);
      expect(f).toBeLessThan(5);
      const k = rng.int(2, 4);
      expect([2, 3, 4]).toContain(k);
      expect(['a', 'b']).toContain(rng.pick(['a', 'b']));
    }
  });

  it('draws integers at both ends and normals with the right moments', () => {
    const rng = new Rng(11);
    const ints = new Set(Array.from({ length: 500 }, () => rng.int(0, 3)));
    expect([...ints].sort()).toEqual([0, 1, 2, 3]);
    const xs = Array.from({ length: 20000 }, () => rng.normal(10, 2));
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
    expect(m).toBeCloseTo(10, 1);
    expect(sd).toBeCloseTo(2, 1);
  });

  it('shuffles into a permutation without touching the input', () => {
    const input = [1, 2, 3, 4, 5, 6, 7, 8];
    const out = new Rng(3).shuffle(input);
    expect(input).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...out].sort()).toEqual(input);
    expect(out).not.toEqual(input);
  });

  it('derives child streams from the initial seed, whatever was drawn before', () => {
    const a = new Rng(5);
    const b = new Rng(5);
    draws(b, 17);
    expect(draws(a.child('lighting'), 10)).toEqual(draws(b.child('lighting'), 10));
    expect(draws(a.child('lighting'), 10)).not.toEqual(draws(a.child('glare'), 10));
    expect(deriveSeed(1, 'a', 2)).toBe(deriveSeed(1, 'a', 2));
    expect(
      new Set([deriveSeed(1, 'a'), deriveSeed(1, 'b'), deriveSeed(2, 'a'), deriveSeed(1, 'a', 0)]).size,
    ).toBe(4);
  });
});
