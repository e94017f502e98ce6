import { describe, expect, it } from 'vitest';
import { characterAccuracy, countErrors, substringDistance } from '../../../tools/ocr/accuracy.ts';

describe('character accuracy of OCR output (what the OCR benchmark and label tests score with)', () => {
  it('scores each printed line against the best matching stretch of everything read', () => {
    expect(substringDistance('S19XP', 'xxS19XPyy')).toBe(0);
    expect(substringDistance('S19XP', 'S18XP')).toBe(1);
    expect(substringDistance('ABC', '')).toBe(3);
    const c = countErrors(['S19-XP-HB 2024-05', 'SN: HKYT'], ['S19-XP-HB2024-O5', 'SN:HKYT']);
    expect(c).toEqual({ characters: 23, errors: 1 });
    expect(characterAccuracy([c])).toBeCloseTo(22 / 23, 6);
  });
});
