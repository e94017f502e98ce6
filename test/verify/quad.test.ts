import { describe, expect, it } from 'vitest';
import { onQuad } from '../../src/verify/geometry.ts';

/** A projective map as a 3x3 matrix (row-major), applied to (u, v). */
function project(m: number[], u: number, v: number): [number, number] {
  const w = m[6]! * u + m[7]! * v + m[8]!;
  return [(m[0]! * u + m[1]! * v + m[2]!) / w, (m[3]! * u + m[4]! * v + m[5]!) / w];
}

describe('onQuad (a point of a rectangle seen in perspective)', () => {
  it('puts the corners on the quad and the centre where the diagonals cross', () => {
    const quad: [number, number][] = [
      [0.1, 0.2],
      [0.8, 0.1],
      [0.9, 0.7],
      [0.2, 0.9],
    ];
    for (const [i, [u, v]] of [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
    ].entries()) {
      const [x, y] = onQuad(quad, u!, v!);
      expect(x).toBeCloseTo(quad[i]![0], 12);
      expect(y).toBeCloseTo(quad[i]![1], 12);
    }
    // the diagonals (0,0)-(1,1) and (1,0)-(0,1) of the square meet at its centre: so do their images
    const [x, y] = onQuad(quad, 0.5, 0.5);
    const cross = (ax: number, ay: number, bx: number, by: number) =>
      (x - ax) * (by - ay) - (y - ay) * (bx - ax);
    expect(cross(0.1, 0.2, 0.9, 0.7)).toBeCloseTo(0, 12);
    expect(cross(0.8, 0.1, 0.2, 0.9)).toBeCloseTo(0, 12);
  });

  it('agrees with a projective map at points inside, and with an affine map for a parallelogram', () => {
    const m = [0.5, 0.1, 0.2, -0.05, 0.4, 0.3, 0.2, -0.15, 1];
    const quad = [project(m, 0, 0), project(m, 1, 0), project(m, 1, 1), project(m, 0, 1)];
    for (const [u, v] of [
      [0.25, 0.75],
      [0.9, 0.1],
      [0.37, 0.52],
    ]) {
      const [x, y] = onQuad(quad, u!, v!);
      const [ex, ey] = project(m, u!, v!);
      expect(x).toBeCloseTo(ex, 10);
      expect(y).toBeCloseTo(ey, 10);
    }
    const para: [number, number][] = [
      [0.2, 0.1],
      [0.7, 0.2],
      [0.8, 0.6],
      [0.3, 0.5],
    ];
    const [x, y] = onQuad(para, 0.25, 0.5);
    expect(x).toBeCloseTo(0.2 + 0.25 * 0.5 + 0.5 * 0.1, 12);
    expect(y).toBeCloseTo(0.1 + 0.25 * 0.1 + 0.5 * 0.4, 12);
  });
});
