import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/catalog/csv.ts';
import { ImportManifestError, parseImportManifest } from '../../src/catalog/import.ts';

function problems(fn: () => unknown): { where: string; message: string }[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ImportManifestError);
    expect((err as ImportManifestError).code).toBe('E_BAD_REQUEST');
    return [...(err as ImportManifestError).problems];
  }
  throw new Error('expected the manifest to be rejected');
}

describe('parseCsv', () => {
  it('handles quoted commas, doubled quotes, line breaks in quotes, CRLF, BOM and blank lines', () => {
    const text = '\uFEFFa,b,c\r\n"x, y","say ""hi""",\r\n\r\n"multi\nline",2,"3"\n';
    const { records, problems: found } = parseCsv(text);
    expect(found).toEqual([]);
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, y', 'say "hi"', ''] },
      { line: 4, fields: ['multi\nline', '2', '3'] },
    ]);
    expect(parseCsv('a,b').records).toEqual([{ line: 1, fields: ['a', 'b'] }]);
    expect(parseCsv('"",""\n').records).toEqual([{ line: 1, fields: ['', ''] }]);
  });

  it('reports stray and unclosed quotes with their line', () => {
    expect(parseCsv('a,b\nx"y,z\n').problems).toEqual([{ line: 2, message: expect.stringMatching(/quote/) }]);
    expect(parseCsv('a,b\n"x"y,z\n').problems).toEqual([
      { line: 2, message: expect.stringMatching(/closing quote/) },
    ]);
    expect(parseCsv('a,b\n1,2\n"never closed,3\n4,5\n').problems).toEqual([
      { line: 3, message: expect.stringMatching(/never closed/) },
    ]);
  });
});

describe('parseImportManifest (CSV)', () => {
  it('reads every column, ;-separated lists and quoted fields', () => {
    const csv = [
      'vendor,model,kind,chip_type,chip_count,notes,tags,images',
      'Bitmain,S19j Pro,hashboard,BM1362,126,"3 chains, 38 domains; check ""PIC""",s19;sha256 ; ,front.jpg; back.jpg',
      'MicroBT,"M30S++",control-board,,,,,cb/one.jpg',
      "Bitmain,'; DROP TABLE boards; --,other,,,,,",
    ].join('\n');
    expect(parseImportManifest(csv, 'csv')).toEqual([
      {
        vendor: 'Bitmain',
        model: 'S19j Pro',
        kind: 'hashboard',
        chipType: 'BM1362',
        chipCount: 126,
        notes: '3 chains, 38 domains; check "PIC"',
        tags: ['s19', 'sha256'],
        images: ['front.jpg', 'back.jpg'],
        where: 'line 2',
      },
      { vendor: 'MicroBT', model: 'M30S++', kind: 'control-board', images: ['cb/one.jpg'], where: 'line 3' },
      { vendor: 'Bitmain', model: "'; DROP TABLE boards; --", kind: 'other', images: [], where: 'line 4' },
    ]);
  });

  it('accepts columns in any order and case, with only the required ones', () => {
    const rows = parseImportManifest('Kind, MODEL ,vendor\npsu,APW12,Bitmain\n', 'csv');
    expect(rows).toEqual([{ vendor: 'Bitmain', model: 'APW12', kind: 'psu', images: [], where: 'line 2' }]);
  });

  it('reports every bad row with its line, not just the first', () => {
    const csv = [
      'vendor,model,kind,chip_count,images',
      'Bitmain,S19,hashboard,126,a.jpg',
      ',S9,hashboard,63,b.jpg',
      'Bitmain,T9,toaster,lots,c.jpg',
      'Bitmain,S17,hashboard,48,../../etc/passwd',
      'Bitmain,S15,hashboard,48',
      'Bitmain,S7,hashboard,,/abs.jpg',
      'BITMAIN, s19 ,psu,,',
    ].join('\n');
    const found = problems(() => parseImportManifest(csv, 'csv'));
    const at = (line: number) => found.filter((p) => p.where === `line ${line}`).map((p) => p.message);
    expect(at(2)).toEqual([]);
    expect(at(3).join()).toMatch(/vendor/);
    expect(at(4).join()).toMatch(/kind/);
    expect(at(4).join()).toMatch(/chip_count/);
    expect(at(5).join()).toMatch(/inside the folder/);
    expect(at(6)).toEqual(['has 4 fields but the header has 5; quote fields that hold commas']);
    expect(at(7).join()).toMatch(/relative/);
    expect(at(8)).toEqual(['BITMAIN s19 is already listed at line 2']);
    expect(found).toHaveLength(7);
  });

  it('rejects an unknown or missing header column and an empty manifest', () => {
    const found = problems(() => parseImportManifest('vendor,modle,kind\nA,B,other\n', 'csv'));
    expect(found).toEqual([
      { where: 'line 1 (header)', message: expect.stringMatching(/unknown column "modle"/) },
      { where: 'line 1 (header)', message: 'missing column "model"' },
    ]);
    expect(problems(() => parseImportManifest('vendor,model,kind\n', 'csv'))).toEqual([
      { where: 'manifest', message: 'lists no boards' },
    ]);
    expect(problems(() => parseImportManifest('', 'csv'))).toHaveLength(1);
  });
});

