import { createServer } from 'node:net';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, configSchema } from '../../src/config/schema.ts';
import { Daemon } from '../../src/main.ts';
import { pattern, startTestDaemon, TINY_MODEL, tempDir, writeFrames } from '../helpers/daemon.ts';
import { launchBrowser, screenshot } from './browser.ts';

/** expect.poll's own default (1 s) is too short on a busy 2-core CI machine. */
const POLL = { timeout: 15_000 };
type Browser = Awaited<ReturnType<typeof launchBrowser>>;

/** A port that was free a moment ago: the restarted daemon must come back on the same one. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** What chromium itself logs while the daemon is down: the socket.io retries being refused. */
const REFUSED = /(ERR_CONNECTION_REFUSED|WebSocket connection to .* failed).*|.*\/socket\.io\//;

describe('dashboard in chromium: daemon restarts and camera failures (tiny model, folder replay)', () => {
  let config: Config;
  let daemon: Daemon | null = null;
  let browser: Browser;

  const start = async () => {
    daemon = new Daemon(config, { logger: pino({ level: 'silent' }) });
    await daemon.start();
  };

  beforeAll(async () => {
    const frames = tempDir('bs-frames-');
    writeFrames(frames, [await pattern(3), await pattern(4)], 3);
    config = configSchema.parse({
      camera: { source: { kind: 'folder', path: frames, fps: 10 } },
      model: { name: TINY_MODEL },
      server: { port: await freePort(), frameRate: 10 },
      data: { dir: tempDir('bs-data-') },
      log: { level: 'silent' },
    });
    [, browser] = await Promise.all([start(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
  });

  it('shows that it is disconnected while the daemon is down, then reconnects by itself', async () => {
    const url = `http://127.0.0.1:${config.server.port}`;
    const { page, errors } = await browser.open(url);
    const badge = page.getByTestId('camera-badge');
    const banner = page.getByTestId('disconnected');
    const seq = () => page.locator('.frame canvas').getAttribute('data-seq');
    await expect.poll(() => badge.getAttribute('data-state'), POLL).toBe('online');
    await expect.poll(seq, POLL).not.toBeNull();
    expect(errors).toEqual([]);

    await daemon!.stop();
    await banner.waitFor({ timeout: 10_000 });
    expect(await badge.getAttribute('data-state')).toBe('unknown');
    expect(await page.locator('.frame-stale').count()).toBe(1);
    await screenshot(page, 'live-disconnected');

    await start();
    await banner.waitFor({ state: 'detached', timeout: 15_000 });
    await expect.poll(() => badge.getAttribute('data-state'), POLL).toBe('online');
    const after = await seq();
    await expect.poll(seq, POLL).not.toBe(after);
    expect(errors.filter((e) => !REFUSED.test(e))).toEqual([]);
  });

  it('shows the camera offline with the reason the daemon gives', async () => {
    const broken = await startTestDaemon(join(tempDir('bs-frames-'), 'unplugged'));
    try {
      const { page, errors } = await browser.open(broken.url);
      const badge = page.getByTestId('camera-badge');
      await expect.poll(() => badge.getAttribute('data-state'), POLL).toMatch(/offline|error/);
      expect(await badge.textContent()).toMatch(/^Camera (offline|error)$/);
      const reason = await page.getByTestId('camera-reason').textContent();
      expect(reason).toMatch(/camera folder .*unplugged does not exist/);
      expect(await page.locator('.frame-note').textContent()).toMatch(
        /^No live picture: camera (offline|error)$/,
      );
      await screenshot(page, 'live-camera-offline');
      expect(errors).toEqual([]);
    } finally {
      await broken.daemon.stop();
    }
  });
});
