import { describe, expect, it } from 'vitest';
import { SAME_PICTURE_COSINE, stillVerified } from '../../src/pipeline/slot-owner.ts';

/** A unit vector at `angle` radians from [1, 0, 0, 0] in its first two dimensions. */
function at(angle: number): Float32Array {
  return Float32Array.from([Math.cos(angle), Math.sin(angle), 0, 0]);
}

describe('a slot is verified again only when its picture or shortlist changed (gate on or off)', () => {
  const last = { key: '3:7,2,9', vector: at(0) };

  it('the same picture (noise between frames) and shortlist: the verification holds', () => {
    expect(stillVerified(last, '3:7,2,9', at(0))).toBe(true);
    expect(stillVerified(last, '3:7,2,9', at(0.05))).toBe(true); // cosine 0.9988
  });

  it('another picture (embedding moved), another scene or another shortlist: verified again', () => {
    const moved = Math.acos(SAME_PICTURE_COSINE) + 0.01;
    expect(stillVerified(last, '3:7,2,9', at(moved))).toBe(false);
    expect(stillVerified(last, '4:7,2,9', at(0))).toBe(false);
    expect(stillVerified(last, '3:2,7,9', at(0))).toBe(false);
    expect(stillVerified(last, '3:7,2,9', Float32Array.from([1, 0]))).toBe(false);
  });
});
