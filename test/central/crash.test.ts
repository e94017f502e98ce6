import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CentralStore } from '../../src/catalog/central/store.ts';
import { Catalog } from '../../src/catalog/index.ts';
import { PACKAGE_ROOT } from '../../src/config/load.ts';
import type { CentralStatus } from '../../src/protocol.ts';
import { DATABASE_FILE } from '../../src/runtime.ts';
import { pattern, TINY_MODEL, tempDir, writeAlternating } from '../helpers/daemon.ts';
import { TestPostgres } from '../helpers/postgres.ts';

const BIN = join(PACKAGE_ROOT, 'scripts', 'benchsight.mjs');
const WAIT = 120_000;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + WAIT;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // the daemon is not up yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const exited = (c: ChildProcess) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)));

describe('kill -9 of a box while it sends its outbox (real PostgreSQL, the daemon in its own process)', {
  timeout: 300_000,
}, () => {
  let pg: TestPostgres;
  let store: CentralStore;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    pg = await TestPostgres.create();
    const admin = await CentralStore.connect({ url: pg.url(), password: pg.password, box: 'test' });
    await admin.migrate();
    await admin.close();
  }, 180_000);

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await store?.close();
    await pg?.dispose();
  });

  it('nothing lost, nothing doubled, in order', async () => {
    const dir = tempDir('bs-central-crash-');
    const frames = join(dir, 'frames');
    const pictures = [await pattern(61, 320, 240), await pattern(62, 320, 240)];
    // each held 0.7 s first (verified once still), then alternating: a recognition on every frame
    writeAlternating(frames, pictures, 18, 100);
    const port = await freePort();
    const config = join(dir, 'benchsight.yaml');
    writeFileSync(
      config,
      [
        `camera: { source: { kind: folder, path: ${frames}, fps: 25 } }`,
        'gate: { enabled: false }',
        'match: { threshold: -1, minMargin: 0, smoothing: 1 }',
        `server: { port: ${port} }`,
        `data: { dir: ${join(dir, 'data')} }`,
        `central: { url: '${pg.url()}', box: bench-k, syncIntervalMs: 50 }`,
      ].join('\n'),
    );
    const url = `http://127.0.0.1:${port}`;
    const start = () => {
      const child = spawn(process.execPath, [BIN, 'run', '--config', config], {
        env: {
          ...process.env,
          BENCHSIGHT_LOG_LEVEL: 'error',
          BENCHSIGHT_MODEL: TINY_MODEL,
          BENCHSIGHT_CENTRAL_PASSWORD: pg.password,
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(child);
      return child;
    };
    const central = async () =>
      ((await (await fetch(`${url}/api/status`)).json()) as { central: CentralStatus }).central;
    const localTotal = async () =>
      ((await (await fetch(`${url}/api/recognitions?limit=1`)).json()) as { total: number }).total;

    let daemon = start();
    await until(async () => (await central()).state === 'connected', 'the box connects');
    // two boards, seen in turn: a recognition at every frame
    for (const [i, picture] of pictures.entries()) {
      const board = (await (
        await fetch(`${url}/api/boards`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ vendor: 'Bitmain', model: `Crash ${i}`, kind: 'hashboard' }),
        })
      ).json()) as { id: number };
      const form = new FormData();
      form.append('image', new Blob([new Uint8Array(picture)]), `${i}.jpg`);
      expect(
        (await fetch(`${url}/api/boards/${board.id}/references`, { method: 'POST', body: form })).status,
      ).toBe(201);
    }
    // a backlog of more than one outbox batch (200 rows) builds up while the central side is away
    await pg.stop();
    const before = await localTotal();
    // units in the backlog too: each with a visit, a status change and a note
    const serials = Array.from({ length: 30 }, (_, i) => `SN-CRASH-${i}`);
    const json = (method: string, body: unknown) => ({
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    for (const serial of serials) {
      expect((await fetch(`${url}/api/units`, json('POST', { serial, boardId: null }))).status).toBe(201);
      const patch = json('PATCH', { status: 'repairing', note: `note of ${serial}` });
      expect((await fetch(`${url}/api/units/${serial}`, patch)).status).toBe(200);
    }
    await until(async () => (await localTotal()) > before + 250, 'a backlog of 250 recognitions');
    await pg.start();
    store = await CentralStore.connect({ url: pg.url(), password: pg.password, box: 'test' });
    await until(async () => (await store.countRecognitions('bench-k')) > 0, 'sending has begun');
    daemon.kill('SIGKILL');
    await exited(daemon);

    const db = Catalog.open(join(dir, 'data', DATABASE_FILE), { readonly: true });
    const atKill = db.queryRecognitions({ limit: 0, offset: 0 }).total;
    db.close();
    daemon = start();
    await until(async () => (await store.countRecognitions('bench-k')) >= atKill, 'the rest arrives');
    daemon.kill('SIGTERM');
    await exited(daemon);

    const sent = (await store.recognitions({ box: 'bench-k', limit: 100_000, offset: 0 })).rows.map(
      (r) => r.localId,
    );
    const last = Math.max(...sent);
    const after = Catalog.open(join(dir, 'data', DATABASE_FILE), { readonly: true });
    const here = after
      .queryRecognitions({ limit: 10_000, offset: 0 })
      .rows.map((r) => r.id)
      .filter((id) => id <= last);
    after.close();
    expect(new Set(sent).size).toBe(sent.length);
    expect([...sent].sort((x, y) => x - y)).toEqual([...here].sort((x, y) => x - y));
    expect(sent.length).toBeGreaterThanOrEqual(atKill);
    // every unit arrived, each event exactly once
    const units = await store.units({ box: 'bench-k', serial: 'SN-CRASH-', limit: 1000, offset: 0 });
    expect(units.rows.map((u) => u.serial).sort()).toEqual([...serials].sort());
    expect(units.rows.every((u) => u.status === 'repairing' && u.visits === 1)).toBe(true);
    for (const serial of serials)
      expect(await store.unitEvents(serial)).toEqual({ visits: 1, statusChanges: 1, notes: 1, links: 0 });
  });
});
