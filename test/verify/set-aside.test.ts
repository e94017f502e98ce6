import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config/load.ts';
import type { PairMatch } from '../../src/verify/opencv.ts';

const run = promisify(execFile);

describe('homographyBesides: a folded consensus is set aside, the board aligns with the rest (real opencv.js, in its own process)', () => {
  it('aligns the board where the plain RANSAC homography finds only the folded one; nothing plausible left: no match', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', join(PACKAGE_ROOT, 'test', 'verify', 'set-aside-probe.ts')],
      { cwd: PACKAGE_ROOT, timeout: 120_000 },
    );
    const r = JSON.parse(stdout) as Record<'plain' | 'besides' | 'onlyFolded' | 'tooFew', PairMatch>;
    // the larger consensus wins RANSAC and is no board: nothing
    expect(r.plain).toEqual({ inliers: 0, outline: null });
    expect(r.besides.outline).not.toBeNull();
    expect(r.besides.inliers).toBeGreaterThanOrEqual(38);
    expect(r.besides.inliers).toBeLessThanOrEqual(40);
    // the reference's top-left and bottom-right corners where the shift and scale put them
    const [tl, , br] = r.besides.outline!;
    expect(tl[0]).toBeCloseTo(100, 0);
    expect(tl[1]).toBeCloseTo(50, 0);
    expect(br[0]).toBeCloseTo(100 + 0.9 * 400, 0);
    expect(br[1]).toBeCloseTo(50 + 0.9 * 200, 0);
    expect(r.onlyFolded).toEqual({ inliers: 0, outline: null });
    expect(r.tooFew).toEqual({ inliers: 0, outline: null });
  }, 150_000);
});
