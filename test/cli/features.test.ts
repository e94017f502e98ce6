import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { boardPhoto } from '../helpers/board-photo.ts';
import { cli } from '../helpers/cli.ts';
import { TINY_MODEL, tempDir } from '../helpers/daemon.ts';

/** Real CLI processes (node + tsx, an encoder thread, the opencv.js feature worker). */
describe('benchsight catalog add / import say how many local features each photo has', {
  timeout: 240_000,
}, () => {
  it('prints the count per reference and warns about a featureless photo', async () => {
    const dir = tempDir('bs-cli-features-');
    const env = { BENCHSIGHT_DATA_DIR: join(dir, 'data'), BENCHSIGHT_MODEL: TINY_MODEL };
    const jpeg = await boardPhoto();
    writeFileSync(join(dir, 'sharp.jpg'), jpeg);
    const grey = { width: 640, height: 480, channels: 3 as const, background: { r: 128, g: 128, b: 128 } };
    writeFileSync(join(dir, 'grey.jpg'), await sharp({ create: grey }).jpeg().toBuffer());

    const add = await cli(
      [
        'catalog',
        'add',
        '--vendor',
        'Bitmain',
        '--model',
        'S19',
        join(dir, 'sharp.jpg'),
        join(dir, 'grey.jpg'),
      ],
      { env },
    );
    expect(add.code).toBe(0);
    const count = add.stdout.match(/sharp\.jpg: (\d+) local features/);
    expect(Number(count?.[1])).toBeGreaterThanOrEqual(60);
    expect(add.stdout).toContain('grey.jpg: 0 local features');
    expect(add.stderr).toContain('warning: ');
    expect(add.stderr).toMatch(/grey\.jpg: few local features \(0, under 60\)/);
    expect(add.stderr).not.toContain('sharp.jpg');

    writeFileSync(
      join(dir, 'boards.yaml'),
      [
        'boards:',
        '  - vendor: MicroBT',
        '    model: M30S',
        '    kind: hashboard',
        '    images: [grey.jpg, sharp.jpg]',
        '',
      ].join('\n'),
    );
    const imp = await cli(['catalog', 'import', dir], { env });
    expect(imp.code).toBe(0);
    expect(imp.stdout).toContain('created    MicroBT M30S, +2 references');
    expect(imp.stderr).toMatch(/warning: grey\.jpg: few local features \(0, under 60\)/);
    expect(imp.stderr).not.toContain('sharp.jpg');
  });
});
