import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { hostOfHeader, isHostOrAddress, isLoopbackHost, isWildcardHost } from '../../src/config/hosts.ts';
import { loadConfig, PACKAGE_ROOT } from '../../src/config/load.ts';
import { TINY_MODEL, tempDir } from '../helpers/daemon.ts';

const run = promisify(execFile);

async function cli(args: string[], env: Record<string, string>) {
  try {
    const r = await run(process.execPath, [join(PACKAGE_ROOT, 'scripts', 'benchsight.mjs'), ...args], {
      env: { ...process.env, BENCHSIGHT_LOG_LEVEL: 'error', BENCHSIGHT_MODEL: TINY_MODEL, ...env },
      timeout: 60_000,
    });
    return { code: 0, ...r };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

describe('addresses and ports are parsed, not matched by prefix', () => {
  it('loopback is an address in 127.0.0.0/8 or ::1 (however written), or the name localhost', () => {
    for (const h of ['127.0.0.1', '127.8.9.10', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', 'localhost'])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of [
      '127.evil.example',
      '127.1',
      '0x7f.0.0.1',
      '10.0.0.1',
      '0.0.0.0',
      'localhost.evil.example',
    ])
      expect(isLoopbackHost(h), h).toBe(false);
    expect(isWildcardHost('0.0.0.0') && isWildcardHost('::')).toBe(true);
    expect(isWildcardHost('127.0.0.1')).toBe(false);
    for (const h of ['bench-3.workshop.lan', '192.168.1.20', 'fe80::1'])
      expect(isHostOrAddress(h), h).toBe(true);
    for (const h of ['', 'http://box', 'box:8080', 'bad_name', '-lead.example', 'a..b'])
      expect(isHostOrAddress(h), h).toBe(false);
    expect(hostOfHeader('Box.Lan:8080')).toBe('box.lan');
    expect(hostOfHeader('[::1]:8080')).toBe('::1');
    expect(hostOfHeader('127.0.0.1')).toBe('127.0.0.1');
    for (const h of ['a b', 'box:80:80', '[nope]:1', 'box:123456', '']) expect(hostOfHeader(h), h).toBeNull();
  });

  it('server.host 127.evil.example is a name: binding to it needs auth users or tokens', () => {
    expect(() => loadConfig({ env: { BENCHSIGHT_HOST: '127.evil.example' } })).toThrow(
      /binding to 127.evil.example exposes the bench/,
    );
    expect(() => loadConfig({ env: { BENCHSIGHT_HOST: 'http://127.0.0.1' } })).toThrow(
      /server.host: expected an IP/,
    );
    for (const host of ['127.0.0.1', '127.0.0.2', '::1', 'localhost'])
      expect(loadConfig({ env: { BENCHSIGHT_HOST: host } }).config.server.host).toBe(host);
  });

  it('BENCHSIGHT_PORT must be decimal digits: " " and "0x50" are errors, not port 0 and port 80', () => {
    for (const bad of [' ', '0x50', '8080 ', '1e3', '-1']) {
      expect(() => loadConfig({ env: { BENCHSIGHT_PORT: bad } }), JSON.stringify(bad)).toThrow(
        `env BENCHSIGHT_PORT: expected a port number, decimal digits 0-65535 (0: any free port), got "${bad}"`,
      );
    }
    expect(() => loadConfig({ env: { BENCHSIGHT_PORT: '70000' } })).toThrow(/server.port/);
    expect(loadConfig({ env: { BENCHSIGHT_PORT: '8081' } }).config.server.port).toBe(8081);
  });

  it('the daemon refuses these before it opens a port (real command line)', async () => {
    const dataDir = tempDir('bs-addr-');
    const port = await freePort();
    const blank = await cli(['run', '--no-demo'], { BENCHSIGHT_DATA_DIR: dataDir, BENCHSIGHT_PORT: ' ' });
    expect(blank.code).not.toBe(0);
    expect(blank.stderr).toContain('env BENCHSIGHT_PORT: expected a port number');
    expect(blank.stderr).toContain('[E_CONFIG]');
    const hex = await cli(['run', '--no-demo', '--port', '0x50'], { BENCHSIGHT_DATA_DIR: dataDir });
    expect(hex.code).not.toBe(0);
    expect(hex.stderr).toContain('--port must be a whole number in decimal digits, got "0x50"');
    const evil = await cli(['run', '--no-demo', '--port', String(port), '--host', '127.evil.example'], {
      BENCHSIGHT_DATA_DIR: dataDir,
    });
    expect(evil.code).not.toBe(0);
    expect(evil.stderr).toContain('binding to 127.evil.example exposes the bench on the network');
  });
});
