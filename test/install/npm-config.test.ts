import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config/load.ts';

const run = promisify(execFile);

/** The environment of a user's shell: none of the variables npm sets for the scripts it runs (`npm test`). */
function shellEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (
      /^npm_/i.test(key) ||
      key === 'NODE_OPTIONS' ||
      key === 'ONNXRUNTIME_NODE_INSTALL' ||
      key === 'INIT_CWD'
    )
      delete env[key];
  }
  return env;
}

describe('npm and onnxruntime-node (real npm, real postinstall)', { timeout: 120_000 }, () => {
  it("onnxruntime-node's postinstall skips the CUDA download, and npm prints no config warning", async () => {
    const { stdout, stderr } = await run('npm', ['rebuild', 'onnxruntime-node', '--foreground-scripts'], {
      cwd: PACKAGE_ROOT,
      env: shellEnv(),
    });
    const out = stdout + stderr;
    expect(out).toMatch(/onnxruntime-node@[\d.]+ postinstall/);
    expect(out).not.toMatch(/Downloading|nuget|ENOTFOUND/i);
    expect(out).not.toMatch(/Unknown (project|user|builtin) config/);
  });

  it('a GPU user can still ask for the CUDA binaries (the variable they set wins)', async () => {
    const { stdout } = await run(
      'npm',
      ['exec', '--', 'node', '-p', 'process.env.ONNXRUNTIME_NODE_INSTALL'],
      {
        cwd: PACKAGE_ROOT,
        env: { ...shellEnv(), ONNXRUNTIME_NODE_INSTALL: 'cuda12' },
      },
    );
    expect(stdout.trim()).toBe('cuda12');
    const plain = await run('npm', ['exec', '--', 'node', '-p', 'process.env.ONNXRUNTIME_NODE_INSTALL'], {
      cwd: PACKAGE_ROOT,
      env: shellEnv(),
    });
    expect(plain.stdout.trim()).toBe('skip');
  });
});
