import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type BenchScene, pacedFrames } from '../../../tools/benchmarks/fixtures.ts';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function scene(count: number): BenchScene {
  dir = mkdtempSync(join(tmpdir(), 'benchsight-paced-'));
  const frames = join(dir, 'frames');
  mkdirSync(frames);
  // contents that tell the frames apart (the folder source reads files, not what they show)
  for (let i = 1; i <= count; i++)
    writeFileSync(join(frames, `${String(i).padStart(6, '0')}.jpg`), `frame ${i}`);
  return {
    frames,
    catalog: join(dir, 'catalog'),
    still: join(frames, '000001.jpg'),
    width: 64,
    height: 48,
    count,
    key: '64x48',
  };
}

const contents = (folder: string) =>
  readdirSync(folder)
    .sort()
    .map((n) => readFileSync(join(folder, n), 'utf8'));

describe('the bench replay at the demo pace whatever the camera rate', () => {
  it('repeats each frame fps / 5 times, in order, so that one loop lasts as long as the demo at 5 fps', async () => {
    const s = scene(3);
    const paced = await pacedFrames(s, join(dir, 'cache'), 20);
    expect(contents(paced)).toEqual([
      ...Array(4).fill('frame 1'),
      ...Array(4).fill('frame 2'),
      ...Array(4).fill('frame 3'),
    ]);
    // 200 fps: 40 of each; a camera at the demo's rate or slower: the frames as they are
    expect(contents(await pacedFrames(s, join(dir, 'cache'), 200))).toHaveLength(120);
    expect(contents(await pacedFrames(s, join(dir, 'cache'), 5))).toEqual(['frame 1', 'frame 2', 'frame 3']);
    expect(contents(await pacedFrames(s, join(dir, 'cache'), 2))).toEqual(['frame 1', 'frame 2', 'frame 3']);
  });

  it('is made once into the cache and made again when incomplete', async () => {
    const s = scene(2);
    const paced = await pacedFrames(s, join(dir, 'cache'), 15);
    const made = statSync(join(paced, '000001.jpg')).ctimeMs;
    expect(await pacedFrames(s, join(dir, 'cache'), 15)).toBe(paced);
    expect(statSync(join(paced, '000001.jpg')).ctimeMs).toBe(made);
    rmSync(join(paced, '000006.jpg'));
    await pacedFrames(s, join(dir, 'cache'), 15);
    expect(contents(paced)).toEqual([...Array(3).fill('frame 1'), ...Array(3).fill('frame 2')]);
  });
});
