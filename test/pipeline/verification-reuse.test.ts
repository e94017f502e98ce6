import { describe, expect, it } from 'vitest';
import type { MatchResult, Recognizer } from '../../src/pipeline/recognizer.ts';
import type { BenchSlot } from '../../src/pipeline/types.ts';
import {
  IDENTICAL_PICTURE_COSINE,
  SAME_PICTURE_COSINE,
  SlotVerifications,
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

describe('a verification that was running when the catalog changed is not kept (a stand-in recognizer whose verification the test finishes)', () => {
  it('verifies the picture again against the new catalog instead of keeping the old answer', async () => {
    const pending: Array<(r: MatchResult) => void> = [];
    const stand = {
      decidedWithoutVerification: () => null,
      shortlist: () => [7],
      recognize: () => new Promise<MatchResult>((resolve) => pending.push(resolve)),
    } as unknown as Recognizer;
    let looks = 0;
    const slots = new SlotVerifications({ warn: () => {} }, () => looks++);
    const slot = { name: 'bench', rect: { x: 0, y: 0, width: 1, height: 1 } } as BenchSlot;
    const raw = { data: new Uint8Array(3), width: 1, height: 1, channels: 3 as const };
    const unknown = { board: null } as unknown as MatchResult;
    const known = { board: { id: 7 } } as unknown as MatchResult;

    expect(slots.match(stand, slot, raw, at(0), 1)).toBeNull();
    expect(pending).toHaveLength(1);
    // a reference is enrolled while the picture is being verified against the catalog before it
    slots.clear();
    pending[0]!(unknown);
    await new Promise((r) => setImmediate(r));
    expect(looks).toBe(1);
    // the same picture is verified again, not answered from the run that began before the change
    expect(slots.match(stand, slot, raw, at(0), 1)).toBeNull();
    expect(pending).toHaveLength(2);
    pending[1]!(known);
    await new Promise((r) => setImmediate(r));
    expect(slots.match(stand, slot, raw, at(0), 1)).toBe(known);
    expect(pending).toHaveLength(2);
  });
});
