import { describe, expect, it } from 'vitest';
import { pattern, startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';

describe('orderly stop', () => {
  it('finishes promptly while uploads and recognitions are in flight', async () => {
    const picture = await pattern(91, 1280, 960);
    const frames = tempDir('bs-stop-');
    writeFrames(frames, [picture, await pattern(92, 1280, 960)], 1);
    const { daemon, url } = await startTestDaemon(frames, {
      camera: { source: { kind: 'folder', path: frames, fps: 30 } },
      gate: { enabled: false },
    });
    const inflight = Array.from({ length: 20 }, async () => {
      const form = new FormData();
      form.append('image', new Blob([new Uint8Array(picture)]), 'x.jpg');
      // A fetch whose connection the stopping daemon closed mid-upload sometimes never settles in
      // Node 20's fetch (undici 6), with no socket left open in this process (checked with
      // _getActiveHandles): the client gives up after a while, and that counts as aborted.
      return fetch(`${url}/api/recognize`, {
        method: 'POST',
        body: form,
        signal: AbortSignal.timeout(30_000),
      }).then(
        (r) => r.status,
        () => 'aborted',
      );
    });
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await daemon.stop();
    expect(Date.now() - t0).toBeLessThan(5000);
    const outcomes = await Promise.all(inflight);
    expect(outcomes.every((o) => o === 200 || o === 'aborted' || o === 503)).toBe(true);
  });
});
