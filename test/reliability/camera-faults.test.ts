import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/main.ts';
import { startTestDaemon, tempDir } from '../helpers/daemon.ts';

/**
 * The daemon over a camera that fails in the ways real ones do. A shell script stands in for the
 * ffmpeg binary (no physical camera here): it runs the real ffmpeg on a test pattern, or hangs, or
 * dies, depending on how often it has been started.
 */
describe('camera faults seen through the daemon (a stand-in ffmpeg script replaces the physical camera)', () => {
  let daemon: Daemon | undefined;
  afterAll(async () => {
    await daemon?.stop();
  });

  it('reports each fault on the API with its reason, reconnects with backoff and resumes recognizing', async () => {
    const dir = tempDir('bs-camfault-');
    const counter = join(dir, 'starts');
    writeFileSync(counter, '0');
    const killed = join(dir, 'killed');
    const pidFile = join(dir, 'pid');
    const script = join(dir, 'fake-ffmpeg.sh');
    // start 1: camera absent; start 2: frames until the test kills it (restarted as often as needed
    // until then: a loaded machine may be slow to give its first frame); start 3: hangs silently;
    // start 4: garbage bytes; later starts: a healthy camera
    writeFileSync(
      script,
      `#!/bin/sh
n=$(($(cat ${counter}) + 1))
if [ $n -eq 3 ] && [ ! -e ${killed} ]; then n=2; fi
echo $n > ${counter}
case $n in
  1) echo "/dev/video0: No such file or directory" >&2; exit 1 ;;
  2) echo $$ > ${pidFile}; exec ffmpeg "$@" ;;
  3) exec sleep 60 ;;
  4) exec head -c 3000000 /dev/urandom ;;
  *) exec ffmpeg "$@" ;;
esac
`,
    );
    chmodSync(script, 0o755);
    const started = await startTestDaemon(dir, {
      camera: {
        source: {
          kind: 'stream',
          input: 'testsrc=size=320x240:rate=10',
          format: 'lavfi',
          fps: 10,
          ffmpegPath: script,
        },
        supervision: { stallTimeoutMs: 1500, backoffInitialMs: 200, backoffMaxMs: 1000, maxGarbageFrames: 3 },
      },
      gate: { enabled: false },
    });
    daemon = started.daemon;
    const reasons = new Set<string>();
    const states = new Set<string>();
    let encodedAtEnd = 0;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const s = await (await fetch(`${started.url}/api/status`)).json();
      states.add(s.camera.state);
      if (s.camera.reason) reasons.add(s.camera.reason);
      const starts = Number(readFileSync(counter, 'utf8'));
      if (starts === 2 && s.camera.state === 'online' && !existsSync(killed)) {
        writeFileSync(killed, '');
        process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
      }
      if (starts >= 5 && s.camera.state === 'online') {
        encodedAtEnd = s.frames.encoded;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const all = [...reasons].join(' | ');
    console.log(`camera reasons seen: ${all}`);
    expect(all).toContain('No such file or directory');
    expect(all).toMatch(/killed by SIGKILL/);
    expect(all).toMatch(/no frame for/);
    expect(all).toMatch(/undecodable data/);
    expect(states.has('online')).toBe(true);
    expect(states.has('offline') || states.has('error')).toBe(true);
    const before = encodedAtEnd;
    await new Promise((r) => setTimeout(r, 1000));
    const after = (await (await fetch(`${started.url}/api/status`)).json()).frames.encoded;
    expect(after).toBeGreaterThan(before);
  }, 60_000);
});
