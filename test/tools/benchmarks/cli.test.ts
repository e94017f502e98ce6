import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SECTIONS } from '../../../tools/benchmarks/run.ts';

function bench(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/benchmark.ts', ...args], {
    encoding: 'utf8',
  });
}

describe('npm run bench options (real script, no benchmark run)', () => {
  it('--help names every option and section and exits 0', () => {
    const r = bench('--help');
    expect(r.status).toBe(0);
    for (const word of ['--short', '--only', '--cache-dir', ...SECTIONS]) expect(r.stdout).toContain(word);
  });

  it('an unknown option or section exits 2 with the reason and the help, before any work', () => {
    const bad = bench('--fast');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("Unknown option '--fast'");
    expect(bad.stderr).toContain('Usage: npm run bench');
    const section = bench('--only', 'pipeline,gpu');
    expect(section.status).toBe(2);
    expect(section.stderr).toContain('unknown section "gpu"');
    expect(section.stdout).toBe('');
  });
});
