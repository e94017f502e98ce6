import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config/load.ts';
import { configSchema } from '../../src/config/schema.ts';
import { Daemon } from '../../src/main.ts';
import { pattern, TINY_MODEL, tempDir, writeFrames } from '../helpers/daemon.ts';

const run = promisify(execFile);

async function cli(args: string[], env: Record<string, string>) {
  try {
    const r = await run(process.execPath, [join(PACKAGE_ROOT, 'scripts', 'benchsight.mjs'), ...args], {
      env: { ...process.env, BENCHSIGHT_LOG_LEVEL: 'error', BENCHSIGHT_MODEL: TINY_MODEL, ...env },
    });
    return { code: 0, ...r };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

/** Each test starts several node processes (CLI, daemon): slow on a busy 2-core machine. */
const PROCESS_STEPS = 180_000;

describe('catalog backup and restore', { timeout: PROCESS_STEPS }, () => {
  it('backs up online, restores into place keeping the old database, and refuses while the daemon runs', async () => {
    const dir = tempDir('bs-backup-');
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const dataDir = join(dir, 'data');
    const env = { BENCHSIGHT_DATA_DIR: dataDir, BENCHSIGHT_PORT: String(port) };
    const images = join(dir, 'import');
    mkdirSync(images);
    writeFileSync(join(images, 'a.jpg'), await pattern(61));
    writeFileSync(
      join(images, 'boards.yaml'),
      '- { vendor: Bitmain, model: APW12, kind: psu, images: [a.jpg] }\n',
    );
    expect((await cli(['catalog', 'import', images], env)).code).toBe(0);

    const file = join(dir, 'saved.db');
    const backup = await cli(['catalog', 'backup', file], env);
    expect(backup.stdout).toContain('1 boards, integrity ok');
    expect((await cli(['catalog', 'remove', '1'], env)).code).toBe(0);
    expect((await cli(['catalog', 'list'], env)).stdout).toContain('no boards');

    // a running daemon holds the database: restore must refuse
    const frames = join(dir, 'frames');
    writeFrames(frames, [await pattern(62)], 2);
    const daemon = new Daemon(
      configSchema.parse({
        camera: { source: { kind: 'folder', path: frames } },
        model: { name: TINY_MODEL },
        server: { port },
        data: { dir: dataDir },
      }),
      { logger: pino({ level: 'silent' }) },
    );
    await daemon.start();
    try {
      const refused = await cli(['catalog', 'restore', file], env);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('the benchsight daemon (pid ');
      expect(refused.stderr).toContain(`is using the data directory ${dataDir}`);
      expect(refused.stderr).toContain('[E_CONFLICT]');
      // backup works while it runs
      expect((await cli(['catalog', 'backup', join(dir, 'online.db')], env)).stdout).toContain(
        'integrity ok',
      );
    } finally {
      await daemon.stop();
    }

    const restored = await cli(['catalog', 'restore', file], env);
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/previous database was saved as .*before-restore/);
    expect((await cli(['catalog', 'list'], env)).stdout).toContain('Bitmain APW12');
    expect((await cli(['catalog', 'restore', join(dir, 'nope.db')], env)).stderr).toContain('does not exist');
    expect(existsSync(join(dataDir, 'benchsight.db-wal'))).toBe(false);
  });
});

/** A daemon as its own process, as systemd runs it, on a port given with --port only. */
async function spawnDaemon(dir: string, dataDir: string, port: number) {
  const frames = join(dir, 'frames');
  writeFrames(frames, [await pattern(63)], 2);
  const yaml = join(dir, 'bench.yaml');
  writeFileSync(yaml, `camera: { source: { kind: folder, path: ${frames} } }\nocr: { enabled: false }\n`);
  const child = spawn(
    process.execPath,
    [
      join(PACKAGE_ROOT, 'scripts', 'benchsight.mjs'),
      'run',
      '--no-demo',
      '--port',
      String(port),
      '--config',
      yaml,
    ],
    {
      env: {
        ...process.env,
        BENCHSIGHT_DATA_DIR: dataDir,
        BENCHSIGHT_MODEL: TINY_MODEL,
        BENCHSIGHT_LOG_LEVEL: 'error',
      },
      stdio: 'ignore',
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; i < 600; i++) {
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { child, exited };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the daemon did not start');
}

describe('catalog restore and the running daemon: a lock in the data directory, not a port probe', {
  timeout: PROCESS_STEPS,
}, () => {
  it('refuses while a daemon started with --port runs (a board created meanwhile is kept); a kill -9 leaves no lock', async () => {
    const dir = tempDir('bs-restore-lock-');
    const dataDir = join(dir, 'data');
    // the config's port (BENCHSIGHT_PORT) is not the port the daemon listens on
    const env = { BENCHSIGHT_DATA_DIR: dataDir, BENCHSIGHT_PORT: String(await freePort()) };
    expect(
      (await cli(['catalog', 'add', '--vendor', 'Bitmain', '--model', 'APW12', '--kind', 'psu'], env)).code,
    ).toBe(0);
    const file = join(dir, 'saved.db');
    expect((await cli(['catalog', 'backup', file], env)).code).toBe(0);

    const port = await freePort();
    const first = await spawnDaemon(dir, dataDir, port);
    try {
      const refused = await cli(['catalog', 'restore', file], env);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(
        /the benchsight daemon \(pid \d+, since .*\) is using the data directory/,
      );
      expect(refused.stderr).toContain('[E_CONFLICT]');
      const created = await fetch(`http://127.0.0.1:${port}/api/boards`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          vendor: 'Bitmain',
          model: 'S19 made while restore was refused',
          kind: 'hashboard',
        }),
      });
      expect(created.status).toBe(201);
    } finally {
      first.child.kill('SIGTERM');
      await first.exited;
    }
    expect((await cli(['catalog', 'list'], env)).stdout).toContain('S19 made while restore was refused');

    // killed without a chance to clean up: the kernel drops its lock with the process
    const second = await spawnDaemon(dir, dataDir, port);
    second.child.kill('SIGKILL');
    await second.exited;
    const restored = await cli(['catalog', 'restore', file], env);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect((await cli(['catalog', 'list'], env)).stdout).not.toContain('S19 made while restore was refused');
  });
});

