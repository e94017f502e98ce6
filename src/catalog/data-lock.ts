import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { BenchsightError } from '../errors.ts';
import { sqliteCode } from './sqlite-errors.ts';

const LOCK_FILE = 'benchsight.lock';
/** Who holds the lock, for messages only: the lock itself is the OS lock on LOCK_FILE. */
const HOLDER_FILE = 'benchsight.lock.holder';

/**
 * The data directory's lock: the running daemon holds it for its whole life, and `catalog restore`
 * while it replaces the database, so neither can pull the database from under the other (a daemon
 * started with --port on another port is still found: this is not a port probe).
 *
 * It is SQLite's EXCLUSIVE lock on <data dir>/benchsight.lock, a POSIX record lock (fcntl) held by
 * the process: the kernel drops it when the process ends, however it ends (kill -9, a crash, a
 * power cut), so a stale lock cannot block anything. The file left behind is harmless.
 */
export class DataDirLock {
  readonly #db: BetterSqlite3.Database;

  private constructor(db: BetterSqlite3.Database) {
    this.#db = db;
  }

  /** Takes the lock at once or throws E_CONFLICT naming its holder; `holder` says who we are. */
  static acquire(dir: string, holder: string): DataDirLock {
    mkdirSync(dir, { recursive: true });
    const db = new BetterSqlite3(join(dir, LOCK_FILE), { timeout: 0 });
    try {
      // held from the first write until the connection closes
      db.pragma('locking_mode = EXCLUSIVE');
      db.exec('BEGIN EXCLUSIVE');
      db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER)');
      db.exec('COMMIT');
    } catch (err) {
      db.close();
      if (sqliteCode(err)?.startsWith('SQLITE_BUSY')) {
        throw new BenchsightError(
          'E_CONFLICT',
          `${DataDirLock.holder(dir) ?? 'another benchsight process'} is using the data directory ${dir}; ` +
            'stop it first (systemctl stop benchsight), then try again',
          { status: 409 },
        );
      }
      throw err;
    }
    writeFileSync(
      join(dir, HOLDER_FILE),
      `${holder} (pid ${process.pid}, since ${new Date().toISOString()})\n`,
    );
    return new DataDirLock(db);
  }

  /** Who took the lock last, as it described itself; null when unknown. */
  static holder(dir: string): string | null {
    try {
      return readFileSync(join(dir, HOLDER_FILE), 'utf8').trim() || null;
    } catch {
      return null;
    }
  }

  release(): void {
    if (this.#db.open) this.#db.close();
  }
}
