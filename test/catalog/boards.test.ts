import { describe, expect, it } from 'vitest';
import { catchError, newReference, useTempDir } from './helpers.ts';

describe('Catalog boards', () => {
  const tmp = useTempDir();

  it('creates, reads, updates and deletes a board with camel-case fields and timestamps', () => {
    let clock = 1_000;
    const catalog = tmp.open('c.db', { now: () => clock });
    const created = catalog.createBoard({
      vendor: ' Bitmain ',
      model: 'S19j Pro',
      kind: 'hashboard',
      chipType: 'BM1362',
      chipCount: 126,
      tags: ['s19', ' 3-chain ', 's19', ''],
    });
    expect(created).toEqual({
      id: expect.any(Number),
      vendor: 'Bitmain',
      model: 'S19j Pro',
      kind: 'hashboard',
      chipType: 'BM1362',
      chipCount: 126,
      notes: '',
      tags: ['s19', '3-chain'],
      textPattern: null,
      createdAt: 1_000,
      updatedAt: 1_000,
      removedAt: null,
    });
    expect(catalog.getBoard(created.id)).toEqual(created);

    clock = 2_000;
    const updated = catalog.updateBoard(created.id, { notes: 'check the PIC', chipType: null });
    expect(updated).toMatchObject({
      notes: 'check the PIC',
      chipType: null,
      chipCount: 126,
      model: 'S19j Pro',
    });
    expect(updated.createdAt).toBe(1_000);
    expect(updated.updatedAt).toBe(2_000);
    expect(catalog.getBoard(created.id)).toEqual(updated);

    expect(catalog.deleteBoard(created.id)).toBe(true);
    expect(catalog.deleteBoard(created.id)).toBe(false);
    expect(catalog.getBoard(created.id)).toBeUndefined();
  });

  it('a duplicate vendor+model (ignoring case) is E_CONFLICT 409, on create and on rename', () => {
    const catalog = tmp.open();
    const s19 = catalog.createBoard({ vendor: 'Bitmain', model: 'S19', kind: 'hashboard' });
    const err = catchError(() => catalog.createBoard({ vendor: 'BITMAIN', model: 's19', kind: 'psu' }));
    expect(err).toMatchObject({ code: 'E_CONFLICT', status: 409 });
    expect(err.message).toContain(`board ${s19.id}`);
    const l3 = catalog.createBoard({ vendor: 'Bitmain', model: 'L3+', kind: 'hashboard' });
    expect(catchError(() => catalog.updateBoard(l3.id, { model: 'S19' }))).toMatchObject({
      code: 'E_CONFLICT',
    });
    expect(catalog.getBoard(l3.id)?.model).toBe('L3+');
    expect(catalog.findBoard('bitmain', ' s19 ')?.id).toBe(s19.id);
    expect(catalog.findBoard('bitmain', 'S21')).toBeUndefined();
  });

  it('updating a missing board is E_NOT_FOUND 404; invalid input is E_BAD_REQUEST 400', () => {
    const catalog = tmp.open();
    expect(catchError(() => catalog.updateBoard(42, { notes: 'x' }))).toMatchObject({
      code: 'E_NOT_FOUND',
      status: 404,
    });
    const bad = catchError(() =>
      catalog.createBoard({ vendor: '  ', model: 'X', kind: 'toaster' as 'other', chipCount: -1 }),
    );
    expect(bad).toMatchObject({ code: 'E_BAD_REQUEST', status: 400 });
    expect(bad.message).toMatch(/vendor/);
    expect(bad.message).toMatch(/kind/);
    expect(bad.message).toMatch(/chipCount/);
    expect(catalog.listBoards()).toEqual([]);
  });

  it('stores SQL-looking and unusual strings verbatim', () => {
    const catalog = tmp.open();
    const evil = "'; DROP TABLE boards; --";
    const board = catalog.createBoard({
      vendor: evil,
      model: 'Robert"); DELETE FROM board_references;--',
      kind: 'other',
      notes: "100% _sure_ \\ it's \u2603 \u{1F600}",
      tags: [evil, '%'],
    });
    const again = catalog.getBoard(board.id)!;
    expect(again.vendor).toBe(evil);
    expect(again.model).toBe('Robert"); DELETE FROM board_references;--');
    expect(again.notes).toBe("100% _sure_ \\ it's \u2603 \u{1F600}");
    expect(again.tags).toEqual([evil, '%']);
    expect(catalog.listBoards({ search: 'DROP TABLE' }).map((b) => b.id)).toEqual([board.id]);
    expect(catalog.integrityCheck()).toBe('ok');
  });

  it('search matches vendor, model, chip type, notes and tags, case-insensitively, every term required', () => {
    const catalog = tmp.open();
    const s19 = catalog.createBoard({
      vendor: 'Bitmain',
      model: 'S19j Pro',
      kind: 'hashboard',
      chipType: 'BM1362',
      tags: ['sha256'],
    });
    const m30 = catalog.createBoard({
      vendor: 'MicroBT',
      model: 'M30S++',
      kind: 'hashboard',
      chipType: 'KF1950',
      notes: 'Whatsminer, 100%_tested',
    });
    const psu = catalog.createBoard({
      vendor: 'Bitmain',
      model: 'APW12',
      kind: 'psu',
      tags: ['Power', 'Supply'],
    });
    const ids = (search: string) => catalog.listBoards({ search }).map((b) => b.id);
    expect(ids('')).toEqual([psu.id, s19.id, m30.id]); // vendor, then model
    expect(ids('bitmain')).toEqual([psu.id, s19.id]);
    expect(ids('s19J')).toEqual([s19.id]);
    expect(ids('bm1362')).toEqual([s19.id]);
    expect(ids('whatsminer')).toEqual([m30.id]);
    expect(ids('power')).toEqual([psu.id]);
    expect(ids('SHA256')).toEqual([s19.id]);
    expect(ids('bitmain   pro')).toEqual([s19.id]);
    expect(ids('bitmain kf1950')).toEqual([]);
    // % and _ are literal characters, not wildcards
    expect(ids('%')).toEqual([m30.id]);
    expect(ids('0%_t')).toEqual([m30.id]);
    expect(ids('M_0')).toEqual([]);
    expect(ids('1_0')).toEqual([]);
  });

  it('listBoards reports each board’s reference count', () => {
    const catalog = tmp.open();
    const a = catalog.createBoard({ vendor: 'A', model: 'one', kind: 'hashboard' });
    const b = catalog.createBoard({ vendor: 'B', model: 'two', kind: 'empty-bench' });
    catalog.addReference(newReference(a.id, 1));
    catalog.addReference(newReference(a.id, 2));
    expect(catalog.listBoards().map((x) => [x.id, x.referenceCount])).toEqual([
      [a.id, 2],
      [b.id, 0],
    ]);
  });
});
