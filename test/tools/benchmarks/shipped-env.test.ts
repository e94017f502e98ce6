import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DAEMON_NODE_FLAGS } from '../../../src/node-flags.ts';
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

  it("the systemd unit's ExecStart gives node every flag of DAEMON_NODE_FLAGS, before the script", () => {
    const unit = readFileSync(join(ROOT, 'systemd/benchsight.service'), 'utf8');
    const exec = unit.split('\n').find((line) => line.startsWith('ExecStart='));
    const words = exec!.slice('ExecStart='.length).trim().split(/\s+/);
    expect(words[0]).toBe('@NODE@');
    const script = words.findIndex((w) => w.endsWith('scripts/benchsight.mjs'));
    expect(script).toBeGreaterThan(0);
    expect(DAEMON_NODE_FLAGS.length).toBeGreaterThan(0);
    expect(words.slice(1, script)).toEqual([...DAEMON_NODE_FLAGS]);
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
    // node's own flags: between node and the script
    expect(words.slice(words.indexOf('node') + 1, words.indexOf('scripts/benchsight.mjs'))).toEqual([
      ...DAEMON_NODE_FLAGS,
    ]);
  });
});

describe("npm run benchsight (the README's way to run a command, `run` too)", () => {
  it('starts node with DAEMON_NODE_FLAGS before the script', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const words = pkg.scripts.benchsight!.trim().split(/\s+/);
    expect(words[0]).toBe('node');
    expect(words.slice(1, words.indexOf('scripts/benchsight.mjs'))).toEqual([...DAEMON_NODE_FLAGS]);
  });
});

describe('npm run bench runs under SHIPPED_ENV and DAEMON_NODE_FLAGS (read only at start)', () => {
  it.each([
    ['neither', false],
    ['the environment but not the node flags', true],
  ])(
    "a script started with %s runs again in a child that has both, and exits with that child's status",
    (_, withEnv) => {
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
              .join(
                ', ',
              )}, flags: process.execArgv.filter((a) => !a.startsWith('--import') && a !== 'tsx'), args: process.argv.slice(2) }));`,
            'process.exit(3);',
          ].join('\n'),
        );
        const env = { ...process.env };
        for (const name of Object.keys(SHIPPED_ENV)) delete env[name];
        if (withEnv) Object.assign(env, SHIPPED_ENV);
        const r = spawnSync(process.execPath, ['--import', 'tsx', script, '--short'], {
          encoding: 'utf8',
          env,
        });
        expect(r.status).toBe(3);
        // printed once: by the child, not by a parent that went on
        const lines = r.stdout.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(JSON.parse(lines[0]!)).toEqual({
          ...SHIPPED_ENV,
          flags: [...DAEMON_NODE_FLAGS],
          args: ['--short'],
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
