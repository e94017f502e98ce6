import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** The repository's scripts besides npm run bench (test/tools/benchmarks/cli.test.ts) and the option each must document. */
const SCRIPTS: Record<string, string[]> = {
  'scripts/eval.ts': [
    '--quick',
    '--only-photos',
    '--photos-from',
    '--verify-study',
    '--only-inspection',
    '--seed',
  ],
  'scripts/make-demo.ts': ['--out', '--boards', '--seed'],
  'scripts/render-samples.ts': ['--types', '--views', '--kind', '--only'],
  'scripts/capture-rate.ts': ['--seconds', '--fps'],
  'scripts/benchmark-ocr.ts': ['--labels', '--threads'],
  'scripts/model/make-dataset.ts': ['--manifest', '--split', '--views'],
  'scripts/model/benchmark-encoder.ts': ['manifest', '--runs', '--threads'],
};

function run(
  script: string,
  ...args: string[]
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('the scripts answer --help and refuse an unknown option (real scripts, no work done)', () => {
  it('--help prints the usage with every documented option and exits 0', async () => {
    const results = await Promise.all(Object.keys(SCRIPTS).map((s) => run(s, '--help')));
    for (const [i, [script, options]] of Object.entries(SCRIPTS).entries()) {
      const r = results[i]!;
      expect(r.status, script).toBe(0);
      expect(r.stdout, script).toMatch(/^Usage: /);
      for (const option of options) expect(r.stdout, `${script} ${option}`).toContain(option);
    }
  }, 120_000);

  it('an unknown option exits 2 with the reason above the usage, not a stack trace', async () => {
    const results = await Promise.all(Object.keys(SCRIPTS).map((s) => run(s, '--no-such-option')));
    for (const [i, script] of Object.keys(SCRIPTS).entries()) {
      const r = results[i]!;
      expect(r.status, script).toBe(2);
      expect(r.stderr.split('\n')[0], script).toMatch(/^Unknown option '--no-such-option'/);
      expect(r.stderr, script).toContain('Usage: ');
      expect(r.stderr, script).not.toMatch(/^\s+at /m);
      expect(r.stdout, script).toBe('');
    }
  }, 120_000);

  it('an argument that is not an option is refused where the script takes none, or past the ones it takes', async () => {
    const [extra, second] = await Promise.all([
      run('scripts/eval.ts', 'photos'),
      run('scripts/model/benchmark-encoder.ts', 'models/benchsight-tiny.json', 'models/benchsight-vit.json'),
    ]);
    expect(extra.status).toBe(2);
    expect(extra.stderr).toContain("'photos'");
    expect(second.status).toBe(2);
    expect(second.stderr.split('\n')[0]).toBe("Unexpected argument 'models/benchsight-vit.json'");
  }, 120_000);
});
