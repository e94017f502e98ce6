import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = '/usr/lib/postgresql';

/** The newest Debian PostgreSQL's bin folder (initdb, pg_ctl are not on the PATH); null: not installed. */
export function postgresBinDir(): string | null {
  if (!existsSync(ROOT)) return null;
  const versions = readdirSync(ROOT)
    .filter((v) => existsSync(join(ROOT, v, 'bin', 'initdb')) && existsSync(join(ROOT, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(ROOT, versions[0], 'bin') : null;
}

export const POSTGRES_MISSING =
  "PostgreSQL is not installed (no initdb / pg_ctl under /usr/lib/postgresql/<version>/bin): install Debian's postgresql package; `npm test` does it as root (node scripts/setup.mjs --test)";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * A PostgreSQL cluster of its own for one test file or benchmark: initdb in a temporary folder, a free loopback
 * port, password login (scram) for the user `benchsight`. initdb refuses to run as root: as root it
 * runs as Debian's postgres user.
 */
export class TestPostgres {
  readonly password = 'central-test-password';
  readonly #bin: string;
  readonly #dir: string;
  readonly port: number;
  readonly #owner: { uid: number; gid: number } | null;
  readonly #fsync: boolean;

  private constructor(
    bin: string,
    dir: string,
    port: number,
    owner: { uid: number; gid: number } | null,
    fsync: boolean,
  ) {
    this.#bin = bin;
    this.#dir = dir;
    this.port = port;
    this.#owner = owner;
    this.#fsync = fsync;
  }

  /** `fsync`: commits reach the disk, as on a real central server (the benchmark); tests skip it. */
  static async create(opts: { fsync?: boolean } = {}): Promise<TestPostgres> {
    const bin = postgresBinDir();
    if (!bin) throw new Error(POSTGRES_MISSING);
    const dir = mkdtempSync(join(tmpdir(), 'bs-pg-'));
    let owner: { uid: number; gid: number } | null = null;
    if (process.getuid?.() === 0) {
      owner = {
        uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
        gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
      };
      chownSync(dir, owner.uid, owner.gid);
    }
    const pg = new TestPostgres(bin, dir, await freePort(), owner, opts.fsync ?? false);
    const pwfile = join(dir, 'pw');
    writeFileSync(pwfile, pg.password);
    if (owner) chownSync(pwfile, owner.uid, owner.gid);
    await pg.#tool('initdb', [
      '-D',
      join(dir, 'data'),
      '-U',
      'benchsight',
      '--auth=scram-sha-256',
      `--pwfile=${pwfile}`,
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    await pg.start();
    return pg;
  }

  /** postgres://benchsight@127.0.0.1:<port>/postgres, with a password when given. */
  url(password?: string): string {
    const auth = password === undefined ? 'benchsight' : `benchsight:${encodeURIComponent(password)}`;
    return `postgres://${auth}@127.0.0.1:${this.port}/postgres`;
  }

  async start(): Promise<void> {
    await this.#tool('pg_ctl', [
      '-D',
      join(this.#dir, 'data'),
      '-l',
      join(this.#dir, 'log'),
      '-w',
      '-t',
      '120',
      '-o',
      `-c listen_addresses=127.0.0.1 -p ${this.port} -c unix_socket_directories=${this.#dir} -c fsync=${this.#fsync ? 'on' : 'off'}`,
      'start',
    ]);
  }

  /** Stops the server (fast: open connections are cut, as when the central server goes away). */
  async stop(): Promise<void> {
    await this.#tool('pg_ctl', ['-D', join(this.#dir, 'data'), '-w', '-t', '120', '-m', 'fast', 'stop']);
  }

  async dispose(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.#dir, { recursive: true, force: true });
  }

  async #tool(name: string, args: string[]): Promise<void> {
    const path = join(this.#bin, name);
    const [cmd, argv] = this.#owner ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
    await run(cmd, argv, { cwd: this.#dir, timeout: 180_000 });
  }
}
