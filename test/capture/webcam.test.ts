import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFrameSource } from '../../src/capture/index.ts';
import { fswebcamCommand } from '../../src/capture/webcam.ts';
import type { WebcamConfig } from '../../src/config/schema.ts';
import {
  childPids,
  collectFrames,
  FAST_SUPERVISION,
  ffmpeg,
  processesInGroups,
  recordStatuses,
  tempDir,
  waitForStatus,
} from './helpers.ts';

const tmp = tempDir('webcam');
const image = join(tmp.dir, 'bench.jpg');
const awkward = join(tmp.dir, 'odd dir $(x)', "it's here.jpg");

function webcam(device: string, extra: Partial<WebcamConfig> = {}): WebcamConfig {
  return { kind: 'webcam', device, width: 320, height: 240, skip: 0, delay: 0, intervalMs: 100, ...extra };
}

function stillDirs(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith('benchsight-webcam-'));
}

beforeAll(() => {
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=320x240', '-frames:v', '1', image);
  mkdirSync(join(tmp.dir, 'odd dir $(x)'));
  copyFileSync(image, awkward);
});

afterAll(() => tmp.cleanup());

describe('webcam source (fswebcam reading a FILE: image in place of a physical camera)', () => {
  it('builds a quiet fswebcam command without a banner', () => {
    const sh = fswebcamCommand(webcam('/dev/video0', { skip: 5, delay: 1 }), '/tmp/x/still.jpg');
    expect(sh).toMatch(/^fswebcam\s+-q\s+-r 320x240\s+--jpeg 90\s+-D 1\s+-d '\/dev\/video0'/);
    expect(sh).toMatch(/--no-banner\s+--skip 5\s+'\/tmp\/x\/still.jpg'$/);
  });

  it('takes stills one after another at the requested interval', async () => {
    const before = stillDirs();
    const source = createFrameSource(webcam(`FILE:${image}`, { intervalMs: 400 }), FAST_SUPERVISION);
    await source.start();
    const got = await collectFrames(source, 30_000, 6);
    const status = source.status();
    await source.stop();
    // One still every 400 ms, never faster (a loaded machine may make them slower, not faster).
    // The interval runs from one fswebcam start to the next, but a frame is stamped when its
    // still is read back, so the first and last stills' own durations (which vary by a hundred
    // milliseconds or more on a loaded machine: CI once saw 476 ms for 5 x 100) blur the
    // ends; a source that ignored the interval would deliver 5 stills in 5 fswebcam runs
    // (~50-100 ms each), far below 1600 ms.
    expect(got).toHaveLength(6);
    expect(got[5]!.capturedAt - got[0]!.capturedAt).toBeGreaterThanOrEqual(5 * 400 * 0.8);
    expect(status.state).toBe('online');
    expect(got.every((f) => f.width === 320 && f.height === 240)).toBe(true);
    expect(got.every((f, i) => i === 0 || f.seq === got[i - 1]!.seq + 1)).toBe(true);
    expect(childPids()).toEqual([]);
    expect(stillDirs()).toEqual(before);
  });

  it('passes a device path with spaces, quotes and $ safely through the shell', async () => {
    const source = createFrameSource(webcam(`FILE:${awkward}`, { intervalMs: 0 }), FAST_SUPERVISION);
    await source.start();
    const got = await collectFrames(source, 30_000, 2);
    await source.stop();
    expect(got).toHaveLength(2);
  });

  it('reports a missing device as offline with the reason and retries with backoff', async () => {
    // Backoff long enough that its doubling stands out from the time fswebcam takes to start and
    // fail, which varies by hundreds of milliseconds on a loaded machine.
    const supervision = { ...FAST_SUPERVISION, backoffInitialMs: 300, backoffMaxMs: 2400 };
    const source = createFrameSource(webcam('/dev/video99'), supervision);
    const statuses = recordStatuses(source);
    await expect(source.start()).resolves.toBeUndefined();
    const status = await waitForStatus(source, (s) => s.retries >= 4, 30_000);
    await source.stop();
    expect(status.state).toBe('offline');
    expect(status.reason).toMatch(/fswebcam could not capture from \/dev\/video99: .*No such file/);
    const failures = statuses.filter((s) => s.state === 'offline');
    const gaps = failures.slice(1).map((s, i) => s.at - failures[i]!.at);
    // Waits of 300, 600 then 1200 ms between attempts (plus each attempt's own time).
    expect(gaps[0]!).toBeGreaterThanOrEqual(300);
    expect(gaps[2]!).toBeGreaterThan(gaps[0]! + 500);
    expect(childPids()).toEqual([]);
  });

  it('kills a hung fswebcam (blocked reading a FIFO, ignoring SIGTERM) and reports the stall', async () => {
    const fifo = join(tmp.dir, 'camera.fifo');
    execFileSync('mkfifo', [fifo]);
    const supervision = { ...FAST_SUPERVISION, stallTimeoutMs: 400 };
    const source = createFrameSource(webcam(`FILE:${fifo}`), supervision);
    await source.start();
    const status = await waitForStatus(source, (s) => s.state === 'offline', 30_000);
    const hung = childPids();
    expect(hung.length).toBeGreaterThan(0);
    await source.stop();
    expect(status.reason).toBe('no frame for 0.4 s');
    expect(childPids()).toEqual([]);
    expect(processesInGroups(hung)).toEqual([]);
  });

  it('reports a still fswebcam cannot read as offline', async () => {
    const junk = join(tmp.dir, 'junk.jpg');
    writeFileSync(junk, Buffer.alloc(2000, 7));
    const source = createFrameSource(webcam(`FILE:${junk}`), FAST_SUPERVISION);
    await source.start();
    const status = await waitForStatus(source, (s) => s.state === 'offline', 30_000);
    await source.stop();
    expect(status.reason).toMatch(/^fswebcam (was killed by SIGABRT|exited with code)/);
    expect(status.reason).toContain(junk);
  });
});
