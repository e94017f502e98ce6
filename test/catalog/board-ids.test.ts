import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMigrations, openDatabase, schemaVersion } from '../../src/catalog/db.ts';
import { Catalog } from '../../src/catalog/index.ts';
import { newReference, useTempDir, vector } from './helpers.ts';

/** Issue 20, item 2: a removed board's id is never handed out again, and its history keeps naming it. */
describe('Catalog board ids and removed boards', () => {
  const tmp = useTempDir();

  it('never hands a board id out twice, not even the highest one after it was removed', () => {
    const catalog = tmp.open();
    const a = catalog.createBoard({ vendor: 'Bitmain', model: 'S19', kind: 'hashboard' });
    const b = catalog.createBoard({ vendor: 'Bitmain', model: 'S21', kind: 'hashboard' });
    expect(catalog.deleteBoard(b.id)).toBe(true);
    const c = catalog.createBoard({ vendor: 'MicroBT', model: 'M30S++', kind: 'hashboard' });
    expect(c.id).toBeGreaterThan(b.id);
    expect(catalog.lastBoardId()).toBe(c.id);
    expect(catalog.listBoards().map((x) => x.id)).toEqual([a.id, c.id]);
  });

  it('a removed board leaves the catalog but stays readable for the history, and its name may be used again', () => {
    let clock = 5_000;
    const catalog = tmp.open('c.db', { now: () => clock });
    const s19 = catalog.createBoard({ vendor: 'Bitmain', model: 'S19', kind: 'hashboard' });
    catalog.addReference(newReference(s19.id, 1), { modelId: 'm', vector: vector(4, 1) });
    const rec = catalog.insertRecognition({
      at: 1,
      camera: 'bench-1',
      slot: 'left',
      boardId: s19.id,
      score: 0.9,
      margin: 0.3,
      topk: [{ boardId: s19.id, score: 0.9 }],
      modelId: 'm',
    });
    clock = 6_000;
    expect(catalog.deleteBoard(s19.id)).toBe(true);

    expect(catalog.getBoard(s19.id)).toBeUndefined();
    expect(catalog.listBoards()).toEqual([]);
    expect(catalog.findBoard('Bitmain', 'S19')).toBeUndefined();
    expect(catalog.getBoard(s19.id, { removed: true })).toMatchObject({ model: 'S19', removedAt: 6_000 });
    expect(catalog.listBoards({ removed: true }).map((b) => b.id)).toEqual([s19.id]);
    expect(catalog.listReferences(s19.id)).toEqual([]);
    expect(catalog.countEmbeddings('m')).toBe(0);
    // the history row still names the board
    expect(catalog.queryRecognitions({ boardId: s19.id, limit: 5, offset: 0 }).rows).toEqual([rec]);
    // removed boards cannot be edited, given references, or removed twice
    expect(() => catalog.updateBoard(s19.id, { notes: 'x' })).toThrow(/does not exist/);
    expect(() => catalog.addReference(newReference(s19.id, 2))).toThrow(/does not exist/);
    expect(catalog.deleteBoard(s19.id)).toBe(false);

    const again = catalog.createBoard({ vendor: 'bitmain', model: 's19', kind: 'hashboard' });
    expect(again.id).not.toBe(s19.id);
    expect(catalog.integrityCheck()).toBe('ok');
  });

  it('the catalog version moves with boards, references and embeddings, not with history', () => {
    const catalog = tmp.open();
    const v0 = catalog.catalogVersion();
    const board = catalog.createBoard({ vendor: 'V', model: 'a', kind: 'hashboard' });
    const v1 = catalog.catalogVersion();
    expect(v1).toBeGreaterThan(v0);
    catalog.insertRecognition({
      at: 1,
      camera: 'c',
      slot: 's',
      boardId: board.id,
      score: 1,
      margin: 1,
      topk: [],
      modelId: 'm',
    });
    catalog.setSetting('x', 'y');
    expect(catalog.catalogVersion()).toBe(v1);
    const ref = catalog.addReference(newReference(board.id, 1), { modelId: 'm', vector: vector(4, 1) });
    const v2 = catalog.catalogVersion();
    expect(v2).toBeGreaterThan(v1);
    catalog.deleteReference(ref.id);
    expect(catalog.catalogVersion()).toBeGreaterThan(v2);
  });

  it('migrating a schema-2 database keeps its data and starts ids after every id its history names', () => {
    const path = join(tmp.dir(), 'old.db');
    const migrations = loadMigrations();
    const old = openDatabase(path, { migrations: migrations.slice(0, 2) });
    expect(schemaVersion(old)).toBe(2);
    const insertBoard = old.prepare(
      "INSERT INTO boards (id, vendor, model, kind, created_at, updated_at) VALUES (?, 'V', ?, 'hashboard', 1, 1)",
    );
    insertBoard.run(1, 'kept');
    insertBoard.run(7, 'deleted before the upgrade');
    old
      .prepare(
        `INSERT INTO recognitions (at, camera, slot, board_id, score, margin, topk, model_id)
         VALUES (1, 'c', 's', 1, 0.9, 0.2, '[{"boardId":1,"score":0.9},{"boardId":9,"score":0.5}]', 'm')`,
      )
      .run();
    old.prepare('DELETE FROM boards WHERE id = 7').run();
    old.close();

    const catalog = Catalog.open(path);
    try {
      expect(catalog.listBoards().map((b) => [b.id, b.model, b.removedAt])).toEqual([[1, 'kept', null]]);
      expect(catalog.queryRecognitions({ limit: 5, offset: 0 }).rows[0]?.boardId).toBe(1);
      // board 9 only survives in a top-k list, and is still not reused
      expect(catalog.createBoard({ vendor: 'V', model: 'new', kind: 'hashboard' }).id).toBe(10);
      expect(catalog.integrityCheck()).toBe('ok');
    } finally {
      catalog.close();
    }
  });
});
