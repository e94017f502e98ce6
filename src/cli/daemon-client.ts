import type { Config } from '../config/schema.ts';
import { BenchsightError } from '../errors.ts';

/**
 * Calls the running daemon's API. Returns null when no daemon listens (connection refused), so a
 * command can fall back to working on the database directly.
 */
export async function daemonRequest(
  config: Readonly<Config>,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<unknown | null> {
  const host =
    config.server.host === '0.0.0.0' || config.server.host === '::' ? '127.0.0.1' : config.server.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${config.server.port}${path}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        // with auth on, scripts use an admin token from auth.tokens
        ...(process.env.BENCHSIGHT_TOKEN ? { authorization: `Bearer ${process.env.BENCHSIGHT_TOKEN}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code;
    if (code === 'ECONNREFUSED') return null;
    throw new BenchsightError(
      'E_DEPENDENCY',
      `the daemon at ${url} did not answer: ${(err as Error).message}`,
    );
  }
  const json = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!res.ok) {
    throw new BenchsightError(
      'E_BAD_REQUEST',
      `the daemon refused: ${json.error?.message ?? `HTTP ${res.status}`}`,
    );
  }
  return json;
}
