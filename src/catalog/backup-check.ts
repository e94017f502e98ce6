import BetterSqlite3 from 'better-sqlite3';
import { BenchsightError, errorMessage } from '../errors.ts';
import { loadMigrations, refuseForeign } from './db.ts';
import { sqliteCode, toBenchsightError } from './sqlite-errors.ts';

interface ForeignKeyProblem {
  table: string;
  parent: string;
}

/**
 * Checks a backup before it is trusted: a benchsight database (not an empty or foreign file), not
 * newer than this code, that passes SQLite's integrity_check and foreign_key_check (integrity_check
 * alone passes references whose board is missing). Opened read-only; an older schema is fine (the
 * daemon upgrades it on start). Throws E_DB_FOREIGN, E_DB_NEWER or E_DB_CORRUPT naming the file.
 */
export function checkBackupFile(path: string): { boards: number } {
  let db: BetterSqlite3.Database;
  try {
    db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new BenchsightError('E_DB_FOREIGN', `cannot open ${path}: ${errorMessage(err)}`, { cause: err });
  }
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    const latest = loadMigrations().length;
    if (version > latest) {
      throw new BenchsightError(
        'E_DB_NEWER',
        `${path} is at schema version ${version} but this benchsight knows up to ${latest}; upgrade benchsight first`,
      );
    }
    if (version === 0) refuseForeign(db, path, true);
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'boards'").get()) {
      throw new BenchsightError(
        'E_DB_FOREIGN',
        `${path} is not a benchsight database: it has no boards table`,
      );
    }
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map(
      (r) => r.integrity_check,
    );
    if (integrity.join('\n') !== 'ok') {
      throw new BenchsightError(
        'E_DB_CORRUPT',
        `${path} is damaged (integrity_check: ${integrity.slice(0, 3).join('; ')}); use another backup`,
      );
    }
    const orphans = db.pragma('foreign_key_check') as ForeignKeyProblem[];
    if (orphans.length > 0) {
      const kinds = new Map<string, number>();
      for (const o of orphans)
        kinds.set(`${o.table} -> ${o.parent}`, (kinds.get(`${o.table} -> ${o.parent}`) ?? 0) + 1);
      throw new BenchsightError(
        'E_DB_CORRUPT',
        `${path} has ${orphans.length} rows that point at missing rows (${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}); ` +
          'it fails foreign_key_check and is not used; use another backup',
      );
    }
    const { n } = db.prepare('SELECT count(*) AS n FROM boards').get() as { n: number };
    return { boards: n };
  } catch (err) {
    if (sqliteCode(err)?.startsWith('SQLITE_CORRUPT')) {
      throw new BenchsightError(
        'E_DB_CORRUPT',
        `${path} is damaged (${errorMessage(err)}); use another backup`,
        {
          cause: err,
        },
      );
    }
    throw toBenchsightError(err, `checking ${path}`, path);
  } finally {
    db.close();
  }
}
