/**
 * How a flood of failed logins affects everything else the daemon does: /healthz latency, first
 * alone, then while 300 failed logins (20 at a time, each from its own 127.x.y.z address and with
 * its own user name) are being checked. The daemon runs as its own process, as in production.
 *
 *   npx tsx tools/benchmarks/login-flood.ts [--bin path/to/benchsight.mjs]
 *
 * --bin measures another checkout (e.g. the code before a change) with the same load.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { PACKAGE_ROOT } from '../../src/config/load.ts';
import { hashPassword } from '../../src/server/password.ts';

const LOGINS = 300;
const PARALLEL = 20;
const POLL_MS = 20;
const BASELINE_MS = 3000;

const { values } = parseArgs({ options: { bin: { type: 'string' } } });
const bin = resolve(values.bin ?? join(PACKAGE_ROOT, 'scripts', 'benchsight.mjs'));

const freePort = () =>
  new Promise<number>((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => done(p));
    });
  });

function call(port: number, method: string, path: string, body?: string, localAddress?: string) {
  return new Promise<number>((done, fail) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: body ? { 'content-type': 'application/json' } : {},
        ...(localAddress ? { localAddress } : {}),
      },
      (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

async function startDaemon(): Promise<{ child: ChildProcess; port: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bs-flood-'));
  const frames = join(dir, 'frames');
  mkdirSync(frames);
  const jpeg = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#446688' } })
    .jpeg()
    .toBuffer();
  writeFileSync(join(frames, '1.jpg'), jpeg);
  const port = await freePort();
  writeFileSync(
    join(dir, 'benchsight.yaml'),
    [
      `camera: { source: { kind: folder, path: ${frames}, fps: 2 } }`,
      `server: { port: ${port} }`,
      `data: { dir: ${join(dir, 'data')} }`,
      'ocr: { enabled: false }',
      'log: { level: error }',
      'auth:',
      '  required: true',
      `  users: [{ name: boss, passwordHash: "${hashPassword('the-right-password')}", role: admin }]`,
    ].join('\n'),
  );
  const child = spawn(process.execPath, [bin, 'run', '--no-demo', '--config', join(dir, 'benchsight.yaml')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 600; i++) {
    if (await call(port, 'GET', '/healthz').catch(() => 0)) return { child, port };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('the daemon did not answer /healthz within 60 s');
}

/** /healthz round trips, one every POLL_MS, until `until` resolves. */
async function pollHealth(port: number, until: Promise<unknown>): Promise<number[]> {
  let stop = false;
  void until.then(() => {
    stop = true;
  });
  const times: number[] = [];
  while (!stop) {
    const t0 = performance.now();
    await call(port, 'GET', '/healthz');
    times.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return times;
}

async function flood(port: number): Promise<{ ms: number; statuses: Map<number, number> }> {
  const statuses = new Map<number, number>();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < LOGINS) {
        const i = next++;
        const body = JSON.stringify({ name: `nobody-${i}`, password: 'wrong-password' });
        const status = await call(
          port,
          'POST',
          '/api/auth/login',
          body,
          `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}`,
        );
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  return { ms: performance.now() - t0, statuses };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

const { child, port } = await startDaemon();
process.on('exit', () => child.kill('SIGTERM'));
try {
  const baseline = await pollHealth(port, new Promise((r) => setTimeout(r, BASELINE_MS)));
  const attack = flood(port);
  const during = await pollHealth(port, attack);
  const { ms, statuses } = await attack;
  const row = (name: string, xs: number[]) =>
    `| ${name.padEnd(30)} | ${String(xs.length).padStart(5)} | ${pct(xs, 50).toFixed(1).padStart(6)} | ${pct(xs, 95).toFixed(1).padStart(6)} | ${Math.max(
      ...xs,
    )
      .toFixed(1)
      .padStart(7)} |`;
  console.log(`daemon: ${bin}`);
  console.log('| /healthz round trip, ms         |     n |    p50 |    p95 |     max |');
  console.log('|--------------------------------|-------|--------|--------|---------|');
  console.log(row('alone (reference)', baseline));
  console.log(row(`during ${LOGINS} failed logins`, during));
  console.log(
    `${LOGINS} failed logins in ${(ms / 1000).toFixed(1)} s (${PARALLEL} at a time); answers: ${[...statuses]
      .map(([s, n]) => `${n} x ${s}`)
      .join(', ')}`,
  );
} finally {
  child.kill('SIGTERM');
}
