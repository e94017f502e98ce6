import { mkdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { configSchema } from '../../src/config/schema.ts';
import { Daemon } from '../../src/main.ts';
import { DEMO_GENERATOR_VERSION, makeDemo } from '../../tools/synth/demo.ts';
import { tempDir } from '../helpers/daemon.ts';

const STALE_LOCK_MS = 120_000;

/**
 * The demo, generated once per machine and shared by the test files. A lock folder makes the other
 * files wait: makeDemo swaps its folder in when done, which would pull it from under a running daemon.
 */
export async function sharedDemo(): Promise<string> {
  const cache = join(tmpdir(), `benchsight-dashboard-demo-v${DEMO_GENERATOR_VERSION}`);
  const lock = `${cache}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      await sleep(200);
    }
  }
  try {
    await makeDemo(cache);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return cache;
}

/**
 * The daemon on the demo bench, as `npm start` runs it (bundled model, demo catalog, demo replay),
 * on port 0 with its own database.
 */
export async function startDemoDaemon() {
  const cache = await sharedDemo();
  const dataDir = tempDir('bs-dash-');
  symlinkSync(cache, join(dataDir, 'demo'));
  const config = configSchema.parse({
    camera: { source: { kind: 'folder', path: join(dataDir, 'demo', 'frames'), fps: 5 } },
    server: { port: 0, frameRate: 5 },
    data: { dir: dataDir },
    log: { level: 'silent' },
  });
  const daemon = new Daemon(config, { seedDemo: true, logger: pino({ level: 'silent' }) });
  await daemon.start();
  return { daemon, dataDir, url: `http://127.0.0.1:${daemon.port}` };
}
