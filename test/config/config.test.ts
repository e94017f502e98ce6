import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, PACKAGE_ROOT } from '../../src/config/load.ts';
import { BenchsightError } from '../../src/errors.ts';
import { tempDir } from '../helpers/temp.ts';

function tempYaml(text: string): string {
  const dir = tempDir('bs-config-');
  const path = join(dir, 'benchsight.yaml');
  writeFileSync(path, text);
  return path;
}

describe('config', () => {
  it('defaults run the demo: folder source under the data dir, bundled model, localhost', () => {
    const { config } = loadConfig({ env: {} });
    expect(config.cameras[0]?.source).toMatchObject({
      kind: 'folder',
      path: join(process.cwd(), 'data', 'demo', 'frames'),
    });
    expect(config.model.dir).toBe(join(PACKAGE_ROOT, 'models'));
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(Object.isFrozen(config.server)).toBe(true);
  });

  it('env overrides the file and flags override env', () => {
    const path = tempYaml('server:\n  port: 9000\ndata:\n  dir: state\n');
    const fromFile = loadConfig({ configPath: path, env: {} }).config;
    expect(fromFile.server.port).toBe(9000);
    expect(fromFile.data.dir).toBe(join(path, '..', 'state'));
    const fromEnv = loadConfig({
      configPath: path,
      env: { BENCHSIGHT_PORT: '9100', BENCHSIGHT_DATA_DIR: '/tmp/x' },
    });
    expect(fromEnv.config.server.port).toBe(9100);
    expect(fromEnv.config.data.dir).toBe('/tmp/x');
    const fromFlags = loadConfig({
      configPath: path,
      env: { BENCHSIGHT_PORT: '9100' },
      flags: { port: 9200 },
    });
    expect(fromFlags.config.server.port).toBe(9200);
  });

  it('lists every error with its path in one message', () => {
    const path = tempYaml(
      [
        'camera:',
        '  source: { kind: stream }',
        'slots:',
        '  - { name: "left slot", rect: { x: 0.6, y: 0, width: 0.5, height: 1 } }',
        'match: { threshold: 3 }',
        'colour: blue',
      ].join('\n'),
    );
    let caught: unknown;
    try {
      loadConfig({ configPath: path, env: { BENCHSIGHT_PORT: 'eighty' } });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BenchsightError);
    const e = caught as BenchsightError;
    expect(e.code).toBe('E_CONFIG');
    for (const fragment of [
      'env BENCHSIGHT_PORT',
      'camera.source.input',
      'slots[left slot].name (line 4)',
      'slots[left slot].rect',
      'match.threshold',
      'colour',
    ]) {
      expect(e.message).toContain(fragment);
    }
  });

  it('reports unreadable and non-mapping files clearly', () => {
    expect(() => loadConfig({ configPath: '/nonexistent/benchsight.yaml', env: {} })).toThrow(
      /could not be read/,
    );
    expect(() => loadConfig({ configPath: tempYaml('- a\n- b\n'), env: {} })).toThrow(/YAML mapping/);
    expect(() => loadConfig({ configPath: tempYaml('a: [\n'), env: {} })).toThrow(/not valid YAML/);
  });
});
