import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config/load.ts';

const run = promisify(execFile);

interface Report {
  keypoints: number;
  descriptorsMatch: boolean;
  outside: number;
  nearEdge: number;
  inliers: number;
}

describe('a reference cropped to its board is detected with a mirrored border (real opencv.js, in its own process)', () => {
  it('keeps only keypoints on the picture, finds more near its edges, and aligns a turned view with more inliers', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', join(PACKAGE_ROOT, 'test', 'verify', 'features-pad-probe.ts')],
      { cwd: PACKAGE_ROOT, timeout: 120_000 },
    );
    const { plain, padded } = JSON.parse(stdout) as { plain: Report; padded: Report };
    expect(padded.descriptorsMatch).toBe(true);
    expect(padded.outside).toBe(0);
    expect(padded.keypoints).toBeGreaterThan(1000);
    expect(padded.nearEdge).toBeGreaterThan(1.5 * plain.nearEdge);
    expect(padded.inliers).toBeGreaterThan(plain.inliers);
    expect(padded.inliers).toBeGreaterThanOrEqual(12);
  }, 150_000);
});
