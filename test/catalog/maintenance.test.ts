import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/catalog/db.ts';
import { Catalog } from '../../src/catalog/index.ts';
import { catchError, fakeJpeg, newReference, useTempDir, vector } from './helpers.ts';

describe('Catalog maintenance', () => {
  const tmp = useTempDir();

  it('backs up online to a database that opens with the same rows and passes integrity_check', async () => {
    const dir = tmp.dir();
    const catalog = tmp.open();
    const board = catalog.createBoard({ vendor: 'Bitmain', model: 'S19', kind: 'hashboard', tags: ['x'] });
    const ref = catalog.addReference(newReference(board.id, 1), { modelId: 'm', vector: vector(4, 1) });
    catalog.insertRecognition({
      at: 10,
      camera: 'c',
      slot: 's',
      boardId: board.id,
      score: 1,
      margin: 0.5,
      topk: [{ boardId: board.id, score: 1 }],
      modelId: 'm',
      thumbnail: fakeJpeg(2),
    });
    catalog.setSetting('activeModel', 'm');

    const dest = join(dir, 'backups', '2024-01-01', 'catalog.db');
    await catalog.backup(dest);
    // the source stays usable during and after the backup
    catalog.createBoard({ vendor: 'Bitmain', model: 'S21', kind: 'hashboard' });

    const copy = Catalog.open(dest);
    try {
      expect(copy.integrityCheck()).toBe('ok');
      expect(copy.listBoards().map((b) => b.model)).toEqual(['S19']);
      expect(copy.getBoard(board.id)).toEqual(board);
      expect(copy.listReferences(board.id)).toEqual([ref]);
      expect(copy.getReferenceImage(ref.id)?.equals(newReference(board.id, 1).image)).toBe(true);
      expect(Array.from(copy.loadEmbeddings('m').matrix)).toEqual(Array.from(vector(4, 1)));
      expect(copy.queryRecognitions({ limit: 10, offset: 0 }).total).toBe(1);
      expect(copy.getSetting('activeModel')).toBe('m');
    } finally {
      copy.close();
    }
    expect(catalog.listBoards()).toHaveLength(2);
    await expect(catalog.backup(catalog.path)).rejects.toMatchObject({ code: 'E_BAD_REQUEST' });
  });

  it('settings are a small key/value store', () => {
    const catalog = tmp.open();
    expect(catalog.getSetting('activeModel')).toBeUndefined();
    catalog.setSetting('activeModel', 'clip-b32');
    catalog.setSetting('activeModel', 'dinov2-s');
    catalog.setSetting('empty', '');
    expect(catalog.getSetting('activeModel')).toBe('dinov2-s');
    expect(catalog.getSetting('empty')).toBe('');
    expect(catalog.deleteSetting('activeModel')).toBe(true);
    expect(catalog.getSetting('activeModel')).toBeUndefined();
  });

  it('transaction commits together or not at all, and nests', () => {
    const catalog = tmp.open();
    const result = catalog.transaction(() => {
      catalog.createBoard({ vendor: 'A', model: '1', kind: 'other' });
      catalog.transaction(() => catalog.createBoard({ vendor: 'A', model: '2', kind: 'other' }));
      return 'done';
    });
    expect(result).toBe('done');
    expect(() =>
      catalog.transaction(() => {
        catalog.createBoard({ vendor: 'A', model: '3', kind: 'other' });
        catalog.createBoard({ vendor: 'A', model: '1', kind: 'other' }); // conflict
      }),
    ).toThrow(/already exists/);
    expect(catalog.listBoards().map((b) => b.model)).toEqual(['1', '2']);
  });

  it('a full disk is E_DB_WRITE 507 with a message that says so', () => {
    const path = join(tmp.dir(), 'catalog.db');
    const db = openDatabase(path);
    const catalog = new Catalog(db);
    try {
      const board = catalog.createBoard({ vendor: 'A', model: 'B', kind: 'hashboard' });
      // stands in for a full disk: SQLite reports SQLITE_FULL the same way when it hits max_page_count
      const pages = db.pragma('page_count', { simple: true }) as number;
      db.pragma(`max_page_count = ${pages + 2}`);
      const err = catchError(() =>
        catalog.addReference(newReference(board.id, 1, { image: fakeJpeg(1, 200_000) }), {
          modelId: 'm',
          vector: vector(4, 1),
        }),
      );
      expect(err).toMatchObject({ code: 'E_DB_WRITE', status: 507 });
      expect(err.message).toMatch(/disk .* is full/);
      expect(catalog.listReferences(board.id)).toEqual([]);
    } finally {
      catalog.close();
    }
    expect(catalog.isOpen).toBe(false);
    catalog.close(); // closing twice is harmless
  });
});
