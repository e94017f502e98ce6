import { describe, expect, it } from 'vitest';
import {
  chipDisagrees,
  describePartNumber,
  findPartNumber,
  resolveLookAlikes,
} from '../../src/hardware/part-number.ts';
import { HardwareReference } from '../../src/hardware/reference.ts';

const reference = HardwareReference.load();
const find = (...lines: string[]) => findPartNumber(lines, reference);

describe('part numbers read off a hashboard', () => {
  it('decodes a code of every family, the first matching rule winning', () => {
    const cases: [string, string, string, number | null][] = [
      ['BHB28102', 'BHB28xxx', 'BM1489', null],
      ['BHB42601', 'BHB425xx/BHB426xx', 'BM1362', 126],
      ['BHB42501', 'BHB425xx/BHB426xx', 'BM1362', 126],
      ['BHB42801', 'BHB428xx', 'BM1366', null],
      ['BHB42701', 'BHB42xxx', 'BM1362 or BM1366', null],
      ['BHB42011', 'BHB42xxx', 'BM1362 or BM1366', null],
      ['BHB56902', 'BHB56xxx', 'BM1366', 77],
      ['BHB68606', 'BHB68xxx/A3HB7xxxx', 'BM1368 or BM1370', null],
      ['A3HB70601', 'BHB68xxx/A3HB7xxxx', 'BM1368 or BM1370', null],
    ];
    for (const [code, family, chip, chips] of cases) {
      const p = find(code);
      expect(p, code).not.toBeNull();
      expect([p!.code, p!.family, p!.asicChip, p!.chipsPerBoard]).toEqual([code, family, chip, chips]);
      expect(p!.source).toMatch(/^https:\/\/d-central\.tech\//);
    }
    expect(find('BHB42601')!.models).toEqual(['Antminer S19j Pro']);
    expect(find('BHB56902')!.models).toEqual(['Antminer S19k Pro']);
    // Every family of the shipped data is reachable by some code in this table.
    const seen = new Set(cases.map(([code]) => find(code)!.family));
    expect([...seen].sort()).toEqual(reference.families.map((f) => f.id).sort());
  });

  it('finds the code inside a label line, split over boxes, and keeps a sub-revision dash', () => {
    expect(find('PN: BHB42601 REV 1.2')!.code).toBe('BHB42601');
    expect(find('S19J PRO HASH BOARD', 'BHB4260', '1')?.code).toBe('BHB42601');
    expect(find('PN:BHB 42601')!.code).toBe('BHB42601');
    const dash = find('BHB42601-')!;
    expect([dash.code, dash.subRevision, dash.family]).toEqual(['BHB42601-', true, 'BHB425xx/BHB426xx']);
    expect(find('bhb56902')!.code).toBe('BHB56902');
  });

  it('resolves one look-alike character (O/0, I/1, B/8) when exactly one family fits', () => {
    for (const read of ['BHB4260I', 'BHB426O1', '8HB42601', 'BH842601', 'BHB42B01']) {
      const p = find(read)!;
      expect(p.read).toBe(read);
      expect(p.family, read).not.toBeNull();
    }
    expect(find('BHB4260I')!.code).toBe('BHB42601');
    expect(find('BHB42B01')!.code).toBe('BHB42801');
    expect(find('BHB42B01')!.family).toBe('BHB428xx');
  });

  it('claims nothing for two characters off, a code of no family, or look-alike reads that disagree', () => {
    expect(find('8H8426O1')).toBeNull();
    expect(find('BHB426011')).toBeNull();
    expect(find('SN: SMTTAB5BBJAJG0137')).toBeNull();
    const unknown = find('BHB07901')!;
    expect([unknown.code, unknown.family, unknown.asicChip, unknown.models]).toEqual([
      'BHB07901',
      null,
      null,
      [],
    ]);
    const noFamilyLookAlike = find('BHB0790I')!;
    expect([noFamilyLookAlike.code, noFamilyLookAlike.family]).toEqual(['BHB0790I', null]);
    const disagree = find('BHB4260I', 'BHB5690O')!;
    expect(disagree.family).toBeNull();
    // An exact read wins over a look-alike one.
    expect(find('BHB5690O', 'BHB42601')!.family).toBe('BHB425xx/BHB426xx');
  });

  it('resolveLookAlikes replaces at most one character, into the shape', () => {
    expect(resolveLookAlikes('BHB42601', 'BHB#####')).toBe('BHB42601');
    expect(resolveLookAlikes('BHBO2601', 'BHB#####')).toBe('BHB02601');
    expect(resolveLookAlikes('BHBOO601', 'BHB#####')).toBeNull();
    expect(resolveLookAlikes('BHB4260', 'BHB#####')).toBeNull();
    expect(resolveLookAlikes('XHB42601', 'BHB#####')).toBeNull();
  });

  it("cross-checks a board's chip type against the family", () => {
    const s19jPro = find('BHB42601')!;
    expect(chipDisagrees('BM1362', s19jPro)).toBe(false);
    expect(chipDisagrees('bm1362', s19jPro)).toBe(false);
    expect(chipDisagrees('BM1398', s19jPro)).toBe(true);
    expect(chipDisagrees(null, s19jPro)).toBe(false);
    const either = find('BHB42701')!;
    expect(chipDisagrees('BM1366', either)).toBe(false);
    expect(chipDisagrees('BM1398', either)).toBe(true);
    expect(chipDisagrees('BM1398', find('BHB07901')!)).toBe(false);
  });

  it('describes a decoded code the way the live card says it', () => {
    expect(describePartNumber(find('BHB42601')!)).toBe(
      'BHB42601: Antminer S19j Pro hashboard, BM1362 × 126 (from its part number)',
    );
    expect(describePartNumber(find('BHB07901')!)).toBe('BHB07901 (part number read; no known family)');
  });
});
