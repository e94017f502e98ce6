import { afterAll, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/main.ts';
import type { FrameDone, FrameStages } from '../../src/pipeline/types.ts';
import { pattern, startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';

const ORDER: (keyof FrameStages)[] = ['taken', 'decoded', 'preprocessing', 'posted', 'encoded', 'done'];

describe('frame stages (where capture to recognition goes, for npm run bench)', () => {
  let daemon: Daemon | undefined;
  afterAll(async () => {
    await daemon?.stop();
  });

  it('reports each frame stage by stage, in order, ending when the frame is done', async () => {
    const frames = tempDir('bs-stages-');
    writeFrames(frames, [await pattern(1), await pattern(2)], 3);
    const started = await startTestDaemon(frames, { gate: { enabled: false } });
    daemon = started.daemon;
    const pipeline = daemon.pipeline!;
    const done = await new Promise<FrameDone[]>((resolve) => {
      const seen: FrameDone[] = [];
      const off = pipeline.onFrameDone((d) => {
        seen.push(d);
        if (seen.length === 5) {
          off();
          resolve(seen);
        }
      });
    });
    for (const d of done) {
      const times = ORDER.map((key) => d.stages[key]);
      // Monotonic, from the capture on: the camera stamps its frames on the monotonic clock too.
      expect(times[0]).toBeGreaterThanOrEqual(0);
      for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]!);
      // The last stage is the frame's capture-to-recognition time (doneAt has whole ms).
      expect(Math.abs(d.stages.done - (d.doneAt - d.capturedAt))).toBeLessThanOrEqual(2);
    }
  }, 120_000);
});
