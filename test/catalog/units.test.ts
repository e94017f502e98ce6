import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/catalog/db.ts';
import type { Catalog, Sighting } from '../../src/catalog/index.ts';
import { schemaVersion } from '../../src/catalog/index.ts';
import { useTempDir } from './helpers.ts';

const GAP = 60 * 60_000;

function seen(over: Partial<Sighting> & { serial: string; at: number }): Sighting {
  return {
    boardId: null,
    camera: 'bench-1',
    slot: 'left',
    recognitionId: null,
    source: 'ocr',
    visitGapMs: GAP,
    ...over,
  };
}

function recognition(c: Catalog, at: number, boardId: number | null): number {
  return c.insertRecognition({
    at,
    camera: 'bench-1',
    slot: 'left',
    boardId,
    score: 0.9,
    margin: 0.1,
    topk: [],
    modelId: 'm',
  }).id;
}

describe('units in the catalog (SQLite file)', () => {
  const tmp = useTempDir();

  it('migration 003 creates the unit tables', () => {
    const c = tmp.open();
    c.close();
    const db = openDatabase(`${tmp.dir()}/x.db`);
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(3);
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 'unit%'")
      .pluck()
      .all();
    expect(tables).toEqual(
      expect.arrayContaining([
        'units',
        'unit_visits',
        'unit_recognitions',
        'unit_notes',
        'unit_status_changes',
        'unit_conflicts',
      ]),
    );
    db.close();
  });

  it('creates a unit on first sighting, counts a new visit only after the gap, links recognitions', () => {
    const c = tmp.open();
    const board = c.createBoard({ vendor: 'Bitmain', model: 'S19j Pro hashboard', kind: 'hashboard' }).id;
    const r1 = recognition(c, 1000, board);
    const first = c.sightUnit(
      seen({ serial: 'SMTTAB5BBJAJG0137', at: 1000, boardId: board, recognitionId: r1 }),
    );
    expect(first).toMatchObject({ created: true, newVisit: true, visit: 1, previous: null, conflicts: 0 });
    const r2 = recognition(c, 1000 + GAP / 2, board);
    const same = c.sightUnit(
      seen({ serial: 'SMTTAB5BBJAJG0137', at: 1000 + GAP / 2, boardId: board, recognitionId: r2 }),
    );
    expect(same).toMatchObject({ created: false, newVisit: false, visit: 1 });
    c.unitDeparted(first.unitId, 2000 + GAP / 2);
    c.editUnit('SMTTAB5BBJAJG0137', { status: 'done', note: 'two dead chips replaced' }, 'ana');
    const back = 2000 + GAP / 2 + GAP + 1;
    const r3 = recognition(c, back, board);
    const again = c.sightUnit(
      seen({ serial: 'SMTTAB5BBJAJG0137', at: back, boardId: board, recognitionId: r3 }),
    );
    expect(again).toMatchObject({
      created: false,
      newVisit: true,
      visit: 2,
      previous: { lastSeen: 2000 + GAP / 2, status: 'done' },
    });
    const unit = c.getUnit('SMTTAB5BBJAJG0137')!;
    expect(unit).toMatchObject({
      visits: 2,
      firstSeen: 1000,
      lastSeen: back,
      boardId: board,
      status: 'done',
      flagged: false,
    });
    expect(unit.lastNote).toMatchObject({ author: 'ana', text: 'two dead chips replaced' });
    const h = c.getUnitHistory(unit.id);
    expect(h.visits.map((v) => v.number)).toEqual([1, 2]);
    expect(h.recognitions.map((r) => [r.id, r.visit])).toEqual([
      [r3, 2],
      [r2, 1],
      [r1, 1],
    ]);
    expect(h.statusChanges).toMatchObject([{ from: 'received', status: 'done', author: 'ana' }]);
  });

  it('keeps conflicts: a serial on another board type, a typed serial that differs from the one read', () => {
    const c = tmp.open();
    const a = c.createBoard({ vendor: 'Bitmain', model: 'S19j Pro hashboard', kind: 'hashboard' }).id;
    const b = c.createBoard({ vendor: 'Bitmain', model: 'S19 XP hashboard', kind: 'hashboard' }).id;
    c.sightUnit(seen({ serial: 'AAAA00001111', at: 1, boardId: a }));
    const onB = c.sightUnit(seen({ serial: 'AAAA00001111', at: 2, boardId: b }));
    expect(onB.conflicts).toBe(1);
    let unit = c.getUnit('AAAA00001111')!;
    expect(unit.boardId).toBe(a); // not overwritten
    expect(unit.flagged).toBe(true);
    const [conflict] = c.getUnitHistory(unit.id).conflicts;
    expect(conflict).toMatchObject({ kind: 'board', unitBoardId: a, seenBoardId: b, resolution: null });
    c.editUnit('AAAA00001111', { resolve: { conflictId: conflict!.id, answer: 'seen' } }, 'ana');
    unit = c.getUnit('AAAA00001111')!;
    expect(unit).toMatchObject({ boardId: b, flagged: false });

    const r = recognition(c, 10, a);
    c.sightUnit(seen({ serial: 'READ00000001', at: 10, boardId: a, recognitionId: r }));
    const typed = c.sightUnit(
      seen({ serial: 'TYPED0000001', at: 11, boardId: a, recognitionId: r, source: 'typed' }),
    );
    expect(typed.conflicts).toBe(1);
    for (const s of ['READ00000001', 'TYPED0000001']) expect(c.getUnit(s)!.flagged).toBe(true);
    const serialConflict = c.getUnitHistory(c.getUnit('READ00000001')!.id).conflicts[0];
    expect(serialConflict).toMatchObject({
      kind: 'serial',
      typedSerial: 'TYPED0000001',
      ocrSerial: 'READ00000001',
    });
    expect(() =>
      c.editUnit('READ00000001', { resolve: { conflictId: serialConflict!.id, answer: 'seen' } }, 'ana'),
    ).toThrow(/"typed" or "ocr"/);
  });

  it('lists and filters units (serial part, board, status, returning), and 404s an edit of an unknown serial', () => {
    const c = tmp.open();
    const a = c.createBoard({ vendor: 'Bitmain', model: 'S19j Pro hashboard', kind: 'hashboard' }).id;
    c.sightUnit(seen({ serial: 'ONE000000001', at: 1, boardId: a }));
    c.sightUnit(seen({ serial: 'TWO000000002', at: 2 }));
    c.sightUnit(seen({ serial: 'TWO000000002', at: 3 + GAP }));
    c.editUnit('ONE000000001', { status: 'testing' }, 'ana');
    expect(c.queryUnits({}, 10, 0).rows.map((u) => u.serial)).toEqual(['TWO000000002', 'ONE000000001']);
    expect(c.queryUnits({ serial: 'ONE' }, 10, 0).total).toBe(1);
    expect(c.queryUnits({ boardId: a }, 10, 0).rows.map((u) => u.serial)).toEqual(['ONE000000001']);
    expect(c.queryUnits({ status: 'testing' }, 10, 0).rows.map((u) => u.serial)).toEqual(['ONE000000001']);
    expect(c.queryUnits({ returning: true }, 10, 0).rows.map((u) => u.serial)).toEqual(['TWO000000002']);
    expect(c.queryUnits({ serial: '%' }, 10, 0).total).toBe(0);
    expect(() => c.editUnit('NOPE', { note: 'x' }, 'ana')).toThrow(
      expect.objectContaining({ code: 'E_NOT_FOUND' }),
    );
  });
});
