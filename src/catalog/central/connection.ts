import pg from 'pg';
import { BenchsightError, errorMessage } from '../../errors.ts';
import { redactUrl } from './url.ts';

export interface CentralConnectOptions {
  /** postgres://user@host:5432/db?sslmode=require */
  url: string;
  /** replaces the URL's password (BENCHSIGHT_CENTRAL_PASSWORD keeps it out of the file) */
  password?: string | undefined;
  /** who is connecting, shown in pg_stat_activity */
  box: string;
  connectTimeoutMs?: number;
}

/** The URL with the password put in (pg takes the URL's fields over separate options). */
function withPassword(url: string, password: string | undefined): string {
  if (!password) return url;
  const u = new URL(url);
  u.password = encodeURIComponent(password);
  return u.toString();
}

// bigint (int8) as a JS number: revisions, ids and ms times stay far below 2^53.
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as never,
};

/**
 * A PostgreSQL error as a benchsight error saying what to fix: the login refused (28P01 / 28000),
 * the server unreachable (refused, timed out, name unknown), or the schema missing or behind.
 */
export function centralError(err: unknown, url: string): BenchsightError {
  if (err instanceof BenchsightError) return err;
  const code = (err as { code?: string }).code ?? '';
  const where = redactUrl(url);
  if (code === '28P01' || code === '28000') {
    return new BenchsightError(
      'E_CENTRAL_AUTH',
      `the central PostgreSQL ${where} refused the login (${errorMessage(err)}); check the user in central.url and the password (BENCHSIGHT_CENTRAL_PASSWORD)`,
      { status: 503, cause: err },
    );
  }
  if (code === '42P01' || code === '3F000') {
    return new BenchsightError(
      'E_CENTRAL_SCHEMA',
      `the central PostgreSQL ${where} has no benchsight schema (${errorMessage(err)}); run \`benchsight central init\``,
      { status: 503, cause: err },
    );
  }
  return new BenchsightError(
    'E_CENTRAL_UNREACHABLE',
    `the central PostgreSQL ${where} cannot be reached (${errorMessage(err)}); check that it runs and that central.url names it`,
    { status: 503, cause: err },
  );
}

/**
 * One connection to the central side. Its 'error' event (the server went away while idle) is taken
 * here, never left to crash the process; the owner learns of it from `lost`.
 */
export async function connectCentral(
  opts: CentralConnectOptions,
  lost: (err: Error) => void,
): Promise<pg.Client> {
  let connectionString: string;
  try {
    connectionString = withPassword(opts.url, opts.password);
  } catch (err) {
    throw new BenchsightError(
      'E_CONFIG',
      `central.url is not a URL (${errorMessage(err)}): expected postgres://user@host:5432/database`,
    );
  }
  const client = new pg.Client({
    connectionString,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
    application_name: `benchsight ${opts.box}`.slice(0, 63),
    types,
  });
  client.on('error', lost);
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw centralError(err, opts.url);
  }
  return client;
}

export type CentralClient = pg.Client;
