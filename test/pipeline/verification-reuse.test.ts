import { describe, expect, it } from 'vitest';
import type { MatchResult, Recognizer } from '../../src/pipeline/recognizer.ts';
import type { BenchSlot } from '../../src/pipeline/types.ts';
import {
  IDENTICAL_PICTURE_COSINE,
  SAME_PICTURE_COSINE,
  SlotVerifications,
  STILL_MS,
  stillVerified,
} from '../../src/pipeline/verified-pictures.ts';

/** A unit vector at `angle` radians from [1, 0, 0, 0] in its first two dimensions. */
function at(angle: number): Float32Array {
  return Float32Array.from([Math.cos(angle), Math.sin(angle), 0, 0]);
}

const asked = (scene: number, shortlist: string, vector: Float32Array) => ({ scene, shortlist, vector });

describe('a slot is verified again only when its picture or shortlist changed (gate on or off)', () => {
  const last = asked(3, '7,2,9', at(0));

  it('the same picture (noise between frames) and shortlist in the same scene: the verification holds', () => {
    expect(stillVerified(last, asked(3, '7,2,9', at(0)))).toBe(true);
    expect(stillVerified(last, asked(3, '7,2,9', at(0.05)))).toBe(true); // cosine 0.9988
  });

  it('another picture (embedding moved) or another shortlist: verified again', () => {
    const moved = Math.acos(SAME_PICTURE_COSINE) + 0.01;
    expect(stillVerified(last, asked(3, '7,2,9', at(moved)))).toBe(false);
    expect(stillVerified(last, asked(3, '2,7,9', at(0)))).toBe(false);
    expect(stillVerified(last, asked(3, '7,2,9', Float32Array.from([1, 0])))).toBe(false);
  });

  it('a later scene: only the very same picture (a board put back, a replayed frame) keeps it', () => {
    expect(stillVerified(last, asked(4, '7,2,9', at(0)))).toBe(true);
    const close = Math.acos(IDENTICAL_PICTURE_COSINE) + 0.005;
    expect(stillVerified(last, asked(4, '7,2,9', at(close)))).toBe(false);
    expect(stillVerified(last, asked(4, '7,2,9', at(0.05)))).toBe(false);
  });
});

/** A recognizer whose verifications the test finishes (pending), and the pieces match() takes. */
function standIn() {
  const pending: Array<(r: MatchResult) => void> = [];
  const stand = {
    decidedWithoutVerification: () => null,
    shortlist: () => [7],
    recognize: () => new Promise<MatchResult>((resolve) => pending.push(resolve)),
  } as unknown as Recognizer;
  const slot = { name: 'bench', rect: { x: 0, y: 0, width: 1, height: 1 } } as BenchSlot;
  const raw = { data: new Uint8Array(3), width: 1, height: 1, channels: 3 as const };
  return { pending, stand, slot, raw };
}

describe('the gate off: a slot picture is verified once it has held still (a stand-in recognizer whose verification the test finishes)', () => {
  it('waits STILL_MS of capture time on one picture; a picture that moved starts the wait again', () => {
    const { pending, stand, slot, raw } = standIn();
    const slots = new SlotVerifications({ warn: () => {} });
    const moved = at(Math.acos(SAME_PICTURE_COSINE) + 0.05);
    expect(slots.match(stand, slot, raw, at(0), 0, 1000, false)).toBeNull();
    expect(slots.match(stand, slot, raw, at(0.01), 0, 1000 + STILL_MS - 1, false)).toBeNull();
    expect(pending).toHaveLength(0);
    // the board moved on (a hand putting it down): that picture is not verified, the wait starts over
    expect(slots.match(stand, slot, raw, moved, 0, 1000 + STILL_MS, false)).toBeNull();
    expect(slots.match(stand, slot, raw, moved, 0, 1000 + 2 * STILL_MS - 1, false)).toBeNull();
    expect(pending).toHaveLength(0);
    expect(slots.started).toBe(0);
    expect(slots.match(stand, slot, raw, moved, 0, 1000 + 2 * STILL_MS, false)).toBeNull();
    expect(pending).toHaveLength(1);
    expect(slots.started).toBe(1);
  });

  it('a slow camera (frames STILL_MS apart or more): each frame is verified, a new picture too', () => {
    const { pending, stand, slot, raw } = standIn();
    const slots = new SlotVerifications({ warn: () => {} });
    const moved = at(Math.acos(SAME_PICTURE_COSINE) + 0.05);
    // the first frame has no frame before it: it waits like any picture
    expect(slots.match(stand, slot, raw, at(0), 0, 1000, false)).toBeNull();
    expect(pending).toHaveLength(0);
    // a photo replayed at 1 fps: the next frame, another picture, is verified at once
    expect(slots.match(stand, slot, raw, moved, 0, 1000 + STILL_MS, false)).toBeNull();
    expect(pending).toHaveLength(1);
  });

  it('the gate on: the first frame of a settled scene is verified at once', () => {
    const { pending, stand, slot, raw } = standIn();
    const slots = new SlotVerifications({ warn: () => {} });
    expect(slots.match(stand, slot, raw, at(0), 3, 1000, true)).toBeNull();
    expect(pending).toHaveLength(1);
  });

  it('a picture verified before is answered at once, still or not', async () => {
    const { pending, stand, slot, raw } = standIn();
    const slots = new SlotVerifications({ warn: () => {} });
    const known = { board: { id: 7 } } as unknown as MatchResult;
    slots.match(stand, slot, raw, at(0), 0, 0, false);
    slots.match(stand, slot, raw, at(0), 0, STILL_MS, false);
    pending[0]!(known);
    await new Promise((r) => setImmediate(r));
    const other = at(Math.acos(SAME_PICTURE_COSINE) + 0.05);
    expect(slots.match(stand, slot, raw, other, 0, STILL_MS + 10, false)).toBeNull();
    // the board is back where it was: no wait, no second verification
    expect(slots.match(stand, slot, raw, at(0), 0, STILL_MS + 20, false)).toBe(known);
    expect(pending).toHaveLength(1);
  });
});

describe('a verification that was running when the catalog changed is not kept (a stand-in recognizer whose verification the test finishes)', () => {
  it('verifies the picture again against the new catalog instead of keeping the old answer', async () => {
    const { pending, stand, slot, raw } = standIn();
    let looks = 0;
    const slots = new SlotVerifications({ warn: () => {} }, () => looks++);
    const unknown = { board: null } as unknown as MatchResult;
    const known = { board: { id: 7 } } as unknown as MatchResult;

    expect(slots.match(stand, slot, raw, at(0), 1, 0, true)).toBeNull();
    expect(pending).toHaveLength(1);
    expect(slots.started).toBe(1);
    // a reference is enrolled while the picture is being verified against the catalog before it
    slots.clear();
    pending[0]!(unknown);
    await new Promise((r) => setImmediate(r));
    expect(looks).toBe(1);
    // the same picture is verified again, not answered from the run that began before the change
    expect(slots.match(stand, slot, raw, at(0), 1, 0, true)).toBeNull();
    expect(pending).toHaveLength(2);
    pending[1]!(known);
    await new Promise((r) => setImmediate(r));
    expect(slots.match(stand, slot, raw, at(0), 1, 0, true)).toBe(known);
    expect(pending).toHaveLength(2);
    // the status's count of verifications: the two that ran, not the frame answered from the second
    expect(slots.started).toBe(2);
  });
});
