import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { Daemon } from '../../src/main.ts';
import { sharedDemo } from '../dashboard/daemons.ts';
import { pattern, tempDir, writeFrames } from '../helpers/daemon.ts';

interface LogLine {
  msg: string;
}

/** A daemon as `benchsight run` starts it (seedDemo), on a data folder holding the demo's files. */
async function start(dataDir: string, framesDir: string) {
  const logs: LogLine[] = [];
  const config = configSchema.parse({
    camera: { source: { kind: 'folder', path: framesDir, fps: 5 } },
    server: { port: 0 },
    data: { dir: dataDir },
    ocr: { enabled: false },
  });
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line) as LogLine) });
  const daemon = new Daemon(config, { seedDemo: true, logger });
  await daemon.start();
  return { daemon, logs };
}

describe('the demo catalog is seeded by the demo only, into a catalog it started (issue 20, item 4; bundled model)', () => {
  let running: Daemon | null = null;
  afterEach(async () => {
    await running?.stop();
    running = null;
  });

  it('after the user removed the demo boards, a restart does not import them again', async () => {
    const dataDir = tempDir('bs-demo-seed-');
    symlinkSync(await sharedDemo(), join(dataDir, 'demo'));
    const demoFrames = join(dataDir, 'demo', 'frames');
    let { daemon, logs } = await start(dataDir, demoFrames);
    running = daemon;
    const seeded = daemon.catalog!.listBoards();
    expect(seeded.length).toBeGreaterThan(0);
    expect(logs.some((l) => l.msg === 'demo catalog imported')).toBe(true);
    for (const b of seeded) daemon.editor!.deleteBoard(b.id);
    await daemon.stop();

    ({ daemon, logs } = await start(dataDir, demoFrames));
    running = daemon;
    expect(daemon.catalog!.listBoards()).toEqual([]);
    expect(logs.some((l) => l.msg === 'demo catalog imported')).toBe(false);
    expect(logs.find((l) => l.msg.startsWith('demo catalog not imported'))?.msg).toContain('catalog import');
  });

  it('a data folder that began as a copy of the demo, with another camera, gets no demo catalog', async () => {
    const dataDir = tempDir('bs-demo-copy-');
    symlinkSync(await sharedDemo(), join(dataDir, 'demo'));
    const camera = tempDir('bs-camera-');
    writeFrames(camera, [await pattern(81)], 3);
    const { daemon, logs } = await start(dataDir, camera);
    running = daemon;
    expect(daemon.catalog!.listBoards()).toEqual([]);
    expect(logs.some((l) => l.msg === 'demo catalog imported')).toBe(false);
  });
});
