import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFrameSource } from '../../src/capture/index.ts';
import type { Frame } from '../../src/capture/types.ts';
import {
  collectFrames,
  FAST_SUPERVISION,
  recordStatuses,
  sleep,
  tempDir,
  writeTestStills,
} from './helpers.ts';

const tmp = tempDir('supervisor');
const frames = join(tmp.dir, 'frames');

beforeAll(() => {
  mkdirSync(frames);
  writeTestStills(join(frames, 'f%02d.jpg'), 3);
});

afterAll(() => tmp.cleanup());

function source() {
  return createFrameSource({ kind: 'folder', path: frames, fps: 50, loop: true }, FAST_SUPERVISION);
}

describe('frame source lifecycle (folder source as the device)', () => {
  it('ends a running for-await loop on stop() and reports stopped once', async () => {
    const src = source();
    const statuses = recordStatuses(src);
    await src.start();
    const seen: Frame[] = [];
    const consumer = (async () => {
      for await (const frame of src.frames()) seen.push(frame);
    })();
    await sleep(200);
    await Promise.all([src.stop(), src.stop()]);
    await consumer;
    expect(seen.length).toBeGreaterThan(3);
    expect(statuses.filter((s) => s.state === 'stopped')).toHaveLength(1);
    expect(src.status()).toMatchObject({ state: 'stopped', fps: 0 });
  });

  it('starts again after stop() and keeps counting seq', async () => {
    const src = source();
    await src.start();
    const first = await collectFrames(src, 2000, 2);
    await src.stop();
    await src.start();
    const again = await collectFrames(src, 2000, 2);
    await src.stop();
    expect(again[0]!.seq).toBeGreaterThan(first[1]!.seq);
  });

  it('ends iteration at once for a consumer that arrives after stop()', async () => {
    const src = source();
    await src.start();
    await src.stop();
    expect(await collectFrames(src, 1000)).toEqual([]);
  });

  it('stops notifying a listener that unsubscribed', async () => {
    const src = source();
    const seen: string[] = [];
    const off = src.onStatus((s) => seen.push(s.state));
    await src.start();
    await collectFrames(src, 2000, 1);
    off();
    await src.stop();
    expect(seen).toEqual(['starting', 'online']);
  });
});
