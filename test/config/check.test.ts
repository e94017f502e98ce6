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

describe('several cameras: `cameras:` (a list) or `camera:` (one), checked and printed', {
  timeout: 120_000,
}, () => {
  it('prints the effective list: each camera with its own slots and gate (the top-level gate by default)', async () => {
    const file = join(tempDir('bs-config-cams-'), 'bench.yaml');
    writeFileSync(
      file,
      [
        'gate: { stableFrames: 4 }',
        'cameras:',
        '  - id: bench-1',
        '    source: { kind: folder, path: frames-1 }',
        '    slots: [{ name: left, rect: { x: 0, y: 0, width: 0.5, height: 1 } }]',
        '  - id: bench-2',
        '    source: { kind: stream, input: rtsp://camera-2.lan/stream1 }',
        '    gate: { enabled: false }',
        '',
      ].join('\n'),
    );
    const r = await cli(['config', 'check', '--config', file]);
    expect(r.code).toBe(0);
    const shown = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as Record<string, unknown> & {
      cameras: { id: string; slots: { name: string }[]; gate: { enabled: boolean; stableFrames: number } }[];
    };
    expect(shown.cameras.map((c) => c.id)).toEqual(['bench-1', 'bench-2']);
    expect(shown.cameras[0]?.slots.map((s) => s.name)).toEqual(['left']);
    expect(shown.cameras[0]?.gate).toMatchObject({ enabled: true, stableFrames: 4 });
    expect(shown.cameras[1]?.slots).toEqual([]);
    expect(shown.cameras[1]?.gate).toMatchObject({ enabled: false, stableFrames: 3 });
    expect(shown).not.toHaveProperty('camera');
    expect(shown).not.toHaveProperty('slots');
  });

  it('camera: stays the one-camera form, with the top-level slots', async () => {
    const file = join(tempDir('bs-config-cam-'), 'bench.yaml');
    writeFileSync(
      file,
      [
        'camera: { id: bench-7, source: { kind: folder, path: frames } }',
        'slots: [{ name: right, rect: { x: 0.5, y: 0, width: 0.5, height: 1 } }]',
        '',
      ].join('\n'),
    );
    const r = await cli(['config', 'check', '--config', file]);
    expect(r.code).toBe(0);
    const shown = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as {
      cameras: { id: string; slots: { name: string }[] }[];
    };
    expect(shown.cameras.map((c) => [c.id, c.slots.map((s) => s.name)])).toEqual([['bench-7', ['right']]]);
  });

  it('names a duplicate id, refuses ids that are not URL-safe, and camera: with cameras:', async () => {
    const file = join(tempDir('bs-config-dup-'), 'bench.yaml');
    writeFileSync(
      file,
      [
        'camera: { id: bench-1 }',
        'slots: [{ name: left, rect: { x: 0, y: 0, width: 0.5, height: 1 } }]',
        'cameras:',
        '  - { id: bench-1, source: { kind: folder, path: a } }',
        '  - { id: bench-2, source: { kind: folder, path: b } }',
        '  - { id: bench-1, source: { kind: folder, path: c } }',
        '',
      ].join('\n'),
    );
    const r = await cli(['config', 'check', '--config', file]);
    expect(r.code).not.toBe(0);
    const lines = r.stderr.split('\n');
    const line = (start: string) => lines.find((l) => l.startsWith(`  - ${start}`));
    expect(line('cameras[bench-1].id (line 6):')).toContain(
      'camera id "bench-1" is used twice (cameras 1 and 3)',
    );
    expect(line('camera (line 1):')).toContain('not both');
    expect(line('slots (line 2):')).toContain('each camera has its own slots');

    writeFileSync(
      file,
      ['cameras:', '  - { id: "bench 4/x", source: { kind: folder, path: d } }', ''].join('\n'),
    );
    const bad = await cli(['config', 'check', '--config', file]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain(
      'cameras[bench 4/x].id (line 2): letters, digits, - and _ only (it is used in URLs)',
    );
  });
});
