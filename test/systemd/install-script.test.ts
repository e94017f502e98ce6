import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config/load.ts';
import { DAEMON_NODE_FLAGS } from '../../src/node-flags.ts';
import { tempDir } from '../helpers/daemon.ts';

const run = promisify(execFile);

async function install(script: string, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run('bash', [script, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * A PATH on which every command that changes the system is a stand-in that only records its call
 * (a real install needs root and systemd, which a test must not touch): `id -u` says root.
 */
function fakeSystem(): { path: string; calls: () => string } {
  const bin = tempDir('bs-fake-bin-');
  const log = join(bin, 'calls.log');
  writeFileSync(log, '');
  for (const cmd of ['useradd', 'groupadd', 'getent', 'systemctl', 'systemd-analyze', 'install', 'tar']) {
    writeFileSync(join(bin, cmd), `#!/bin/sh\necho "${cmd} $*" >> "${log}"\n`);
    chmodSync(join(bin, cmd), 0o755);
  }
  writeFileSync(
    join(bin, 'id'),
    `#!/bin/sh\n[ "$1" = "-u" ] && { echo 0; exit 0; }\necho "id $*" >> "${log}"; exit 1\n`,
  );
  chmodSync(join(bin, 'id'), 0o755);
  return { path: `${bin}:${process.env.PATH}`, calls: () => readFileSync(log, 'utf8') };
}

const SCRIPT = join(PACKAGE_ROOT, 'scripts', 'install-systemd.sh');

describe('scripts/install-systemd.sh', () => {
  it('--help helps and installs nothing, even as root; unknown arguments are refused', async () => {
    const system = fakeSystem();
    const help = await install(SCRIPT, ['--help'], { PATH: system.path });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: /);
    for (const option of ['--app-dir', '--in-place', '--node', '--print', 'ProtectHome']) {
      expect(help.stdout).toContain(option);
    }
    const bad = await install(SCRIPT, ['--yes-please'], { PATH: system.path });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown argument '--yes-please'");
    expect(system.calls()).toBe('');
  });

  it('copies the code out of the checkout to where the unit can read it (staged under DESTDIR)', async () => {
    // a small checkout: the script, the unit, a package and its node_modules
    const checkout = tempDir('bs-checkout-');
    for (const dir of ['scripts', 'systemd', 'node_modules/dep', '.git', 'data'])
      mkdirSync(join(checkout, dir), { recursive: true });
    copyFileSync(SCRIPT, join(checkout, 'scripts', 'install-systemd.sh'));
    copyFileSync(
      join(PACKAGE_ROOT, 'systemd', 'benchsight.service'),
      join(checkout, 'systemd', 'benchsight.service'),
    );
    writeFileSync(join(checkout, 'scripts', 'benchsight.mjs'), '// cli\n');
    writeFileSync(join(checkout, 'node_modules', 'dep', 'index.js'), '// dep\n');
    writeFileSync(join(checkout, 'data', 'benchsight.db'), 'not to be copied');
    const stage = tempDir('bs-stage-');
    const r = await install(join(checkout, 'scripts', 'install-systemd.sh'), ['--node', process.execPath], {
      DESTDIR: stage,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const app = join(stage, 'opt', 'benchsight');
    expect(readFileSync(join(app, 'scripts', 'benchsight.mjs'), 'utf8')).toBe('// cli\n');
    expect(existsSync(join(app, 'node_modules', 'dep', 'index.js'))).toBe(true);
    expect(existsSync(join(app, '.git'))).toBe(false);
    expect(existsSync(join(app, 'data'))).toBe(false);
    const unit = readFileSync(join(stage, 'etc', 'systemd', 'system', 'benchsight.service'), 'utf8');
    expect(unit).toContain(
      `ExecStart=${process.execPath} ${DAEMON_NODE_FLAGS.join(' ')} /opt/benchsight/scripts/benchsight.mjs run`,
    );
    expect(unit).toContain('WorkingDirectory=/opt/benchsight');
    expect(unit).toContain('ProtectHome=yes');
    expect(readFileSync(join(stage, 'etc', 'benchsight', 'benchsight.yaml'), 'utf8')).toContain(
      'dir: /var/lib/benchsight',
    );
  });

  it('refuses to run the service from a folder the unit cannot read', async () => {
    const r = await install(SCRIPT, ['--print', '--app-dir', '/home/tech/benchsight']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ProtectHome=yes/);
    expect(r.stderr).toContain('/opt/benchsight');
  });
});
