import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFrameSource } from '../../src/capture/index.ts';
import { isPlausibleJpeg } from '../../src/capture/jpeg.ts';
import type { FolderConfig } from '../../src/config/schema.ts';
import {
  collectFrames,
  FAST_SUPERVISION,
  ffmpeg,
  recordStatuses,
  tempDir,
  waitForStatus,
  writeTestStills,
} from './helpers.ts';

const tmp = tempDir('folder');
const frames = join(tmp.dir, 'frames');
const warnings: Array<{ obj: object; msg?: string }> = [];
const logger = {
  warn: (obj: object, msg?: string) => warnings.push({ obj, msg }),
  info: () => {},
  debug: () => {},
};

function folder(path: string, fps: number, loop = true): FolderConfig {
  return { kind: 'folder', path, fps, loop };
}

beforeAll(() => {
  mkdirSync(frames);
  writeTestStills(join(frames, 'f%02d.jpg'), 4);
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=320x240', '-frames:v', '1', join(frames, 'f05.png'));
  writeFileSync(join(frames, 'f10.jpg'), Buffer.from('not a jpeg at all'));
  writeFileSync(join(frames, 'notes.txt'), 'ignored');
});

afterAll(() => tmp.cleanup());

describe('folder source', () => {
  it('replays the images at the requested fps, in name order, looping, with a PNG converted', async () => {
    const source = createFrameSource(folder(frames, 20), FAST_SUPERVISION, { logger });
    await source.start();
    const got = await collectFrames(source, 1000);
    const status = source.status();
    await source.stop();

    // 20 fps for one second, less start-up time.
    expect(got.length).toBeGreaterThanOrEqual(12);
    expect(got.length).toBeLessThanOrEqual(22);
    expect(status.fps).toBeGreaterThan(12);
    expect(status.fps).toBeLessThan(25);
    for (const [i, frame] of got.entries()) {
      expect(frame.width).toBe(320);
      expect(frame.height).toBe(240);
      expect(isPlausibleJpeg(frame.jpeg)).toBe(true);
      if (i > 0) expect(frame.seq).toBe(got[i - 1]!.seq + 1);
    }
    // f01..f04.jpg are served as they are; f05.png is a JPEG now; the corrupt f10.jpg is skipped.
    expect(got[0]!.jpeg.equals(readFileSync(join(frames, 'f01.jpg')))).toBe(true);
    expect(got[3]!.jpeg.equals(readFileSync(join(frames, 'f04.jpg')))).toBe(true);
    expect(got[4]!.jpeg.equals(got[0]!.jpeg)).toBe(false);
    expect(got[5]!.jpeg.equals(got[0]!.jpeg)).toBe(true);
    const skipped = warnings.find((w) => JSON.stringify(w.obj).includes('f10.jpg'));
    expect(skipped?.msg).toMatch(/skipped 1 unreadable/);
  });

  it('resolves a relative path against the working directory', async () => {
    const source = createFrameSource(folder(relative(process.cwd(), frames), 30), FAST_SUPERVISION);
    await source.start();
    const got = await collectFrames(source, 2000, 2);
    await source.stop();
    expect(got).toHaveLength(2);
  });

  it('goes offline once the images have been shown when loop is off', async () => {
    const source = createFrameSource(folder(frames, 50, false), FAST_SUPERVISION);
    await source.start();
    const got = await collectFrames(source, 600);
    const status = await waitForStatus(source, (s) => s.state === 'offline', 1000);
    await source.stop();
    expect(got).toHaveLength(5);
    expect(status.reason).toMatch(/replayed the 5 image/);
    expect(status.retries).toBe(0);
  });

  it('reports a missing folder as offline, retries, and comes online when the folder appears', async () => {
    const late = join(tmp.dir, 'late');
    const source = createFrameSource(folder(late, 10), FAST_SUPERVISION);
    await source.start();
    const offline = await waitForStatus(source, (s) => s.retries >= 2, 2000);
    expect(offline.state).toBe('offline');
    expect(offline.reason).toContain(late);
    expect(offline.reason).toMatch(/does not exist/);

    mkdirSync(late);
    const empty = await waitForStatus(source, (s) => s.reason?.includes('no .jpg') ?? false, 2000);
    expect(empty.state).toBe('offline');

    writeTestStills(join(late, 'a%d.jpg'), 2);
    const got = await collectFrames(source, 3000, 1);
    expect(got).toHaveLength(1);
    expect(source.status()).toMatchObject({ state: 'online', reason: null, retries: 0 });
    await source.stop();
  });

  it('reports a folder with only unreadable files', async () => {
    const broken = join(tmp.dir, 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'a.png'), 'garbage');
    const source = createFrameSource(folder(broken, 10), FAST_SUPERVISION);
    const statuses = recordStatuses(source);
    await source.start();
    await waitForStatus(source, (s) => s.state === 'offline', 2000);
    await source.stop();
    expect(statuses.find((s) => s.state === 'offline')?.reason).toMatch(/no readable images.*a\.png/);
  });
});