describe('catalog restore refuses a bad backup, naming the file and a code', {
  timeout: PROCESS_STEPS,
}, () => {
  it('orphan references (foreign_key_check), damage, an empty and a foreign SQLite file, a text file', async () => {
    const dir = tempDir('bs-restore-bad-');
    const env = { BENCHSIGHT_DATA_DIR: join(dir, 'data') };
    const images = join(dir, 'import');
    mkdirSync(images);
    writeFileSync(join(images, 'a.jpg'), await pattern(64));
    writeFileSync(
      join(images, 'boards.yaml'),
      '- { vendor: Bitmain, model: APW12, kind: psu, images: [a.jpg] }\n',
    );
    expect((await cli(['catalog', 'import', images], env)).code).toBe(0);
    const good = join(dir, 'good.db');
    expect((await cli(['catalog', 'backup', good], env)).stdout).toContain('foreign keys ok');

    const orphans = join(dir, 'orphans.db');
    copyFileSync(good, orphans);
    const db = new BetterSqlite3(orphans);
    db.pragma('foreign_keys = OFF');
    db.prepare('DELETE FROM boards').run();
    db.close();
    const damaged = join(dir, 'damaged.db');
    const bytes = readFileSync(good);
    bytes.fill(0xde, 100, 4096 + 512); // the header's tail and the first b-tree page
    writeFileSync(damaged, bytes);
    const empty = join(dir, 'empty.db');
    writeFileSync(empty, '');
    const foreign = join(dir, 'foreign.db');
    const other = new BetterSqlite3(foreign);
    other.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)');
    other.close();
    const text = join(dir, 'notes.db');
    writeFileSync(text, 'these are not the droids\n'.repeat(100));

    for (const [file, code, says] of [
      [orphans, 'E_DB_CORRUPT', 'rows that point at missing rows (1 board_references -> boards)'],
      [damaged, 'E_DB_CORRUPT', 'is damaged'],
      [empty, 'E_DB_FOREIGN', 'is an empty SQLite database, not a benchsight catalog'],
      [foreign, 'E_DB_FOREIGN', 'is not a benchsight database: it holds other tables (invoices)'],
      [text, 'E_DB_FOREIGN', 'not a database'],
    ] as const) {
      const r = await cli(['catalog', 'restore', file], env);
      expect(r.code, file).not.toBe(0);
      expect(r.stderr, file).toContain(file);
      expect(r.stderr, file).toContain(says);
      expect(r.stderr, file).toContain(`[${code}]`);
      expect(r.stderr, file).not.toContain('start the daemon');
    }
    // nothing was replaced
    expect((await cli(['catalog', 'list'], env)).stdout).toContain('Bitmain APW12');
  });
});
