import { describe, expect, it } from 'vitest';
import type { Frame } from '../../src/capture/types.ts';
import { gateSchema } from '../../src/config/cameras.ts';
import { CameraHealth } from '../../src/pipeline/camera-health.ts';
import { FrameGate } from '../../src/pipeline/frame-gate.ts';
import { pattern } from '../helpers/daemon.ts';

const FPS = 15;

/** Frames of `pictures` in turn, each shown for `seconds`, at FPS (timestamps, not wall-clock time). */
function* replay(pictures: { jpeg: Buffer; seconds: number }[]): Generator<Frame> {
  let seq = 0;
  for (const p of pictures) {
    for (let i = 0; i < p.seconds * FPS; i++) {
      yield { jpeg: p.jpeg, width: 320, height: 240, seq, capturedAt: 1_000_000 + (seq * 1000) / FPS };
      seq++;
    }
  }
}

function gate() {
  const health = new CameraHealth({ blackLevel: 12, blackSeconds: 60, frozenSeconds: 300 });
  return new FrameGate(gateSchema.parse({ stableFrames: 2 }), health, () => 1);
}

describe('FrameGate (real sharp thumbnails, frame timestamps)', () => {
  it('encodes a scene once it holds still; an idle bench is looked at 5 times a second, twice a second once still for 5 s', async () => {
    const g = gate();
    const board = await pattern(7);
    const looked: number[] = [];
    const encoded: number[] = [];
    for (const frame of replay([{ jpeg: board, seconds: 12 }])) {
      const v = await g.look(frame, () => {});
      const t = (frame.capturedAt - 1_000_000) / 1000;
      if (v.look) looked.push(t);
      if (v.look && v.encode) encoded.push(t);
    }
    // changed (first frame), settling, stable: encoded once, then idle
    expect(encoded).toHaveLength(1);
    const inWindow = (from: number, to: number) => looked.filter((t) => t >= from && t < to).length;
    expect(inWindow(1, 4)).toBeGreaterThanOrEqual(3 * 4);
    expect(inWindow(1, 4)).toBeLessThanOrEqual(3 * 5 + 1);
    expect(inWindow(7, 12)).toBeGreaterThanOrEqual(5 * 2 - 1);
    expect(inWindow(7, 12)).toBeLessThanOrEqual(5 * 2 + 1);
  });

  it('a board put down after a long still spell is noticed within half a second and encoded once it holds still', async () => {
    const g = gate();
    const empty = await pattern(8);
    const board = await pattern(9);
    const encodedScenes: number[] = [];
    let firstBoardEncode: number | null = null;
    for (const frame of replay([
      { jpeg: empty, seconds: 10 },
      { jpeg: board, seconds: 3 },
    ])) {
      const v = await g.look(frame, () => {});
      const t = (frame.capturedAt - 1_000_000) / 1000;
      if (v.look && v.encode) {
        encodedScenes.push(v.scene);
        if (t >= 10 && firstBoardEncode === null) firstBoardEncode = t;
      }
    }
    expect(new Set(encodedScenes).size).toBe(2);
    // noticed at the next check (<= 0.5 s), then two still frames
    expect(firstBoardEncode).not.toBeNull();
    expect(firstBoardEncode! - 10).toBeLessThanOrEqual(0.5 + 3 / FPS);
  });

  it('scenes that alternate every 0.4 s are each encoded (no check interval that always lands late)', async () => {
    const g = gate();
    const a = await pattern(10);
    const b = await pattern(11);
    const scenes = Array.from({ length: 20 }, (_, i) => ({ jpeg: i % 2 ? b : a, seconds: 0.4 }));
    let encodes = 0;
    for (const frame of replay(scenes)) {
      const v = await g.look(frame, () => {});
      if (v.look && v.encode) encodes++;
    }
    expect(encodes).toBeGreaterThanOrEqual(18);
  });

  it('a frame between two idle checks is not looked at, and the catalog hook runs only for frames looked at', async () => {
    const g = gate();
    const board = await pattern(12);
    let hooks = 0;
    let looked = 0;
    for (const frame of replay([{ jpeg: board, seconds: 3 }])) {
      const v = await g.look(frame, () => hooks++);
      if (v.look) looked++;
    }
    expect(hooks).toBe(looked);
    expect(looked).toBeLessThan(3 * FPS);
  });
});
