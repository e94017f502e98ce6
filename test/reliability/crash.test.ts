import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/index.ts';
import { PACKAGE_ROOT } from '../../src/config/load.ts';
import { DATABASE_FILE } from '../../src/runtime.ts';
import { pattern, TINY_MODEL, tempDir, writeAlternating } from '../helpers/daemon.ts';

const BIN = join(PACKAGE_ROOT, 'scripts', 'benchsight.mjs');
const children: ChildProcess[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

function spawnCli(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, BENCHSIGHT_LOG_LEVEL: 'error', BENCHSIGHT_MODEL: TINY_MODEL, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

async function waitHttp(url: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > end) throw new Error(`${url} did not come up`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const killed = (c: ChildProcess) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)));

afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

/** Each test starts several node processes (CLI, daemon): slow on a busy 2-core machine. */
const PROCESS_STEPS = 180_000;

describe('kill -9, then restart: nothing acknowledged is lost, nothing half-written remains', {
  timeout: PROCESS_STEPS,
}, () => {
  it('during enrollments and recognition writes', async () => {
    const dir = tempDir('bs-crash-');
    const frames = join(dir, 'frames');
    const a = await pattern(51, 640, 480);
    const b = await pattern(52, 640, 480);
    // each held 0.7 s first (verified once still), then alternating: a recognition on every frame
    writeAlternating(frames, [a, b], 18, 100);
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
      ].join('\n'),
    );
    const url = `http://127.0.0.1:${port}`;
    let daemon = spawnCli(['run', '--config', config], {});
    await waitHttp(`${url}/api/status`);
    const ids: number[] = [];
    for (const [model, picture] of [
      ['S19j Pro hashboard', a],
      ['C52 control board', b],
    ] as const) {
      const board = await (
        await fetch(`${url}/api/boards`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ vendor: 'Bitmain', model, kind: 'hashboard' }),
        })
      ).json();
      ids.push(board.id);
      const form = new FormData();
      form.append('image', new Blob([new Uint8Array(picture)]), 'first.jpg');
      await fetch(`${url}/api/boards/${board.id}/references`, { method: 'POST', body: form });
    }
    // enroll continuously; remember every reference the daemon acknowledged
    const acknowledged: number[] = [];
    let stop = false;
    const enrolling = (async () => {
      for (let i = 0; !stop; i++) {
        const form = new FormData();
        form.append('image', new Blob([new Uint8Array(await pattern(100 + i, 800, 600))]), `r${i}.jpg`);
        try {
          const res = await fetch(`${url}/api/boards/${ids[0]}/references`, { method: 'POST', body: form });
          if (res.status === 201)
            acknowledged.push(...(await res.json()).references.map((r: { id: number }) => r.id));
        } catch {
          return; // the daemon died under us
        }
      }
    })();
    // kill once several enrollments were acknowledged and a recognition was written (events, not time:
    // a loaded machine takes longer to get there)
    for (;;) {
      const history = await (await fetch(`${url}/api/recognitions?limit=1`)).json();
      if (acknowledged.length > 3 && history.total > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    daemon.kill('SIGKILL');
    await killed(daemon);
    stop = true;
    await enrolling;
    expect(acknowledged.length).toBeGreaterThan(3);

    const db = Catalog.open(join(dir, 'data', DATABASE_FILE));
    try {
      expect(db.integrityCheck()).toBe('ok');
      const refs = new Set(db.listReferences(ids[0]!).map((r) => r.id));
      for (const id of acknowledged) expect(refs.has(id)).toBe(true);
      expect(db.referencesWithoutEmbedding('tiny-vit@random-1')).toEqual([]);
      expect(db.queryRecognitions({ limit: 1, offset: 0 }).total).toBeGreaterThan(0);
    } finally {
      db.close();
    }
    daemon = spawnCli(['run', '--config', config], {});
    await waitHttp(`${url}/api/status`);
    const status = await (await fetch(`${url}/api/status`)).json();
    expect(status.model.references).toBeGreaterThanOrEqual(acknowledged.length + 2);
    daemon.kill('SIGTERM');
    await killed(daemon);
  });

  it('during a catalog import: every board is complete, and a re-run finishes the import', async () => {
    const dir = tempDir('bs-crash-import-');
    const folder = join(dir, 'import');
    mkdirSync(folder);
    const lines: string[] = [];
    for (let i = 0; i < 24; i++) {
      writeFileSync(join(folder, `b${i}-1.jpg`), await pattern(200 + i, 1600, 1200));
      writeFileSync(join(folder, `b${i}-2.jpg`), await pattern(300 + i, 1600, 1200));
      lines.push(
        `- { vendor: Vendor${i}, model: Board ${i}, kind: hashboard, images: [b${i}-1.jpg, b${i}-2.jpg] }`,
      );
    }
    writeFileSync(join(folder, 'boards.yaml'), `${lines.join('\n')}\n`);
    const env = { BENCHSIGHT_DATA_DIR: join(dir, 'data') };
    const first = spawnCli(['catalog', 'import', folder], env);
    // kill it as soon as the first boards have landed, mid-way through the import
    const deadline = Date.now() + 60_000;
    for (;;) {
      let landed = 0;
      try {
        const peek = Catalog.open(join(dir, 'data', DATABASE_FILE), { readonly: true });
        landed = peek.listBoards().length;
        peek.close();
      } catch {
        // not created yet
      }
      if (landed >= 2 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    first.kill('SIGKILL');
    await killed(first);
    const check = () => {
      const db = Catalog.open(join(dir, 'data', DATABASE_FILE));
      try {
        expect(db.integrityCheck()).toBe('ok');
        const boards = db.listBoards();
        for (const b of boards)
          expect(
            db
              .listReferences(b.id)
              .map((r) => r.sourceDetail)
              .sort(),
          ).toHaveLength(2);
        return boards.length;
      } finally {
        db.close();
      }
    };
    const partial = check();
    expect(partial).toBeLessThan(24);
    const again = spawnCli(['catalog', 'import', folder], env);
    const code = await new Promise((r) => again.once('exit', r));
    expect(code).toBe(0);
    expect(check()).toBe(24);
  });
});
