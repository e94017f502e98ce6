import { describe, expect, it } from 'vitest';
import { combine, stagesRow, type Window } from '../../../tools/benchmarks/pipeline.ts';

const w = (seconds: number, encodedFps: number, cpuPercent: number, latencies: number[]): Window => ({
  seconds,
  encodedFps,
  capturedFps: 2 * encodedFps,
  encoded: Math.round(seconds * encodedFps),
  skippedByGate: 0,
  latencies,
  stages: latencies.map((l) => ({ taken: 0, decoded: 0, preprocessing: 0, posted: 0, encoded: 0, done: l })),
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
    expect(c.stages.map((s) => s.done)).toEqual([1, 2, 3]);
    expect(c.rss).toBe(6);
  });
});

describe('stagesRow', () => {
  it('gives the median of each stage as the time since the stage before', () => {
    const f = (taken: number, decoded: number, done: number) => ({
      taken,
      decoded,
      preprocessing: decoded,
      posted: decoded + 3,
      encoded: decoded + 8,
      done,
    });
    const r = stagesRow('m', [f(1, 5, 14), f(2, 4, 12), f(3, 9, 18)]);
    expect(r.value).toBe(
      'in the mailbox 2.00 ms, gate + decode 4.00 ms, decoded, waiting 0.000 ms, preprocess 3.00 ms, ' +
        'encoder (and the frame before) 5.00 ms, match + publish 1.00 ms',
    );
    expect(r.reference).toBe('sum 15.0 ms');
  });

  it("adds the daemon's CPU time per encoded frame when given the window's CPU share", () => {
    const r = stagesRow('m', [{ taken: 1, decoded: 2, preprocessing: 2, posted: 3, encoded: 4, done: 5 }], {
      cpuPercent: 150,
      encodedFps: 50,
    });
    expect(r.reference).toBe('sum 5.00 ms; daemon CPU 150 % of a core = 30.0 ms a frame');
  });
});
