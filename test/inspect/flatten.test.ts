import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config/load.ts';

const run = promisify(execFile);

describe('flattened takes the light out around what lies over the board (real opencv.js, in its own process)', () => {
  it('a chip beside a bright shaft compares with its reference once the shaft is left out of the light', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', join(PACKAGE_ROOT, 'test', 'inspect', 'flatten-probe.ts')],
      { cwd: PACKAGE_ROOT, timeout: 120_000 },
    );
    const r = JSON.parse(stdout) as { plain: number; beside: number; nothingOver: number };
    // the shaft moves the light taken out of the chip beside it: it differs from its reference
    expect(r.plain).toBeGreaterThan(0.3);
    // left out of the light, the chip is what it was
    expect(r.beside).toBeLessThan(0.02);
    // with nothing over the board, the same as without a mask
    expect(r.nothingOver).toBeLessThan(1e-4);
  }, 150_000);
});
