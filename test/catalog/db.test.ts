import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMigrations, openDatabase, schemaVersion } from '../../src/catalog/db.ts';
import { Catalog } from '../../src/catalog/index.ts';
import { catchError, useTempDir } from './helpers.ts';

const TABLES = [
  'board_references',
  'boards',
  'catalog_version',
  'central_ids',
  'central_link',
  'central_outbox',
  'central_unit_ids',
  'embeddings',
  'inspection_maps',
  'recognition_text',
  'recognitions',
  'reference_features',
  'reference_id_watermark',
  'settings',
  'unit_conflicts',
  'unit_notes',
  'unit_recognitions',
  'unit_status_changes',
  'unit_visits',
  'units',
];

describe('openDatabase', () => {
  const tmp = useTempDir();

  it('migrates an empty file to the latest schema, with STRICT tables, WAL and foreign keys', () => {
    const path = join(tmp.dir(), 'nested', 'deeper', 'catalog.db');
    const db = openDatabase(path);
    try {
      expect(existsSync(path)).toBe(true);
      expect(schemaVersion(db)).toBe(loadMigrations().length);
      expect(schemaVersion(db)).toBeGreaterThanOrEqual(1);
      const tables = db
        .prepare(
          "SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'",
        )
        .all() as { name: string; strict: number }[];
      expect(tables.map((t) => t.name).sort()).toEqual(TABLES);
      expect(tables.every((t) => t.strict === 1)).toBe(true);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL: commits survive a power cut
      expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });

  it('STRICT tables reject a value of the wrong type', () => {
    const db = openDatabase(join(tmp.dir(), 'catalog.db'));
    try {
      const insert = db.prepare(
        `INSERT INTO boards (vendor, model, kind, chip_count, created_at, updated_at)
         VALUES ('Bitmain', 'S19', 'hashboard', ?, 0, 0)`,
      );
      expect(() => insert.run('seventy-six')).toThrow(/cannot store TEXT value in INTEGER column/);
      expect(() => db.prepare("INSERT INTO settings (key, value) VALUES ('k', x'00')").run()).toThrow(
        /cannot store BLOB value in TEXT column/,
      );
      expect(() =>
        db
          .prepare(
            "INSERT INTO boards (vendor, model, kind, created_at, updated_at) VALUES ('A', 'B', 'toaster', 0, 0)",
          )
          .run(),
      ).toThrow(/CHECK constraint failed/);
    } finally {
      db.close();
    }
  });

  it('reopening is idempotent and keeps the data', () => {
    tmp.dir();
    const first = tmp.open();
    first.createBoard({ vendor: 'Bitmain', model: 'S19j Pro', kind: 'hashboard' });
    first.close();
    const again = tmp.open();
    expect(again.listBoards().map((b) => b.model)).toEqual(['S19j Pro']);
    again.close();
    const db = openDatabase(again.path);
    expect(schemaVersion(db)).toBe(loadMigrations().length);
    db.close();
  });

  it('refuses a database from a newer benchsight with E_DB_NEWER', () => {
    const path = join(tmp.dir(), 'catalog.db');
    const db = openDatabase(path);
    db.pragma('user_version = 999');
    db.close();
    const err = catchError(() => openDatabase(path));
    expect(err.code).toBe('E_DB_NEWER');
    expect(err.message).toContain(
      `database ${path} is at schema version 999 but this benchsight knows up to ${loadMigrations().length}`,
    );
    expect(err.message).toContain('upgrade benchsight or restore a backup');
    expect(catchError(() => Catalog.open(path)).code).toBe('E_DB_NEWER');
  });

  it('applies all pending migrations in one transaction: a failing one leaves the file untouched', () => {
    const path = join(tmp.dir(), 'catalog.db');
    const migrations = [
      { version: 1, name: '001_a.sql', sql: 'CREATE TABLE a (x INTEGER) STRICT;' },
      { version: 2, name: '002_b.sql', sql: 'CREATE TABLE b (x INTEGER) STRICT; CREATE TABLE oops (' },
    ];
    const err = catchError(() => openDatabase(path, { migrations }));
    expect(err.code).toBe('E_DB_MIGRATION');
    expect(err.message).toContain('002_b.sql');
    const db = openDatabase(path, { migrations: [] });
    expect(schemaVersion(db)).toBe(0);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name IN ('a', 'b')").get()).toEqual({
      n: 0,
    });
    db.close();
  });

  it('upgrades an older database with only the pending migrations, and checks foreign keys before commit', () => {
    const path = join(tmp.dir(), 'catalog.db');
    const m1 = { version: 1, name: '001_a.sql', sql: 'CREATE TABLE a (id INTEGER PRIMARY KEY) STRICT;' };
    const m2 = {
      version: 2,
      name: '002_b.sql',
      sql: 'CREATE TABLE b (a_id INTEGER REFERENCES a (id)) STRICT; INSERT INTO a (id) VALUES (1);',
    };
    openDatabase(path, { migrations: [m1] }).close();
    const db = openDatabase(path, { migrations: [m1, m2] });
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare('SELECT id FROM a').pluck().all()).toEqual([1]);
    db.close();

    const orphan = { version: 3, name: '003_c.sql', sql: 'INSERT INTO b (a_id) VALUES (42);' };
    const err = catchError(() => openDatabase(path, { migrations: [m1, m2, orphan] }));
    expect(err.code).toBe('E_DB_MIGRATION');
    expect(err.message).toMatch(/003_c\.sql.*foreign key/);
    const after = openDatabase(path, { migrations: [m1, m2] });
    expect(after.prepare('SELECT count(*) FROM b').pluck().get()).toBe(0);
    after.close();
  });

  it('read-only: refuses a database that needs migrating, and writes fail with E_DB_WRITE', () => {
    const path = join(tmp.dir(), 'catalog.db');
    openDatabase(path, { migrations: [] }).close();
    // an empty file is no catalog: not told to "upgrade" it by starting the daemon
    const empty = catchError(() => openDatabase(path, { readonly: true }));
    expect(empty.code).toBe('E_DB_FOREIGN');
    expect(empty.message).toContain('is an empty SQLite database, not a benchsight catalog');
    openDatabase(path, { migrations: loadMigrations().slice(0, 1) }).close();
    expect(catchError(() => openDatabase(path, { readonly: true })).code).toBe('E_DB_MIGRATION');
    openDatabase(path).close();
    const ro = Catalog.open(path, { readonly: true });
    try {
      expect(ro.listBoards()).toEqual([]);
      const err = catchError(() => ro.createBoard({ vendor: 'A', model: 'B', kind: 'other' }));
      expect(err.code).toBe('E_DB_WRITE');
      expect(err.status).toBe(503);
      expect(err.message).toMatch(/read-only/);
    } finally {
      ro.close();
    }
  });

  it('a file that is not a database is reported, not crashed on', () => {
    const path = join(tmp.dir(), 'catalog.db');
    writeFileSync(path, 'this is not sqlite, just text long enough to look like a header '.repeat(20));
    const err = catchError(() => openDatabase(path));
    expect(err.code).toBe('E_DB_FOREIGN');
    expect(err.message).toContain(path);
    expect(err.message).toContain('is not an SQLite database');
  });

  it('migration files must be numbered without gaps', () => {
    const dir = tmp.dir();
    writeFileSync(join(dir, '001_init.sql'), 'SELECT 1;');
    writeFileSync(join(dir, '003_late.sql'), 'SELECT 1;');
    expect(catchError(() => loadMigrations(dir)).code).toBe('E_DB_MIGRATION');
    expect(loadMigrations().map((m) => m.name)[0]).toBe('001_init.sql');
  });
});
