import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/main.ts';
import { CameraHealth } from '../../src/pipeline/camera-health.ts';
import { startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';

const config = { blackLevel: 12, blackSeconds: 2, frozenSeconds: 3 };
const grey = (v: number, noise = 0) => Uint8Array.from({ length: 64 }, (_, i) => v + (i % 2 ? noise : 0));

describe('CameraHealth', () => {
  it('calls a picture black only after blackSeconds of dark frames, and clears at once', () => {
    const h = new CameraHealth(config);
    h.update(grey(3), 0);
    h.update(grey(4), 1000);
    expect(h.suspect(1000)).toBeNull();
    h.update(grey(3), 2500);
    expect(h.suspect(2500)).toMatch(/black picture for 3 s/);
    h.update(grey(120), 2600);
    expect(h.suspect(2600)).toBeNull();
  });

  it('calls identical frames frozen after frozenSeconds, while sensor noise keeps an idle bench healthy', () => {
    const h = new CameraHealth(config);
    for (let t = 0; t <= 4000; t += 500) h.update(grey(100, t % 1000 ? 1 : 0), t);
    expect(h.suspect(4000)).toBeNull();
    for (let t = 5000; t <= 8500; t += 500) h.update(grey(100), t);
    expect(h.suspect(8500)).toMatch(/frozen picture/);
  });
});

describe('a camera that sends black frames is reported suspect on the API', () => {
  let daemon: Daemon | undefined;
  afterEach(async () => {
    await daemon?.stop();
  });

  it('status says online but suspect, with the reason', async () => {
    const black = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#000' } })
      .jpeg()
      .toBuffer();
    const frames = tempDir('bs-black-');
    writeFrames(frames, [black], 3);
    const started = await startTestDaemon(frames, {
      camera: {
        source: { kind: 'folder', path: frames, fps: 10 },
        health: { blackSeconds: 0.5, frozenSeconds: 1000 },
      },
    });
    daemon = started.daemon;
    const deadline = Date.now() + 60_000;
    let status = await (await fetch(`${started.url}/api/status`)).json();
    while (!status.camera.suspect && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      status = await (await fetch(`${started.url}/api/status`)).json();
    }
    expect(status.camera.state).toBe('online');
    expect(status.camera.suspect).toMatch(/black picture/);
  });
});