describe('parseImportManifest (YAML)', () => {
  it('reads a plain list or {boards: [...]}, with lists or ;-strings, and numeric model names', () => {
    const list = `
- vendor: Canaan
  model: 1066
  kind: hashboard
  chip_count: 114
  tags: [avalon, "a1066"]
  images:
    - avalon/1.jpg
    - avalon/2.jpg
- vendor: Bitmain
  model: APW3++
  kind: psu
  images: psu.jpg; psu2.jpg
  notes: |
    two fans
`;
    const rows = parseImportManifest(list, 'yaml');
    expect(rows).toEqual([
      {
        vendor: 'Canaan',
        model: '1066',
        kind: 'hashboard',
        chipCount: 114,
        tags: ['avalon', 'a1066'],
        images: ['avalon/1.jpg', 'avalon/2.jpg'],
        where: '[0] (line 2)',
      },
      {
        vendor: 'Bitmain',
        model: 'APW3++',
        kind: 'psu',
        notes: 'two fans\n',
        images: ['psu.jpg', 'psu2.jpg'],
        where: '[1] (line 10)',
      },
    ]);
    const wrapped = parseImportManifest(
      'boards:\n  - {vendor: A, model: B, kind: empty-bench, images: [e.jpg]}\n',
      'yaml',
    );
    expect(wrapped).toEqual([
      { vendor: 'A', model: 'B', kind: 'empty-bench', images: ['e.jpg'], where: 'boards[0] (line 2)' },
    ]);
  });

  it('reports every bad entry with its index and line, and syntax errors with their line', () => {
    const yaml = `boards:
  - vendor: A
    model: ok
    kind: hashboard
  - vendor: A
    model: bad
    kind: hashbored
    chip_count: 1.5
  - vendor: A
    model: typo
    kind: psu
    imgaes: [x.jpg]
`;
    const found = problems(() => parseImportManifest(yaml, 'yaml'));
    expect(
      found
        .filter((p) => p.where === 'boards[1] (line 5)')
        .map((p) => p.message)
        .join(),
    ).toMatch(/kind.*chip_count|chip_count.*kind/s);
    expect(
      found
        .filter((p) => p.where === 'boards[2] (line 9)')
        .map((p) => p.message)
        .join(),
    ).toMatch(/imgaes/);
    expect(found.some((p) => p.where.startsWith('boards[0]'))).toBe(false);

    expect(problems(() => parseImportManifest('- vendor: [unclosed\n', 'yaml'))[0]?.where).toMatch(
      /^line \d+$/,
    );
    expect(problems(() => parseImportManifest('vendor: A\n', 'yaml'))).toEqual([
      { where: 'manifest', message: 'the only top-level key allowed is "boards"' },
      { where: 'manifest', message: 'expected a list of boards, or "boards:" followed by one' },
    ]);
  });
});

describe('parseImportManifest: the spellings people write', () => {
  it('reads text_pattern, textPattern, "Text Pattern" and chipType as the same columns', () => {
    const csv = ['Vendor,Model,Kind,Chip Type,Text Pattern', 'Bitmain,S21,hashboard,BM1368,S21\\b'].join(
      '\n',
    );
    expect(parseImportManifest(csv, 'csv')[0]).toMatchObject({ chipType: 'BM1368', textPattern: 'S21\\b' });
    const yaml = '- { vendor: Bitmain, model: S21, kind: hashboard, textPattern: "S21", chipCount: 65 }\n';
    expect(parseImportManifest(yaml, 'yaml')[0]).toMatchObject({ textPattern: 'S21', chipCount: 65 });
    const bad = problems(() =>
      parseImportManifest('- { vendor: A, model: B, kind: other, textPatern: x }\n', 'yaml'),
    );
    expect(bad[0]?.message).toMatch(/textPatern/);
  });
});
