import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config/load.ts';
import { DAEMON_NODE_FLAGS } from '../../src/node-flags.ts';
import { pattern, TINY_MODEL, tempDir, writeFrames } from '../helpers/daemon.ts';

function renderedUnit(): string {
  const dir = tempDir('bs-unit-');
  const path = join(dir, 'benchsight.service');
  writeFileSync(
    path,
    execFileSync(join(PACKAGE_ROOT, 'scripts', 'install-systemd.sh'), ['--print'], { encoding: 'utf8' }),
  );
  return path;
}

describe('systemd unit', () => {
  it('runs as its own user in the video group, notifies, restarts on failure, and is hardened', () => {
    const unit = execFileSync(join(PACKAGE_ROOT, 'scripts', 'install-systemd.sh'), ['--print'], {
      encoding: 'utf8',
    });
    for (const line of [
      'Type=notify',
      'Restart=on-failure',
      'WatchdogSec=',
      'User=benchsight',
      'SupplementaryGroups=video',
      'StateDirectory=benchsight',
      'ProtectSystem=strict',
      'DeviceAllow=char-video4linux rw',
      'NoNewPrivileges=yes',
    ]) {
      expect(unit).toContain(line);
    }
    expect(unit).not.toContain('@APP_DIR@');
    expect(unit).toContain(
      `ExecStart=${process.execPath} ${DAEMON_NODE_FLAGS.join(' ')} /opt/benchsight/scripts/benchsight.mjs run`,
    );
  });

  it('passes systemd-analyze verify and scores OK in systemd-analyze security --offline', () => {
    const path = renderedUnit();
    const verify = execFileSync('systemd-analyze', ['verify', path], { encoding: 'utf8', stdio: 'pipe' });
    expect(verify.trim()).toBe('');
    const security = execFileSync('systemd-analyze', ['security', '--offline=true', path], {
      encoding: 'utf8',
    });
    const exposure = Number(/Overall exposure level for benchsight\.service: ([\d.]+)/.exec(security)?.[1]);
    expect(exposure).toBeLessThan(3);
  });
});

describe('sd_notify (a Python datagram socket stands in for systemd as the NOTIFY_SOCKET listener)', () => {
  let listener: ChildProcess | undefined;
  let daemon: ChildProcess | undefined;

  afterAll(() => {
    listener?.kill('SIGKILL');
    daemon?.kill('SIGKILL');
  });

  it('sends READY=1 once serving, WATCHDOG=1 while running, STOPPING=1 on SIGTERM, then exits 0', async () => {
    const dir = tempDir('bs-notify-');
    const socketPath = join(dir, 'notify.sock');
    listener = spawn('python3', [
      '-u',
      '-c',
      `import socket,sys
s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); print("LISTENING", flush=True)
while True: print(s.recv(4096).decode().replace("\\n", "|"), flush=True)`,
      socketPath,
    ]);
    let messages = '';
    listener.stdout!.on('data', (d) => {
      messages += d.toString();
    });
    const until = async (pred: () => boolean, ms: number, what: string) => {
      const end = Date.now() + ms;
      while (!pred()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}; got: ${messages}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await until(() => messages.includes('LISTENING'), 5000, 'the listener');
    const frames = join(dir, 'frames');
    writeFrames(frames, [await pattern(3)], 3);
    const config = join(dir, 'benchsight.yaml');
    writeFileSync(
      config,
      `camera: { source: { kind: folder, path: ${frames}, fps: 5 } }\nserver: { port: 0 }\n`,
    );
    daemon = spawn(
      process.execPath,
      // as the unit's ExecStart starts it
      [...DAEMON_NODE_FLAGS, join(PACKAGE_ROOT, 'scripts', 'benchsight.mjs'), 'run', '--config', config],
      {
        env: {
          ...process.env,
          NOTIFY_SOCKET: socketPath,
          WATCHDOG_USEC: '2000000',
          BENCHSIGHT_MODEL: TINY_MODEL,
          BENCHSIGHT_DATA_DIR: join(dir, 'data'),
          BENCHSIGHT_LOG_LEVEL: 'warn',
        },
        stdio: 'ignore',
      },
    );
    await until(() => messages.includes('READY=1'), 30_000, 'READY=1');
    expect(messages).toMatch(/MAINPID=\d+/);
    await until(() => messages.includes('WATCHDOG=1'), 5000, 'WATCHDOG=1');
    const exited = new Promise<number | null>((resolve) => daemon!.once('exit', (code) => resolve(code)));
    daemon.kill('SIGTERM');
    expect(await exited).toBe(0);
    await until(() => messages.includes('STOPPING=1'), 5000, 'STOPPING=1');
  });
});
