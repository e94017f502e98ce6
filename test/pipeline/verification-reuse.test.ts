import { describe, expect, it } from 'vitest';
import {
  IDENTICAL_PICTURE_COSINE,
  SAME_PICTURE_COSINE,
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
