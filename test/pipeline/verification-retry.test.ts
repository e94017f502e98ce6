import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MatchResult, Recognizer } from '../../src/pipeline/recognizer.ts';
import type { BenchSlot } from '../../src/pipeline/types.ts';
import {
  RETRY_FIRST_MS,
  RETRY_MAX_MS,
  SlotVerifications,
  STILL_MS,
} from '../../src/pipeline/verified-pictures.ts';

/** A recognizer whose verifications the test answers or fails, one by one (the feature worker stood in for). */
function standIn() {
  const runs: Array<{ resolve: (r: MatchResult) => void; reject: (e: Error) => void }> = [];
  const stand = {
    decidedWithoutVerification: () => null,
    shortlist: () => [7],
    recognize: () => new Promise<MatchResult>((resolve, reject) => runs.push({ resolve, reject })),
  } as unknown as Recognizer;
  const slot = { name: 'bench', rect: { x: 0, y: 0, width: 1, height: 1 } } as BenchSlot;
  const raw = { data: new Uint8Array(3), width: 1, height: 1, channels: 3 as const };
  const vector = Float32Array.from([1, 0, 0, 0]);
  return { runs, stand, slot, raw, vector };
}

const settle = () => new Promise((r) => setImmediate(r));

afterEach(() => {
  vi.useRealTimers();
});

describe('a slot whose verification failed is tried again later, not left blank nor asked at the frame rate (a stand-in recognizer whose verification the test fails)', () => {
  it('the gate off: waits RETRY_FIRST_MS of capture time, then twice as long after a second failure; a success ends it', async () => {
    const { runs, stand, slot, raw, vector } = standIn();
    const warnings: Array<Record<string, unknown>> = [];
    const slots = new SlotVerifications({ warn: (o: Record<string, unknown>) => warnings.push(o) });
    slots.match(stand, slot, raw, vector, 0, 0, false);
    expect(slots.match(stand, slot, raw, vector, 0, STILL_MS, false)).toBeNull();
    expect(runs).toHaveLength(1);
    runs[0]!.reject(new Error('feature worker exited'));
    await settle();
    expect(warnings).toEqual([
      expect.objectContaining({ slot: 'bench', failures: 1, retryInMs: RETRY_FIRST_MS }),
    ]);
    // every frame of the wait: nothing asked of the feature worker
    const failedAt = STILL_MS;
    for (let t = failedAt + 40; t < failedAt + RETRY_FIRST_MS; t += 40) {
      expect(slots.match(stand, slot, raw, vector, 0, t, false)).toBeNull();
    }
    expect(runs).toHaveLength(1);
    // the wait is over: verified again
    slots.match(stand, slot, raw, vector, 0, failedAt + RETRY_FIRST_MS, false);
    expect(runs).toHaveLength(2);
    runs[1]!.reject(new Error('feature worker exited'));
    await settle();
    expect(warnings[1]).toEqual(expect.objectContaining({ failures: 2, retryInMs: 2 * RETRY_FIRST_MS }));
    slots.match(stand, slot, raw, vector, 0, failedAt + 2 * RETRY_FIRST_MS, false);
    expect(runs).toHaveLength(2);
    slots.match(stand, slot, raw, vector, 0, failedAt + 3 * RETRY_FIRST_MS, false);
    expect(runs).toHaveLength(3);
    // it answers this time: the answer is used, and the next failure waits RETRY_FIRST_MS again
    const known = { board: { id: 7 } } as unknown as MatchResult;
    runs[2]!.resolve(known);
    await settle();
    expect(slots.match(stand, slot, raw, vector, 0, failedAt + 3 * RETRY_FIRST_MS + 40, false)).toBe(known);
    expect(slots.started).toBe(3);
  });

  it('the gate on: the bench is told to look again once the wait is over (the gate encodes nothing more of a settled scene)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const { runs, stand, slot, raw, vector } = standIn();
    let looks = 0;
    const slots = new SlotVerifications({ warn: () => {} }, () => looks++);
    slots.match(stand, slot, raw, vector, 4, 10_000, true);
    expect(runs).toHaveLength(1);
    runs[0]!.reject(new Error('opencv.js threw'));
    await settle();
    expect(looks).toBe(0);
    vi.advanceTimersByTime(RETRY_FIRST_MS - 1);
    expect(looks).toBe(0);
    vi.advanceTimersByTime(1);
    expect(looks).toBe(1);
    // the gate's next frame of that scene: verified again
    slots.match(stand, slot, raw, vector, 4, 10_000 + RETRY_FIRST_MS, true);
    expect(runs).toHaveLength(2);
  });

  it('waits at most RETRY_MAX_MS, and a catalog change lets the slot be tried at once', async () => {
    const { runs, stand, slot, raw, vector } = standIn();
    const retries: number[] = [];
    const slots = new SlotVerifications({
      warn: (o: Record<string, unknown>) => retries.push(o.retryInMs as number),
    });
    let t = 0;
    for (let i = 0; i < 8; i++) {
      slots.match(stand, slot, raw, vector, 1, t, true);
      runs.at(-1)!.reject(new Error('feature worker exited'));
      await settle();
      t += retries.at(-1)!;
    }
    expect(retries.at(-1)).toBe(RETRY_MAX_MS);
    expect(Math.max(...retries)).toBe(RETRY_MAX_MS);
    const before = runs.length;
    slots.match(stand, slot, raw, vector, 1, t - 1, true);
    expect(runs).toHaveLength(before);
    slots.clear();
    slots.match(stand, slot, raw, vector, 1, t - 1, true);
    expect(runs).toHaveLength(before + 1);
  });
});
