import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { BenchsightError, errorMessage } from '../errors.ts';
import { toBenchsightError } from './sqlite-errors.ts';

export type Database = BetterSqlite3.Database;

export interface Migration {
  /** 1, 2, ... from the file name 001_init.sql */
  version: number;
  name: string;
  sql: string;
}

export interface OpenDatabaseOptions {
  /** open an existing, up-to-date database without writing to it */
  readonly?: boolean;
  /** defaults to the .sql files next to this module */
  migrations?: readonly Migration[];
  /** Quota: writes that would grow the file past this fail with E_DB_WRITE (SQLITE_FULL). */
  maxBytes?: number;
}

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
const MIGRATION_FILE = /^(\d{3})_[a-z0-9_-]+\.sql$/;
const BUSY_TIMEOUT_MS = 5000;

/** Reads migrations/NNN_name.sql, checking they are numbered 1, 2, 3... without gaps. */
export function loadMigrations(dir: URL | string = MIGRATIONS_DIR): Migration[] {
  const path = typeof dir === 'string' ? dir : fileURLToPath(dir);
  const migrations = readdirSync(path)
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name, index) => {
      const match = MIGRATION_FILE.exec(name);
      const version = Number(match?.[1]);
      if (!match || version !== index + 1) {
        throw new BenchsightError(
          'E_DB_MIGRATION',
          `migration file ${name} in ${path} is misnamed: expected ${String(index + 1).padStart(3, '0')}_<name>.sql ` +
            '(files are numbered 001, 002, ... without gaps)',
        );
      }
      return { version, name, sql: readFileSync(`${path}/${name}`, 'utf8') };
    });
  return migrations;
}

/**
 * Opens (creating if needed) the catalog database and brings its schema up to date.
 * WAL lets the dashboard read while the pipeline writes; foreign keys keep references tied to boards.
 */
export function openDatabase(path: string, opts: OpenDatabaseOptions = {}): Database {
  const readonly = opts.readonly ?? false;
  const migrations = opts.migrations ?? loadMigrations();
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory && !readonly) mkdirSync(dirname(path), { recursive: true });

  let db: Database;
  try {
    db = new BetterSqlite3(path, { readonly, fileMustExist: readonly });
  } catch (err) {
    throw new BenchsightError(
      'E_DB_MIGRATION',
      `cannot open database ${path}: ${errorMessage(err)}; check the path and its permissions`,
      { cause: err },
    );
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('foreign_keys = ON');
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      // FULL: a committed write survives a power cut, not only a crash; commits are rare here.
      db.pragma('synchronous = FULL');
    }
    migrate(db, path, migrations, readonly);
    if (opts.maxBytes) {
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      db.pragma(`max_page_count = ${Math.max(1, Math.floor(opts.maxBytes / pageSize))}`);
    }
    return db;
  } catch (err) {
    db.close();
    if (err instanceof BenchsightError) throw err;
    const mapped = toBenchsightError(err, 'opening the database', path);
    if (mapped instanceof BenchsightError) throw mapped;
    throw new BenchsightError(
      'E_DB_MIGRATION',
      `cannot use database ${path}: ${errorMessage(err)}; is it a benchsight database?`,
      { cause: err },
    );
  }
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * A database at schema version 0 is either new (no tables: migrations create them) or not ours:
 * another program's SQLite file must not get our tables written into it, and an empty file is no
 * catalog to read or restore.
 */
export function refuseForeign(db: Database, path: string, readonly: boolean): void {
  const tables = (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as {
      name: string;
    }[]
  ).map((t) => t.name);
  if (tables.length > 0) {
    throw new BenchsightError(
      'E_DB_FOREIGN',
      `${path} is not a benchsight database: it holds other tables (${tables.slice(0, 5).join(', ')}) ` +
        'and no benchsight schema version; check the path (a file written by `benchsight catalog backup`, or data.dir)',
    );
  }
  if (readonly) {
    throw new BenchsightError(
      'E_DB_FOREIGN',
      `${path} is an empty SQLite database, not a benchsight catalog; check the path ` +
        '(a file written by `benchsight catalog backup`, or data.dir)',
    );
  }
}

function migrate(db: Database, path: string, migrations: readonly Migration[], readonly: boolean): void {
  const latest = migrations.length;
  const refuseNewer = (version: number): void => {
    if (version > latest) {
      throw new BenchsightError(
        'E_DB_NEWER',
        `database ${path} is at schema version ${version} but this benchsight knows up to ${latest}; ` +
          'upgrade benchsight or restore a backup',
      );
    }
  };
  const current = schemaVersion(db);
  refuseNewer(current);
  if (current === latest) return;
  if (current === 0) refuseForeign(db, path, readonly);
  if (readonly) {
    throw new BenchsightError(
      'E_DB_MIGRATION',
      `database ${path} is at schema version ${current} and needs ${latest}; ` +
        'open it once read-write (start the daemon) to upgrade it',
    );
  }
  // Foreign keys off while migrating, so a later migration may rebuild a table (SQLite's ALTER recipe);
  // foreign_key_check before commit proves the result is still consistent. IMMEDIATE: two processes
  // starting together must not both migrate.
  db.pragma('foreign_keys = OFF');
  try {
    db.transaction(() => {
      const version = schemaVersion(db);
      refuseNewer(version);
      for (const migration of migrations.slice(version)) {
        try {
          db.exec(migration.sql);
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length > 0) throw new Error(`${broken.length} rows break a foreign key`);
        } catch (err) {
          throw new BenchsightError(
            'E_DB_MIGRATION',
            `migration ${migration.name} failed on ${path}: ${errorMessage(err)}; ` +
              `the database was left unchanged at schema version ${version}`,
            { cause: err },
          );
        }
        db.pragma(`user_version = ${migration.version}`);
      }
    }).immediate();
  } finally {
    db.pragma('foreign_keys = ON');
  }
}
