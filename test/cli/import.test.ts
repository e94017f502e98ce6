import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import { pattern, TINY_MODEL, tempDir } from '../helpers/daemon.ts';

/** Real CLI processes (node + tsx, an encoder thread each): slow on a busy 2-core machine. */
describe('benchsight catalog import', { timeout: 240_000 }, () => {
  it('accepts textPattern in any spelling, updates what changed on a re-import and says what it did per board', async () => {
    const dir = tempDir('bs-import-yaml-');
    const env = { BENCHSIGHT_DATA_DIR: join(dir, 'data'), BENCHSIGHT_MODEL: TINY_MODEL };
    writeFileSync(join(dir, 'a1.jpg'), await pattern(21));
    writeFileSync(join(dir, 'a2.jpg'), await pattern(22));
    writeFileSync(join(dir, 'b1.jpg'), await pattern(23));
    const manifest = (notes: string, images: string) =>
      [
        'boards:',
        '  - vendor: Bitmain',
        '    model: S19j Pro',
        '    kind: hashboard',
        `    notes: ${notes}`,
        '    textPattern: S19J-?PRO',
        `    images: [${images}]`,
        '  - vendor: MicroBT',
        '    model: M30S',
        '    kind: hashboard',
        '    Chip-Type: KF1950',
        '    images: [b1.jpg]',
        '',
      ].join('\n');
    writeFileSync(join(dir, 'boards.yaml'), manifest('check the 12 V rail', 'a1.jpg'));
    const first = await cli(['catalog', 'import', dir], { env });
    expect(first.stderr).not.toMatch(/unknown key|problem/);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('created    Bitmain S19j Pro, +1 reference');
    expect(first.stdout).toContain('created    MicroBT M30S, +1 reference');
    expect(first.stdout).toContain('2 created, 0 updated, 0 unchanged, 0 skipped; 2 references added');

    writeFileSync(
      join(dir, 'boards.yaml'),
      manifest('check the 14 V rail', 'a1.jpg, a2.jpg').replace(
        'textPattern: S19J-?PRO',
        'text_pattern: S19J ?PRO',
      ),
    );
    const again = await cli(['catalog', 'import', dir], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('updated    Bitmain S19j Pro (notes, textPattern), +1 reference');
    expect(again.stdout).toContain('unchanged  MicroBT M30S');
    expect(again.stdout).toContain('0 created, 1 updated, 1 unchanged, 0 skipped; 1 references added');

    const list = await cli(['catalog', 'list', '--json'], { env });
    const boards = JSON.parse(list.stdout) as {
      model: string;
      notes: string;
      textPattern: string | null;
      chipType: string | null;
    }[];
    const s19 = boards.find((b) => b.model === 'S19j Pro');
    expect(s19).toMatchObject({ notes: 'check the 14 V rail', textPattern: 'S19J ?PRO' });
    expect(boards.find((b) => b.model === 'M30S')?.chipType).toBe('KF1950');
  });
});
