import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/daemon.ts';

describe('benchsight config check explains each problem where it is written', { timeout: 120_000 }, () => {
  it('names slots, gives file lines, explains fractions and suggests the key meant', async () => {
    const file = join(tempDir('bs-config-check-'), 'bench.yaml');
    writeFileSync(
      file,
      [
        'camera:',
        '  id: bench-1',
        'slot:',
        '  - { name: left, rect: { x: 0, y: 0, width: 0.5, height: 1 } }',
        'slots:',
        '  - { name: left, rect: { x: 0, y: 0, width: 0.5, height: 1 } }',
        '  - name: right',
        '    rect: { x: 0.5, y: 0, width: 0.5, height: 1.5 }',
        'match:',
        '  threshold: 60',
        '  smothing: 3',
        'server: { port: 99999 }',
        '',
      ].join('\n'),
    );
    const r = await cli(['config', 'check', '--config', file]);
    expect(r.code).not.toBe(0);
    const lines = r.stderr.split('\n');
    const line = (start: string) => lines.find((l) => l.startsWith(`  - ${start}`));
    expect(line('slots[right].rect.height (line 8):')).toBeDefined();
    expect(r.stderr).not.toContain('slots.1');
    expect(line('match.threshold (line 10):')).toMatch(/fraction.*for 60% write 0\.6/);
    expect(line('match.smothing (line 11):')).toContain('did you mean `smoothing`?');
    expect(line('slot (line 3):')).toContain('did you mean `slots`?');
    expect(line('server.port (line 12):')).toBeDefined();
  });
});
