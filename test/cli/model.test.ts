import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config/load.ts';
import { pattern, tempDir } from '../helpers/daemon.ts';

const run = promisify(execFile);
const FIXTURES = join(PACKAGE_ROOT, 'test', 'fixtures');
/** Each step starts several CLI processes (node + tsx, an encoder thread): slow on a busy 2-core machine. */
const CLI_STEPS = 180_000;

async function cli(args: string[], env: Record<string, string>) {
  try {
    const r = await run(process.execPath, [join(PACKAGE_ROOT, 'scripts', 'benchsight.mjs'), ...args], {
      env: { ...process.env, BENCHSIGHT_LOG_LEVEL: 'error', ...env },
      timeout: 60_000,
    });
    return { code: 0, ...r };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('benchsight model fetch | list | verify | use (no daemon running)', { timeout: CLI_STEPS }, () => {
  let env: Record<string, string>;
  let copy: string;
  let modelsDir: string;
  let dataDir: string;

  beforeAll(async () => {
    const dir = tempDir('bs-cli-model-');
    modelsDir = join(dir, 'models');
    dataDir = join(dir, 'data');
    const base = JSON.parse(readFileSync(join(FIXTURES, 'tiny-vit.json'), 'utf8'));
    mkdirSync(modelsDir);
    copyFileSync(join(FIXTURES, 'tiny-vit.onnx'), join(modelsDir, 'tiny-a.onnx'));
    writeFileSync(
      join(modelsDir, 'tiny-a.json'),
      JSON.stringify({ ...base, id: 'tiny-a@1', name: 'tiny-a', file: 'tiny-a.onnx' }),
    );
    writeFileSync(
      join(modelsDir, 'tiny-b.json'),
      JSON.stringify({
        ...base,
        id: 'tiny-b@1',
        name: 'tiny-b',
        file: 'tiny-b.onnx',
        source: { url: 'http://127.0.0.1:9/x' },
      }),
    );
    copy = join(dir, 'downloaded-elsewhere.onnx');
    copyFileSync(join(FIXTURES, 'tiny-vit.onnx'), copy);
    const config = join(dir, 'benchsight.yaml');
    // a port nobody listens on: `model use` finds no daemon and works on the database itself
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    writeFileSync(
      config,
      `model: { dir: ${modelsDir} }\nserver: { port: ${port} }\ndata: { dir: ${join(dir, 'data')} }\n`,
    );
    env = { BENCHSIGHT_CONFIG: config };
    const images = join(dir, 'import');
    mkdirSync(images);
    writeFileSync(join(images, 'a.jpg'), await pattern(5));
    writeFileSync(
      join(images, 'boards.yaml'),
      '- { vendor: Bitmain, model: APW12, kind: psu, images: [a.jpg] }\n',
    );
    const imported = await cli(['catalog', 'import', images, '--data-dir', join(dir, 'data')], {
      ...env,
      BENCHSIGHT_MODEL: 'tiny-a',
    });
    expect(imported.stdout).toContain('1 created');
  });

  it('lists models with installed state and says how to install a missing one', async () => {
    const list = await cli(['model', 'list'], env);
    expect(list.stdout).toMatch(/tiny-a\s+installed/);
    expect(list.stdout).toMatch(/tiny-b\s+not installed/);
    const use = await cli(['model', 'use', 'tiny-b'], env);
    expect(use.code).not.toBe(0);
    expect(use.stderr).toContain('benchsight model fetch tiny-b');
  });

  it('fetches from a local file, records its sha256, verifies it, and switches to it', async () => {
    const fetched = await cli(['model', 'fetch', 'tiny-b', '--from', copy], env);
    expect(fetched.stderr + fetched.stdout).toContain('installed tiny-b');
    expect(fetched.code).toBe(0);
    expect(fetched.stdout).toContain('installed tiny-b');
    expect(fetched.stdout).toContain('this fetch recorded it');
    const verified = await cli(['model', 'verify'], env);
    expect(verified.stdout).toContain('ok        tiny-b (sha256 matches the fetch record)');
    expect(verified.stdout).toContain('ok        tiny-a (sha256 matches the manifest)');
    const used = await cli(['model', 'use', 'tiny-b'], env);
    expect(used.code).toBe(0);
    expect(used.stdout).toContain('1 references embedded; tiny-b is the active model');
    expect((await cli(['model', 'list'], env)).stdout).toMatch(/\* tiny-b/);
  });

  it('refuses to install random bytes (non-zero exit, expected against found) and to switch to a model whose file changed', async () => {
    const garbage = join(tempDir(), 'random.onnx');
    writeFileSync(garbage, randomBytes(1_000_000));
    const installed = readFileSync(join(dataDir, 'models', 'tiny-b.onnx'));
    const fetched = await cli(['model', 'fetch', 'tiny-b', '--from', garbage], env);
    expect(fetched.code).not.toBe(0);
    expect(fetched.stderr).toContain(`${garbage} is not a tiny-b model`);
    expect(fetched.stderr).toContain(
      'expected an ONNX model with input "pixel_values" float32 [batch, 3, 32, 32]',
    );
    expect(fetched.stderr).toContain('Nothing was installed');
    expect(readFileSync(join(dataDir, 'models', 'tiny-b.onnx')).equals(installed)).toBe(true);
    expect((await cli(['model', 'verify', 'tiny-b'], env)).stdout).toContain('ok        tiny-b');

    writeFileSync(join(modelsDir, 'tiny-a.onnx'), randomBytes(1000));
    const used = await cli(['model', 'use', 'tiny-a'], env);
    expect(used.code).not.toBe(0);
    expect(used.stderr).toContain('has changed since it was installed');
    expect((await cli(['model', 'list'], env)).stdout).toMatch(/\* tiny-b/);
  });
});
