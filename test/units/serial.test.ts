import { describe, expect, it } from 'vitest';
import { DEFAULT_SERIAL_PATTERN } from '../../src/ocr/serial.ts';
import { normalizeSerial, serialFitter, serialGroupSource, serialProblem } from '../../src/units/serial.ts';

describe('serial normalization (pure functions)', () => {
  it('takes the serial part of a serial pattern: its first capturing group', () => {
    expect(serialGroupSource(String.raw`SN:\s*([A-Z]{4}\d{8})`)).toBe(String.raw`[A-Z]{4}\d{8}`);
    expect(serialGroupSource(String.raw`(?:S/N|SERIAL)\s*(?<sn>[A-Z0-9(]{8})`)).toBe('[A-Z0-9(]{8}');
    expect(serialGroupSource(String.raw`\(x\)[(]([0-9]+(?:-[0-9]+)?)`)).toBe('[0-9]+(?:-[0-9]+)?');
    expect(serialGroupSource('[A-Z]{6}')).toBe('[A-Z]{6}');
  });

  it('writes serials in capitals without spaces', () => {
    expect(normalizeSerial(' smttab5bbjajg0137 ', null)).toBe('SMTTAB5BBJAJG0137');
    expect(normalizeSerial('SMTT AB5B BJAJ G013 7', serialFitter(DEFAULT_SERIAL_PATTERN))).toBe(
      'SMTTAB5BBJAJG0137',
    );
  });

  it('resolves O/0 and I/1 where the pattern says which fits, and only there', () => {
    const fits = serialFitter(String.raw`SN[:\s]*([A-Z]{4}\d{8})`);
    expect(normalizeSerial('SMTT12O45I78', fits)).toBe('SMTT12045178');
    expect(normalizeSerial('5MTT12345678', fits)).toBe('5MTT12345678'); // 5/S is no look-alike here
    expect(normalizeSerial('SM0T12345678', fits)).toBe('SMOT12345678');
    expect(normalizeSerial('SMI0I1234567', fits)).toBe('SMIO11234567');
    // the default pattern takes letters and digits alike: it decides nothing
    const loose = serialFitter(DEFAULT_SERIAL_PATTERN);
    expect(normalizeSerial('HKYTZ2BBCJDJOA2C3', loose)).toBe('HKYTZ2BBCJDJOA2C3');
    expect(normalizeSerial('HKYTZ2BBCJDJ0A2C3', loose)).toBe('HKYTZ2BBCJDJ0A2C3');
  });

  it('keeps the serial as read when two variants fit equally well', () => {
    const fits = serialFitter(String.raw`([A-Z]\d|\d[A-Z])`);
    expect(normalizeSerial('OI', fits)).toBe('OI');
  });

  it('says why a serial is refused: empty, over 64 characters, control characters', () => {
    expect(serialProblem('')).toMatch(/empty/);
    expect(serialProblem('   ')).toMatch(/empty/);
    expect(serialProblem('A'.repeat(65))).toMatch(/65 characters.*at most 64/);
    expect(serialProblem('ABC\u0007DEF')).toMatch(/control characters/);
    expect(serialProblem(42)).toMatch(/string/);
    expect(serialProblem('A'.repeat(64))).toBeNull();
  });
});
