import { describe, expect, it } from 'vitest';
import { combine, type Window } from '../../../tools/benchmarks/pipeline.ts';

const w = (seconds: number, encodedFps: number, cpuPercent: number, latencies: number[]): Window => ({
  seconds,
  encodedFps,
  capturedFps: 2 * encodedFps,
  encoded: Math.round(seconds * encodedFps),
  skippedByGate: 0,
  latencies,
  cpuPercent,
  rss: seconds,
});

describe('combine', () => {
  it('weighs rates by window length and pools latencies', () => {
    const c = combine([w(2, 10, 100, [1, 2]), w(6, 20, 180, [3])]);
    expect(c.seconds).toBe(8);
    expect(c.encodedFps).toBeCloseTo((2 * 10 + 6 * 20) / 8, 10);
    expect(c.capturedFps).toBeCloseTo(2 * c.encodedFps, 10);
    expect(c.encoded).toBe(140);
    expect(c.cpuPercent).toBeCloseTo((2 * 100 + 6 * 180) / 8, 10);
    expect(c.latencies).toEqual([1, 2, 3]);
    expect(c.rss).toBe(6);
  });
});
