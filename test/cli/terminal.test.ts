import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config/load.ts';
import { DAEMON_NODE_FLAGS } from '../../src/node-flags.ts';
import { BIN, cli } from '../helpers/cli.ts';
import { pattern, TINY_MODEL, tempDir, writeFrames } from '../helpers/daemon.ts';

/** Output of a running process until `done` says enough (bounded by `ms`, reached only when broken). */
function readUntil(child: ChildProcess, done: (out: string) => boolean, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`timed out; output so far:\n${out}`)), ms);
    const onData = (d: Buffer) => {
      out += d.toString('utf8');
      if (done(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', () => {
      clearTimeout(timer);
      reject(new Error(`exited; output:\n${out}`));
    });
  });
}

describe('benchsight run: what a terminal shows, what systemd gets', { timeout: 180_000 }, () => {
  let config: string;
  let dataDir: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    const dir = tempDir('bs-tty-');
    dataDir = join(dir, 'data');
    const board = await pattern(41, 640, 480);
    writeFileSync(join(dir, 'board.jpg'), board);
    writeFrames(join(dir, 'frames'), [board], 4);
    config = join(dir, 'bench.yaml');
    writeFileSync(
      config,
      [
        `camera: { source: { kind: folder, path: ${join(dir, 'frames')}, fps: 10 } }`,
        `model: { name: ${TINY_MODEL} }`,
        'gate: { stableFrames: 2 }',
        'match: { threshold: 0.995, minMargin: 0, smoothing: 1 }',
        `data: { dir: ${dataDir} }`,
        'server: { port: 0 }',
        'ocr: { enabled: false }',
        '',
      ].join('\n'),
    );
    const added = await cli([
      '--config',
      config,
      'catalog',
      'add',
      '--vendor',
      'Bitmain',
      '--model',
      'S21 hashboard',
      join(dir, 'board.jpg'),
    ]);
    expect(added.code).toBe(0);
  });

  afterEach(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    }
    child = undefined;
  });

  it('on a terminal: a banner with the URL, model, catalog and camera, then a line per recognition', async () => {
    // `script` gives the daemon a pseudo-terminal, as a shell window would
    const command = `"${process.execPath}" "${BIN}" run --config "${config}"`;
    child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: PACKAGE_ROOT,
      env: { ...process.env, BENCHSIGHT_LOG_LEVEL: 'info' },
    });
    const out = await readUntil(child, (o) => /S21 hashboard +100% match/.test(o), 120_000);
    expect(out).toMatch(/benchsight is running: http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toContain('model    tiny-vit');
    expect(out).toContain(`catalog  1 board, 1 references  (${join(dataDir, 'benchsight.db')})`);
    expect(out).toMatch(/camera {3}bench-1: folder .*frames {2}\(slots: the whole frame\)/);
    expect(out).toMatch(/\d\d:\d\d:\d\d bench-1\/bench +Bitmain S21 hashboard +100% match/);
    expect(out).not.toContain('{"level"');
  });

  it('without a terminal (systemd, a pipe): JSON log lines only', async () => {
    child = spawn(process.execPath, [BIN, 'run', '--config', config], {
      cwd: PACKAGE_ROOT,
      env: { ...process.env, BENCHSIGHT_LOG_LEVEL: 'info' },
    });
    const out = await readUntil(child, (o) => o.includes('"msg":"benchsight is running"'), 120_000);
    const lines = out.trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(out).not.toContain('Ctrl-C');
    // started without the launchers' node flags: it says so, and how to start it
    const warned = lines.map((l) => JSON.parse(l) as { msg: string; missing?: string[] });
    const flags = warned.find((l) => l.missing);
    expect(flags?.missing).toEqual([...DAEMON_NODE_FLAGS]);
    expect(flags?.msg).toContain(`node ${DAEMON_NODE_FLAGS.join(' ')} scripts/benchsight.mjs run`);
  });

  it("started with the launchers' node flags (npm start, the systemd unit): no warning about them", async () => {
    child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, BIN, 'run', '--config', config], {
      cwd: PACKAGE_ROOT,
      env: { ...process.env, BENCHSIGHT_LOG_LEVEL: 'info' },
    });
    const out = await readUntil(child, (o) => o.includes('"msg":"benchsight is running"'), 120_000);
    expect(out).not.toContain('"missing"');
    expect(out).not.toContain(DAEMON_NODE_FLAGS[0]);
  });
});
