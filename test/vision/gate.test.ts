import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { type GateDecision, SceneGate, thumbnail } from '../../src/vision/gate.ts';

const SIZE = 32;
// changedArea 1 switches the area test off: these cases are about the mean difference.
const config = { thumbSize: SIZE, changeThreshold: 6, stableFrames: 3, pixelThreshold: 24, changedArea: 1 };

/** A grey scene with a bright 8x8 square at (x, y), plus +-noise on every pixel. */
function scene(x: number, y: number, noise = 0, seed = 1): Uint8Array {
  const t = new Uint8Array(SIZE * SIZE);
  let s = seed;
  for (let i = 0; i < t.length; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const px = i % SIZE;
    const py = Math.floor(i / SIZE);
    const base = px >= x && px < x + 8 && py >= y && py < y + 8 ? 220 : 60;
    t[i] = base + ((s % (2 * noise + 1)) - noise);
  }
  return t;
}

function run(gate: SceneGate, frames: Uint8Array[]): GateDecision[] {
  return frames.map((f) => gate.update(f));
}

describe('SceneGate', () => {
  it('calls the first frame changed, then settles and fires stable exactly once per scene', () => {
    const gate = new SceneGate(config);
    const still = Array.from({ length: 8 }, () => scene(4, 4));
    expect(run(gate, still)).toEqual([
      'changed',
      'settling',
      'settling',
      'stable',
      'idle',
      'idle',
      'idle',
      'idle',
    ]);
    expect(gate.lastDiff).toBe(0);
  });

  it('counts sensor noise below the threshold as unchanged', () => {
    const gate = new SceneGate(config);
    const noisy = Array.from({ length: 6 }, (_, i) => scene(4, 4, 4, i + 1));
    const decisions = run(gate, noisy);
    expect(decisions).toEqual(['changed', 'settling', 'settling', 'stable', 'idle', 'idle']);
    expect(gate.lastDiff).toBeGreaterThan(0);
    expect(gate.lastDiff).toBeLessThan(config.changeThreshold);
  });

  it('a moving object triggers changed, and the new scene is recognized once it holds still', () => {
    const gate = new SceneGate(config);
    run(gate, [scene(0, 0), scene(0, 0), scene(0, 0), scene(0, 0)]);
    const moving = [scene(6, 0), scene(12, 4), scene(18, 8)];
    expect(run(gate, moving)).toEqual(['changed', 'changed', 'changed']);
    expect(gate.lastDiff).toBeGreaterThan(config.changeThreshold);
    const settled = Array.from({ length: 5 }, () => scene(18, 8));
    expect(run(gate, settled)).toEqual(['settling', 'settling', 'stable', 'idle', 'idle']);
  });

  it('restarts settling when the picture changes before it is stable', () => {
    const gate = new SceneGate(config);
    expect(run(gate, [scene(0, 0), scene(0, 0), scene(0, 0), scene(16, 16), scene(16, 16)])).toEqual([
      'changed',
      'settling',
      'settling',
      'changed',
      'settling',
    ]);
  });

  it('calls a small but strong local change (a board entering at the edge) changed although the mean is low', () => {
    const gate = new SceneGate({ ...config, changedArea: 0.01 });
    run(gate, [scene(40, 40), scene(40, 40), scene(40, 40), scene(40, 40)]);
    // the 8x8 square appears half inside the frame: 32 pixels of 1024 change by 160, mean 5 < 6
    const entering = scene(28, 4);
    expect(run(gate, [entering])).toEqual(['changed']);
    expect(gate.lastDiff).toBeLessThan(config.changeThreshold);
    const withoutArea = new SceneGate(config);
    run(withoutArea, [scene(40, 40), scene(40, 40), scene(40, 40), scene(40, 40)]);
    expect(run(withoutArea, [scene(28, 4)])).toEqual(['idle']);
  });

  it('notices a slow drift while idle by comparing with the frame that made the scene stable', () => {
    const gate = new SceneGate({ ...config, changeThreshold: 3 });
    run(gate, [scene(0, 0), scene(0, 0), scene(0, 0), scene(0, 0)]);
    // One pixel column per frame: each step changes 16 pixels by 160, 2.5 < 3 on average;
    // two steps from the stable frame make 5.
    const drift = [1, 2, 3].map((x) => scene(x, 0));
    expect(run(gate, drift)).toEqual(['idle', 'changed', 'settling']);
  });

  it('reset() makes the next frame count as changed and the scene be recognized again', () => {
    const gate = new SceneGate(config);
    run(gate, [scene(0, 0), scene(0, 0), scene(0, 0), scene(0, 0)]);
    gate.reset();
    expect(gate.lastDiff).toBe(0);
    expect(run(gate, [scene(0, 0), scene(0, 0), scene(0, 0), scene(0, 0)])).toEqual([
      'changed',
      'settling',
      'settling',
      'stable',
    ]);
  });
});

describe('thumbnail', () => {
  it('makes a size x size greyscale thumbnail of a JPEG', async () => {
    const jpeg = await sharp({ create: { width: 1280, height: 720, channels: 3, background: '#808080' } })
      .composite([
        {
          input: { create: { width: 640, height: 720, channels: 3, background: '#ffffff' } },
          left: 640,
          top: 0,
        },
      ])
      .jpeg()
      .toBuffer();
    const thumb = await thumbnail(jpeg, 16);
    expect(thumb).toHaveLength(256);
    expect(Math.abs(thumb[0]! - 128)).toBeLessThan(6);
    expect(thumb[15]!).toBeGreaterThan(245);
  });

  it('refuses a frame that is not an image with E_IMAGE_INVALID', async () => {
    await expect(thumbnail(Buffer.from('garbage'), 16)).rejects.toMatchObject({ code: 'E_IMAGE_INVALID' });
  });
});
