import { readFileSync } from 'node:fs';
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
