import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type PilFilter, type RgbView, resizePil } from '../../src/vision/pil-resample.ts';

interface Case {
  filter: PilFilter;
  width: number;
  height: number;
  outWidth: number;
  outHeight: number;
  input: string;
  expected: string;
}

// Written by scripts/model/make_resample_fixture.py with Pillow's Image.resize.
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/pil-resample.json', import.meta.url), 'utf8'),
) as {
  generator: string;
  cases: Case[];
};

function view(c: Case): RgbView {
  return {
    data: Buffer.from(c.input, 'base64'),
    width: c.width,
    height: c.height,
    offset: 0,
    stride: c.width * 3,
  };
}

describe('Pillow resampling', () => {
  it.each(
    fixture.cases.map(
      (c) => [`${c.filter} ${c.width}x${c.height} -> ${c.outWidth}x${c.outHeight}`, c] as const,
    ),
  )('matches Image.resize byte for byte: %s', (_name, c) => {
    const got = resizePil(view(c), c.outWidth, c.outHeight, c.filter);
    expect(Buffer.from(got).toString('base64')).toBe(c.expected);
  });

  it('computes a window of the result with the same pixels as the full resize', () => {
    for (const c of fixture.cases.filter((x) => x.outWidth >= 3 && x.outHeight >= 3)) {
      const full = resizePil(view(c), c.outWidth, c.outHeight, c.filter);
      const win = { left: 1, top: 1, width: c.outWidth - 2, height: c.outHeight - 1 };
      const part = resizePil(view(c), c.outWidth, c.outHeight, c.filter, { window: win });
      for (let y = 0; y < win.height; y++) {
        const from = ((y + win.top) * c.outWidth + win.left) * 3;
        expect(Array.from(part.subarray(y * win.width * 3, (y + 1) * win.width * 3))).toEqual(
          Array.from(full.subarray(from, from + win.width * 3)),
        );
      }
    }
  });

  it('reads a rectangle of a larger image through offset and stride', () => {
    const c = fixture.cases.find((x) => x.width === 16 && x.filter === 'bicubic')!;
    const src = Buffer.from(c.input, 'base64');
    // The same pixels framed by a 2-pixel border of 255s.
    const W = c.width + 4;
    const framed = new Uint8Array(W * (c.height + 4) * 3).fill(255);
    for (let y = 0; y < c.height; y++)
      framed.set(src.subarray(y * c.width * 3, (y + 1) * c.width * 3), ((y + 2) * W + 2) * 3);
    const rect: RgbView = {
      data: framed,
      width: c.width,
      height: c.height,
      offset: (2 * W + 2) * 3,
      stride: W * 3,
    };
    expect(Buffer.from(resizePil(rect, c.outWidth, c.outHeight, c.filter)).toString('base64')).toBe(
      c.expected,
    );
  });

  it('simd variant stays within one grey level of Pillow and differs somewhere', () => {
    let differing = 0;
    for (const c of fixture.cases) {
      const pil = resizePil(view(c), c.outWidth, c.outHeight, c.filter);
      const simd = resizePil(view(c), c.outWidth, c.outHeight, c.filter, { simd: true });
      for (let i = 0; i < pil.length; i++) {
        expect(Math.abs(pil[i]! - simd[i]!)).toBeLessThanOrEqual(1);
        if (pil[i] !== simd[i]) differing++;
      }
    }
    expect(differing).toBeGreaterThan(0);
  });

  it('writes into a caller buffer and refuses one that is too small', () => {
    const c = fixture.cases[0]!;
    const out = new Uint8Array(c.outWidth * c.outHeight * 3);
    expect(resizePil(view(c), c.outWidth, c.outHeight, c.filter, { out })).toBe(out);
    expect(() => resizePil(view(c), c.outWidth, c.outHeight, c.filter, { out: new Uint8Array(2) })).toThrow(
      RangeError,
    );
  });
});
