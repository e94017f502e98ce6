import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { boxesFromMap, DEFAULT_DETECT, detectorSize } from '../../src/ocr/detect.ts';
import { convexHull, corners, minAreaRect, readingOrder } from '../../src/ocr/geometry.ts';
import { ctcGreedy } from '../../src/ocr/recognize.ts';
import { compileSerialPattern, DEFAULT_SERIAL_PATTERN, extractSerial } from '../../src/ocr/serial.ts';
import { compileTextPattern, decideByText } from '../../src/ocr/text-match.ts';
import type { Point, Quad } from '../../src/ocr/types.ts';

describe('OCR geometry and decoding (pure functions)', () => {
  it('finds the minimum-area rectangle of a turned text line and orders its corners from the top-left', () => {
    const a = (10 * Math.PI) / 180;
    const pts: Point[] = [];
    for (let u = -50; u <= 50; u += 5) {
      for (let v = -8; v <= 8; v += 4)
        pts.push([100 + u * Math.cos(a) - v * Math.sin(a), 60 + u * Math.sin(a) + v * Math.cos(a)]);
    }
    const r = minAreaRect(convexHull(pts));
    expect(r.width).toBeCloseTo(100, 3);
    expect(r.height).toBeCloseTo(16, 3);
    expect(Math.atan2(r.uy, r.ux)).toBeCloseTo(a, 3);
    const [tl, tr, br, bl] = corners(r);
    expect(tl[0]).toBeLessThan(tr[0]);
    expect(tl[1]).toBeLessThan(bl[1]);
    expect(br[0]).toBeGreaterThan(bl[0]);
  });

  it('turns a probability map into grown, scaled boxes and drops faint or tiny regions', () => {
    const w = 64;
    const h = 32;
    const prob = new Float32Array(w * h);
    for (let y = 10; y < 14; y++) for (let x = 8; x < 48; x++) prob[y * w + x] = 0.9;
    for (let y = 20; y < 24; y++) for (let x = 8; x < 48; x++) prob[y * w + x] = 0.4; // faint
    prob[28 * w + 60] = 0.95; // a speck
    const boxes = boxesFromMap(prob, w, h, DEFAULT_DETECT, 2, 2);
    expect(boxes).toHaveLength(1);
    const [tl, , br] = boxes[0]!.box;
    expect(tl[0]).toBeLessThan(16);
    expect(br[0]).toBeGreaterThan(96);
    expect(br[1] - tl[1]).toBeGreaterThan(8);
    expect(detectorSize(1280, 720, { limitSide: 960, minSide: 0 })).toEqual([960, 544]);
    expect(detectorSize(300, 200, { limitSide: 960, minSide: 400 })).toEqual([608, 416]);
  });

  it('orders lines top to bottom, left to right within a row', () => {
    const box = (x: number, y: number): Quad => [
      [x, y],
      [x + 1, y],
      [x + 1, y + 1],
      [x, y + 1],
    ];
    const lines = [
      { text: 'c', box: box(0, 0.5) },
      { text: 'b', box: box(0.5, 0.1) },
      { text: 'a', box: box(0.1, 0.105) },
    ];
    expect(readingOrder(lines, 0.015).map((l) => l.text)).toEqual(['a', 'b', 'c']);
  });

  it('decodes CTC greedily: repeats merge, blanks separate, confidence is the mean', () => {
    const chars = ['', 'A', 'B'];
    const steps = [1, 1, 0, 1, 2, 2, 0];
    const probs = new Float32Array(steps.length * 3);
    steps.forEach((k, t) => {
      probs[t * 3 + k] = 0.8;
    });
    expect(ctcGreedy(probs, 0, steps.length, chars)).toEqual({
      text: 'AAB',
      confidence: expect.closeTo(0.8, 5),
    });
  });
});

describe('serials and label patterns', () => {
  const serial = compileSerialPattern(DEFAULT_SERIAL_PATTERN);

  it('extracts serials after SN / S/N / Serial No., in capitals, or none', () => {
    expect(extractSerial(['S19J-PRO-HB2024-08', 'SN:HKYTZ2BBCJDJ0A2C3'], serial)).toBe('HKYTZ2BBCJDJ0A2C3');
    expect(extractSerial(['s/n hkytz2bbcjdj0a2c3'], serial)).toBe('HKYTZ2BBCJDJ0A2C3');
    expect(extractSerial(['Serial No. 12345ABCDE'], serial)).toBe('12345ABCDE');
    expect(extractSerial(['SN:', 'HKYTZ2BBCJDJ0A2C3'], serial)).toBe('HKYTZ2BBCJDJ0A2C3');
    expect(extractSerial(['APW12-1215', 'M30S++'], serial)).toBeNull();
    expect(extractSerial(['LOT 4711-20240807'], compileSerialPattern('LOT\\s*(\\d{4}-\\d{8})'))).toBe(
      '4711-20240807',
    );
  });

  it('a serial pattern that is not a regular expression is a config error with its path', () => {
    const r = configSchema.safeParse({ ocr: { serialPattern: 'SN(' } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['ocr', 'serialPattern']);
    expect(configSchema.parse({}).ocr).toMatchObject({ enabled: true, minConfidence: 0.5, threads: 1 });
  });

  it('text confirms the visual match, corrects it to the one other board it names, or leaves it', () => {
    const boards = [
      { id: 1, pattern: compileTextPattern('S19J-?PRO') },
      { id: 2, pattern: compileTextPattern('S19-?XP') },
      { id: 3, pattern: compileTextPattern('S19') },
    ];
    expect(decideByText(['S19J-PRO-HB2024-08'], boards, 1)).toEqual({
      verdict: 'confirmed',
      textBoardId: 1,
      boardId: 1,
    });
    expect(decideByText(['s19-xp-hb'], boards.slice(0, 2), 1)).toEqual({
      verdict: 'corrected',
      textBoardId: 2,
      boardId: 2,
    });
    expect(decideByText(['S19', 'XP-HB'], boards.slice(0, 2), null)).toMatchObject({
      verdict: 'corrected',
      boardId: 2,
    });
    expect(decideByText(['S19-XP-HB'], boards, 1)).toEqual({
      verdict: 'ambiguous',
      textBoardId: null,
      boardId: 1,
    });
    expect(decideByText(['APW12'], boards, 1)).toEqual({ verdict: 'none', textBoardId: null, boardId: 1 });
  });
});
