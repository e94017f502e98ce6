import {
  copyFileSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderImages } from '../../src/capture/folder.ts';
import { createFrameSource } from '../../src/capture/index.ts';
import { isPlausibleJpeg } from '../../src/capture/jpeg.ts';
import type { Frame, FrameSource } from '../../src/capture/types.ts';
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

/** Frames until one matches (bounded by `ms`, which only a broken source reaches). */
async function framesUntil(source: FrameSource, match: (f: Frame) => boolean, ms: number): Promise<Frame[]> {
  const seen: Frame[] = [];
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const batch = await collectFrames(source, Math.max(1, deadline - Date.now()), 1);
    seen.push(...batch);
    if (batch.some(match)) return seen;
  }
  throw new Error(`no matching frame within ${ms} ms (${seen.length} frames seen)`);
}

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

  it('follows numeric name order (shot2 before shot10) through a loop and back to the start', async () => {
    const shots = join(tmp.dir, 'shots');
    mkdirSync(shots);
    writeTestStills(join(shots, 'shot%d.jpg'), 12, '64x48');
    const order = Array.from({ length: 12 }, (_, i) => readFileSync(join(shots, `shot${i + 1}.jpg`)));
    const source = createFrameSource(folder(shots, 100), FAST_SUPERVISION, { logger });
    await source.start();
    const got = await collectFrames(source, 2000, 20);
    await source.stop();
    expect(got.length).toBeGreaterThanOrEqual(20);
    // whichever frame came first, each next one (by capture number: a frame the reader missed is
    // skipped, not reordered) is the next shot by number, shot12 followed by shot1
    const first = order.findIndex((jpeg) => jpeg.equals(got[0]!.jpeg));
    expect(first).toBeGreaterThanOrEqual(0);
    for (const frame of got) {
      const shot = (first + frame.seq - got[0]!.seq) % 12;
      expect(frame.jpeg.equals(order[shot]!), `frame ${frame.seq}: shot${shot + 1}`).toBe(true);
    }
    expect(got.at(-1)!.seq - got[0]!.seq).toBeGreaterThanOrEqual(12);
  });

  it('holds one picture for the links to one file (a replay that repeats a frame costs it once)', async () => {
    const linked = join(tmp.dir, 'linked');
    mkdirSync(linked);
    writeTestStills(join(linked, 'a%d.jpg'), 1, '64x48');
    const size = statSync(join(linked, 'a1.jpg')).size;
    for (const name of ['a2.jpg', 'a3.jpg']) linkSync(join(linked, 'a1.jpg'), join(linked, name));
    copyFileSync(join(linked, 'a1.jpg'), join(linked, 'a4.jpg'));
    const images = new FolderImages(linked);
    await images.load();
    // a1-a3 are one file, a4 a copy of it: two pictures held, not four
    expect(images.cachedBytes).toBe(2 * size);
    const shown: Buffer[] = [];
    for (let i = 0; i < 4; i++) shown.push((await images.next(true))!.image);
    expect(shown.every((jpeg) => jpeg.equals(shown[0]!))).toBe(true);
    // the file's picture goes once no name links to it
    unlinkSync(join(linked, 'a1.jpg'));
    unlinkSync(join(linked, 'a2.jpg'));
    images.changed();
    expect((await images.next(true))?.image.equals(shown[0]!)).toBe(true);
    expect(images.cachedBytes).toBe(2 * size);
    unlinkSync(join(linked, 'a3.jpg'));
    images.changed();
    await images.next(true);
    expect(images.cachedBytes).toBe(size);
  });

  it('resolves a relative path against the working directory', async () => {
    const source = createFrameSource(folder(relative(process.cwd(), frames), 30), FAST_SUPERVISION);
    await source.start();
    const got = await collectFrames(source, 2000, 2);
    await source.stop();
    expect(got).toHaveLength(2);
  });

  it('with loop off shows each image once, holds the last picture, and shows images dropped in later', async () => {
    const drop = join(tmp.dir, 'drop');
    mkdirSync(drop);
    writeTestStills(join(drop, 'a%d.jpg'), 2);
    writeTestStills(join(tmp.dir, 'new%d.jpg'), 1, '160x120');
    const [first, second] = [readFileSync(join(drop, 'a1.jpg')), readFileSync(join(drop, 'a2.jpg'))];
    const source = createFrameSource(folder(drop, 40, false), FAST_SUPERVISION);
    await source.start();
    const got = await collectFrames(source, 600);
    expect(got.length).toBeGreaterThan(3);
    expect(got[0]!.jpeg.equals(first)).toBe(true);
    for (const frame of got.slice(1)) expect(frame.jpeg.equals(second)).toBe(true);

    // a camera drops a new picture (written elsewhere, then moved in, as uploaders do)
    renameSync(join(tmp.dir, 'new1.jpg'), join(drop, 'b1.jpg'));
    const dropped = readFileSync(join(drop, 'b1.jpg'));
    const seen = await framesUntil(source, (f) => f.jpeg.equals(dropped), 5000);
    expect(seen.at(-1)?.width).toBe(160);
    const after = await collectFrames(source, 300);
    for (const frame of after) expect(frame.jpeg.equals(dropped)).toBe(true);
    expect(source.status()).toMatchObject({ state: 'online', retries: 0 });
    await source.stop();
  });

  it('with loop on adds images dropped into the folder to the replay', async () => {
    const drop = join(tmp.dir, 'drop-loop');
    mkdirSync(drop);
    writeTestStills(join(drop, 'a%d.jpg'), 2);
    const source = createFrameSource(folder(drop, 40), FAST_SUPERVISION);
    await source.start();
    await collectFrames(source, 200);
    writeTestStills(join(tmp.dir, 'loop%d.jpg'), 1, '160x120');
    renameSync(join(tmp.dir, 'loop1.jpg'), join(drop, 'c1.jpg'));
    const seen = await framesUntil(source, (f) => f.width === 160, 5000);
    expect(seen.at(-1)?.jpeg.equals(readFileSync(join(drop, 'c1.jpg')))).toBe(true);
    await source.stop();
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
