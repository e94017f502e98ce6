import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHIPPED_ENV } from '../../../tools/benchmarks/daemon-sections.ts';

const ROOT = join(import.meta.dirname, '../../..');

describe('the environment the launchers give the daemon (what the benchmark measures)', () => {
  it('the systemd unit sets every variable of SHIPPED_ENV to the same value', () => {
    const unit = readFileSync(join(ROOT, 'systemd/benchsight.service'), 'utf8');
    const set = new Map<string, string>();
    for (const line of unit.split('\n')) {
      if (!line.startsWith('Environment=')) continue;
      for (const pair of line.slice('Environment='.length).split(/\s+/)) {
        const eq = pair.indexOf('=');
        if (eq > 0) set.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
    }
    expect(Object.keys(SHIPPED_ENV).length).toBeGreaterThan(0);
    for (const [name, value] of Object.entries(SHIPPED_ENV)) expect(set.get(name)).toBe(value);
  });

  it('npm start sets them on the daemon process', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const daemon = pkg.scripts.start!.split('&&').find((part) => part.includes(' run'));
    expect(daemon).toBeDefined();
    // the assignments before the command: NAME=value ... node scripts/benchsight.mjs run
    const words = daemon!.trim().split(/\s+/);
    const assigned = new Map<string, string>();
    for (const word of words.slice(0, words.indexOf('node'))) {
      const eq = word.indexOf('=');
      if (eq > 0) assigned.set(word.slice(0, eq), word.slice(eq + 1));
    }
    expect(words.indexOf('node')).toBeGreaterThan(0);
    for (const [name, value] of Object.entries(SHIPPED_ENV)) expect(assigned.get(name)).toBe(value);
  });
});

describe('npm run bench runs under SHIPPED_ENV (glibc reads it only at start)', () => {
  it("a script without it runs again in a child that has it, and exits with that child's status", () => {
    const dir = mkdtempSync(join(tmpdir(), 'benchsight-reexec-'));
    try {
      const script = join(dir, 'probe.ts');
      writeFileSync(
        script,
        [
          `import { reexecWithShippedEnv } from ${JSON.stringify(join(ROOT, 'tools/benchmarks/shipped-env.ts'))};`,
          'reexecWithShippedEnv();',
          `console.log(JSON.stringify({ ${Object.keys(SHIPPED_ENV)
            .map((name) => `${name}: process.env.${name}`)
            .join(', ')}, args: process.argv.slice(2) }));`,
          'process.exit(3);',
        ].join('\n'),
      );
      const env = { ...process.env };
      for (const name of Object.keys(SHIPPED_ENV)) delete env[name];
      const r = spawnSync(process.execPath, ['--import', 'tsx', script, '--short'], {
        encoding: 'utf8',
        env,
      });
      expect(r.status).toBe(3);
      // printed once: by the child, not by a parent that went on
      const lines = r.stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toEqual({ ...SHIPPED_ENV, args: ['--short'] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
