import BetterSqlite3 from 'better-sqlite3';
import { BenchsightError, errorMessage } from '../errors.ts';

/** The extended SQLite result code ('SQLITE_CONSTRAINT_UNIQUE', ...) of an error, if it is one. */
export function sqliteCode(err: unknown): string | undefined {
  return err instanceof BetterSqlite3.SqliteError ? err.code : undefined;
}

export function isUniqueViolation(err: unknown): boolean {
  const code = sqliteCode(err);
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Turns an SQLite error into a BenchsightError with a code the API maps to a status, and a message that
 * says what to do. `doing` describes the operation ("adding a reference to board 3").
 */
export function toBenchsightError(err: unknown, doing: string, dbPath: string): unknown {
  if (err instanceof BenchsightError) return err;
  const code = sqliteCode(err);
  if (code === undefined) return err;
  const detail = errorMessage(err);
  if (isUniqueViolation(err)) {
    return new BenchsightError('E_CONFLICT', `${doing}: already exists (${detail})`, {
      status: 409,
      cause: err,
    });
  }
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    return new BenchsightError('E_NOT_FOUND', `${doing}: a row it refers to does not exist`, {
      status: 404,
      cause: err,
    });
  }
  if (code.startsWith('SQLITE_CONSTRAINT')) {
    return new BenchsightError('E_BAD_REQUEST', `${doing}: invalid value (${detail})`, {
      status: 400,
      cause: err,
    });
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return new BenchsightError(
      'E_DB_CORRUPT',
      `${doing}: database ${dbPath} is damaged (${detail}); restore a backup (benchsight catalog restore)`,
      { status: 500, cause: err },
    );
  }
  if (code === 'SQLITE_NOTADB') {
    return new BenchsightError(
      'E_DB_FOREIGN',
      `${doing}: ${dbPath} is not an SQLite database (${detail}); check the path`,
      { status: 500, cause: err },
    );
  }
  if (code === 'SQLITE_FULL') {
    return new BenchsightError(
      'E_DB_WRITE',
      `${doing}: the disk holding ${dbPath} is full; free some space (or prune old recognition thumbnails)`,
      { status: 507, cause: err },
    );
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return new BenchsightError(
      'E_DB_WRITE',
      `${doing}: database ${dbPath} is read-only; check the file's permissions and that the disk is not mounted read-only`,
      { status: 503, cause: err },
    );
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new BenchsightError(
      'E_DB_WRITE',
      `${doing}: disk I/O error on ${dbPath} (${detail}); the disk may be full, read-only or failing`,
      { status: 503, cause: err },
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new BenchsightError(
      'E_DB_WRITE',
      `${doing}: database ${dbPath} is locked by another process; stop the other benchsight process and retry`,
      { status: 503, cause: err },
    );
  }
  return err;
}
