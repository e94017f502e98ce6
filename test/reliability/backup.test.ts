import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
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
      expect(refused.stderr).toContain('the daemon is running');
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
