import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/index.ts';
import { PACKAGE_ROOT } from '../../src/config/load.ts';
import { DATABASE_FILE } from '../../src/runtime.ts';
import { pattern, TINY_MODEL, tempDir, writeFrames } from '../helpers/daemon.ts';

const BIN = join(PACKAGE_ROOT, 'scripts', 'benchsight.mjs');
const SERIAL = 'SMTTAB5BBJAJG0137';
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function waitHttp(url: string, ms = 60_000): Promise<void> {
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

describe('kill -9 during unit status changes (daemon in a child process, SQLite file)', {
  timeout: 180_000,
}, () => {
  it('loses no acknowledged status change or note, and writes none by halves', async () => {
    const dir = tempDir('bs-units-crash-');
    const frames = join(dir, 'frames');
    writeFrames(frames, [await pattern(81, 320, 240)], 2);
    const port = await freePort();
    const config = join(dir, 'benchsight.yaml');
    writeFileSync(
      config,
      [
        `camera: { source: { kind: folder, path: ${frames}, fps: 5 } }`,
        'ocr: { enabled: false }',
        `server: { port: ${port} }`,
        `data: { dir: ${join(dir, 'data')} }`,
      ].join('\n'),
    );
    const url = `http://127.0.0.1:${port}`;
    const daemon = spawn(process.execPath, [BIN, 'run', '--config', config], {
      env: { ...process.env, BENCHSIGHT_LOG_LEVEL: 'error', BENCHSIGHT_MODEL: TINY_MODEL },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(daemon);
    await waitHttp(`${url}/api/status`);
    const created = await fetch(`${url}/api/units`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ serial: SERIAL, boardId: null }),
    });
    expect(created.status).toBe(201);

    // Four writers, each alternating the status with a note naming the edit; kill -9 once 40 are
    // acknowledged, while others are in flight.
    const acked: string[] = [];
    let killedAt = -1;
    const exited = new Promise((r) => daemon.once('exit', r));
    const writer = async (w: number) => {
      for (let i = 0; killedAt < 0; i++) {
        const note = `w${w}-${i}`;
        try {
          const res = await fetch(`${url}/api/units/${SERIAL}`, {
            method: 'PATCH',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ status: i % 2 === 0 ? 'repairing' : 'testing', note }),
          });
          if (res.status === 200) acked.push(note);
          else throw new Error(`PATCH answered ${res.status}`);
        } catch (err) {
          if (killedAt < 0) throw err;
          return;
        }
        if (acked.length >= 40 && killedAt < 0) {
          killedAt = acked.length;
          daemon.kill('SIGKILL');
        }
      }
    };
    await Promise.all([0, 1, 2, 3].map(writer));
    await exited;
    expect(killedAt).toBeGreaterThanOrEqual(40);

    const catalog = Catalog.open(join(dir, 'data', DATABASE_FILE));
    try {
      expect(catalog.integrityCheck()).toBe('ok');
      const unit = catalog.getUnit(SERIAL)!;
      const history = catalog.getUnitHistory(unit.id);
      const notes = new Map(history.notes.map((n) => [n.text, n.at]));
      for (const note of acked) expect(notes.has(note), `acknowledged note ${note}`).toBe(true);
      // a note and its status change are one transaction: every status change has its note, written
      // at the same time (a status that did not change leaves no status change, only the note)
      const noteTimes = new Set(notes.values());
      expect(history.statusChanges.length).toBeGreaterThan(0);
      for (const change of history.statusChanges)
        expect(noteTimes.has(change.at), `note of the change to ${change.status}`).toBe(true);
      // the unit's status is the last change in its log
      expect(unit.status).toBe(history.statusChanges.at(-1)!.status);
    } finally {
      catalog.close();
    }
  });
});
