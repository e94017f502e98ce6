import { BenchsightError } from '../../errors.ts';
import { loadMigrations, type Migration } from '../db.ts';
import type { CentralClient } from './connection.ts';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
/** One migrator at a time, whatever box or command starts it. */
const MIGRATE_LOCK = "hashtext('benchsight central migrate')";

export function centralMigrations(): Migration[] {
  return loadMigrations(MIGRATIONS_DIR);
}

/** The central schema's version: 0 when `benchsight central init` never ran there. */
export async function centralSchemaVersion(client: CentralClient): Promise<number> {
  const { rows } = await client.query<{ present: boolean }>(
    "SELECT to_regclass('central_migrations') IS NOT NULL AS present",
  );
  if (!rows[0]?.present) return 0;
  const v = await client.query<{ version: number | null }>(
    'SELECT max(version) AS version FROM central_migrations',
  );
  return v.rows[0]?.version ?? 0;
}

/** Throws E_CENTRAL_SCHEMA unless the central schema is exactly the one this benchsight knows. */
export async function requireCentralSchema(client: CentralClient): Promise<void> {
  const latest = centralMigrations().length;
  const version = await centralSchemaVersion(client);
  if (version === latest) return;
  throw new BenchsightError(
    'E_CENTRAL_SCHEMA',
    version < latest
      ? `the central schema is at version ${version}, this benchsight needs ${latest}: run \`benchsight central init\``
      : `the central schema is at version ${version}, newer than this benchsight knows (${latest}): upgrade benchsight on this box`,
    { status: 503 },
  );
}

/**
 * Creates or migrates the central schema: the numbered migrations not applied yet, in one
 * transaction, each recorded in central_migrations. Returns the versions applied.
 */
export async function migrateCentral(client: CentralClient): Promise<{ from: number; to: number }> {
  const migrations = centralMigrations();
  await client.query('BEGIN');
  try {
    await client.query(`SELECT pg_advisory_xact_lock(${MIGRATE_LOCK})`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS central_migrations (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const from = await centralSchemaVersion(client);
    if (from > migrations.length) {
      throw new BenchsightError(
        'E_CENTRAL_SCHEMA',
        `the central schema is at version ${from}, newer than this benchsight knows (${migrations.length}): upgrade benchsight`,
      );
    }
    for (const m of migrations.slice(from)) {
      await client.query(m.sql);
      await client.query('INSERT INTO central_migrations (version, name) VALUES ($1, $2)', [
        m.version,
        m.name,
      ]);
    }
    await client.query('COMMIT');
    return { from, to: migrations.length };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
