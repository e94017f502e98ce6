import { describe, expect, it } from 'vitest';
import type { Frame } from '../../src/capture/types.ts';
import { CAPTURE_TTL_MS, MAX_CAPTURES, SlotCaptures } from '../../src/pipeline/captures.ts';

const frame = (seq: number): Frame => ({
  jpeg: Buffer.from([0xff, 0xd8, seq]),
  width: 4,
  height: 3,
  seq,
  capturedAt: 1_000 + seq,
});
const RECT = { x: 0, y: 0, width: 0.5, height: 1 };

describe('SlotCaptures: the picture "This is…" shows, held under a handle (issue 20, item 1)', () => {
  it('gives back exactly the frame it took, by id, until it expires; then E_CAPTURE_EXPIRED (410)', () => {
    let now = 50_000;
    const captures = new SlotCaptures({ now: () => now });
    const taken = captures.take('right', RECT, frame(7));
    expect(taken.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(taken).toMatchObject({
      slot: 'right',
      rect: RECT,
      takenAt: 50_000,
      expiresAt: 50_000 + CAPTURE_TTL_MS,
    });
    now += CAPTURE_TTL_MS - 1;
    expect(captures.get(taken.id).frame.seq).toBe(7);
    now += 1;
    let err: unknown;
    try {
      captures.get(taken.id);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'E_CAPTURE_EXPIRED', status: 410 });
    expect((err as Error).message).toContain('take the picture again');
  });

  it('keeps at most MAX_CAPTURES, dropping the oldest, and never hands out the same id twice', () => {
    const captures = new SlotCaptures();
    const ids = Array.from({ length: MAX_CAPTURES + 1 }, (_, i) => captures.take('left', RECT, frame(i)).id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(() => captures.get(ids[0]!)).toThrow(/no longer kept/);
    expect(captures.get(ids.at(-1)!).frame.seq).toBe(MAX_CAPTURES);
  });
});
