import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/index.ts';
import { PACKAGE_ROOT } from '../../src/config/load.ts';
import { DATABASE_FILE } from '../../src/runtime.ts';
import { tempDir } from '../helpers/daemon.ts';

const run = promisify(execFile);
const BIN = join(PACKAGE_ROOT, 'scripts', 'benchsight.mjs');
const GAP = 60 * 60_000;

async function cli(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, BENCHSIGHT_LOG_LEVEL: 'error', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('benchsight units list|show|export (CLI processes, SQLite file)', { timeout: 120_000 }, () => {
  let env: Record<string, string>;

  beforeAll(() => {
    const dataDir = tempDir('bs-cli-units-');
    env = { BENCHSIGHT_DATA_DIR: dataDir };
    const c = Catalog.open(join(dataDir, DATABASE_FILE));
    const board = c.createBoard({ vendor: 'Bitmain', model: 'S19j Pro hashboard', kind: 'hashboard' }).id;
    const t0 = Date.parse('2026-10-02T09:00:00Z');
    const base = {
      camera: 'bench-1',
      slot: 'left',
      recognitionId: null,
      source: 'ocr',
      visitGapMs: GAP,
    } as const;
    c.sightUnit({ ...base, serial: 'SMTTAB5BBJAJG0137', boardId: board, at: t0 });
    c.editUnit('SMTTAB5BBJAJG0137', { status: 'done', note: 'two dead chips replaced' }, 'ana');
    c.sightUnit({ ...base, serial: 'SMTTAB5BBJAJG0137', boardId: board, at: t0 + 50 * 24 * GAP });
    c.sightUnit({ ...base, serial: 'HKYTZ2BBCJDJ0A2C3', boardId: null, at: t0 + GAP });
    c.close();
  });

  it('list prints units, most recently seen first, and filters returning ones', async () => {
    const all = await cli(['units', 'list'], env);
    expect(all.code, all.stderr).toBe(0);
    const lines = all.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^SMTTAB5BBJAJG0137 {2}Bitmain S19j Pro hashboard {2}done {2}2 visits/);
    expect(lines[1]).toMatch(/^HKYTZ2BBCJDJ0A2C3 {2}board unknown {2}received {2}1 visit /);
    expect(lines.at(-1)).toBe('2 of 2 shown');
    const returning = await cli(['units', 'list', '--returning', '--json'], env);
    expect(JSON.parse(returning.stdout).items.map((u: { serial: string }) => u.serial)).toEqual([
      'SMTTAB5BBJAJG0137',
    ]);
    const bad = await cli(['units', 'list', '--status', 'shipped'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/unknown status "shipped": expected one of received, diagnosing/);
  });

  it("show prints a unit's record; an unknown serial exits non-zero saying so", async () => {
    const shown = await cli(['units', 'show', 'smttab5bbjajg0137'], env);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('visits (2):');
    expect(shown.stdout).toMatch(/received -> done {2}by ana/);
    expect(shown.stdout).toContain('ana: two dead chips replaced');
    const missing = await cli(['units', 'show', 'NOPE1234'], env);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no unit with serial NOPE1234.*\[E_NOT_FOUND\]/);
  });

  it('export writes CSV, to a file with --out', async () => {
    const out = join(tempDir('bs-cli-units-out-'), 'units.csv');
    const r = await cli(['units', 'export', '--out', out], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`wrote 2 units to ${out}`);
    const lines = readFileSync(out, 'utf8').trim().split('\r\n');
    expect(lines[0]).toBe('serial,board_id,board,status,first_seen,last_seen,visits,flagged,last_note');
    expect(lines[1]).toMatch(
      /^SMTTAB5BBJAJG0137,1,Bitmain S19j Pro hashboard,done,2026-10-02T09:00:00.000Z,.*,2,no,two dead chips replaced$/,
    );
  });
});
