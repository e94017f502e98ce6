import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CentralStore } from '../../src/catalog/central/store.ts';
import { PACKAGE_ROOT } from '../../src/config/load.ts';
import type { CentralStatus, RecognitionPage, RecognizedPayload, UnitPage } from '../../src/protocol.ts';
import { launchBrowser } from '../dashboard/browser.ts';
import { pattern, startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';
import { TestPostgres } from '../helpers/postgres.ts';

const run = promisify(execFile);
const BIN = join(PACKAGE_ROOT, 'scripts', 'benchsight.mjs');
const WAIT = 90_000;

/** Resolves once `check` holds (looked at again every 100 ms); bounded by events, not by a duration. */
async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

type Box = Awaited<ReturnType<typeof startTestDaemon>> & { recognized: RecognizedPayload[] };

async function startBox(pg: TestPostgres, box: string, frames: string, password = pg.password): Promise<Box> {
  const started = await startTestDaemon(frames, {
    central: { url: pg.url(), box, syncIntervalMs: 100, password },
  });
  const recognized: RecognizedPayload[] = [];
  started.daemon.bus.on('recognized', (p) => recognized.push(p));
  return { ...started, recognized };
}

const central = async (b: Box): Promise<CentralStatus> =>
  ((await (await fetch(`${b.url}/api/status`)).json()) as { central: CentralStatus }).central;
const localRows = (b: Box) => b.daemon.catalog!.queryRecognitions({ limit: 0, offset: 0 }).total;
const metrics = async (b: Box) => (await fetch(`${b.url}/metrics`)).text();

/** benchsight CLI with a config naming the central server (password from the environment). */
async function cli(pg: TestPostgres, dataDir: string, box: string, ...args: string[]) {
  const config = join(tempDir('bs-central-cfg-'), 'benchsight.yaml');
  writeFileSync(config, `data:\n  dir: ${dataDir}\ncentral:\n  url: ${pg.url()}\n  box: ${box}\n`);
  return run(process.execPath, [BIN, ...args, '--config', config], {
    env: { ...process.env, BENCHSIGHT_CENTRAL_PASSWORD: pg.password },
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      stdout: e.stdout,
      stderr: e.stderr,
    }),
  );
}

describe('issue 22: boxes sharing a central PostgreSQL (real cluster of its own, two real daemons, tiny ViT, folder replay)', () => {
  let pg: TestPostgres;
  let store: CentralStore;
  let a: Box;
  let b: Box;
  let boardImage: Buffer;

  beforeAll(async () => {
    pg = await TestPostgres.create();
    boardImage = await pattern(41);
    // each bench sees the board, then something unknown, again and again: a recognition each time
    const framesA = tempDir('bs-frames-a-');
    writeFrames(framesA, [boardImage, await pattern(42)], 4);
    const framesB = tempDir('bs-frames-b-');
    writeFrames(framesB, [boardImage, await pattern(43)], 4);
    const init = await cli(pg, tempDir('bs-central-init-'), 'bench-0', 'central', 'init');
    expect(init.stderr).toBe('');
    expect(init.stdout).toContain('migrated from version 0 to 4');
    a = await startBox(pg, 'bench-1', framesA);
    b = await startBox(pg, 'bench-2', framesB);
    store = await CentralStore.connect({ url: pg.url(), password: pg.password, box: 'test' });
  }, 240_000);

  afterAll(async () => {
    await a?.daemon.stop();
    await b?.daemon.stop();
    await store?.close();
    await pg?.dispose();
  });

  it('`benchsight central init` again: the schema is up to date', async () => {
    const again = await cli(pg, tempDir('bs-central-init-'), 'bench-0', 'central', 'init');
    expect(again.stdout).toContain('is up to date (version 4)');
  });

  it('a board enrolled on bench 1 is recognized on bench 2', async () => {
    await until(async () => (await central(a)).state === 'connected', 'bench 1 connects', WAIT);
    const { board } = await a.daemon.editor!.addBoard(
      { vendor: 'Bitmain', model: 'S19 XP central', kind: 'hashboard' },
      [{ bytes: boardImage, source: 'upload', detail: 'board.jpg' }],
    );
    await until(
      () => b.recognized.some((r) => r.board?.model === 'S19 XP central'),
      'bench 2 recognizes the board enrolled on bench 1',
      WAIT,
    );
    const onB = b.daemon.catalog!.findBoard('Bitmain', 'S19 XP central')!;
    // bench 2 is told apart from bench 1 only by its own id for the board
    expect(onB).toBeDefined();
    expect(b.daemon.catalog!.listReferences(onB.id)).toHaveLength(1);
    expect(board.id).toBeGreaterThan(0);
  });

  it("bench 1 reads bench 2's history from the central side (?box=)", async () => {
    await until(async () => (await store.countRecognitions('bench-2')) > 0, 'bench 2 history arrives', WAIT);
    const page = (await (
      await fetch(`${a.url}/api/recognitions?box=bench-2&limit=5`)
    ).json()) as RecognitionPage;
    expect(page.source).toBe('central');
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((r) => r.box === 'bench-2')).toBe(true);
  });

  it('a unit seen first on bench 1 is known on bench 2, and returning when bench 2 sees it; both list it shop-wide', async () => {
    const twoDaysAgo = Date.now() - 2 * 86_400_000;
    // bench 1 saw the unit two days ago (its catalog is where a sighting is recorded)
    a.daemon.catalog!.sightUnit({
      serial: 'SN-SHOP-1',
      boardId: null,
      at: twoDaysAgo,
      camera: null,
      slot: null,
      recognitionId: null,
      source: 'typed',
      visitGapMs: 3_600_000,
    });
    await until(() => b.daemon.catalog!.getUnit('SN-SHOP-1') !== undefined, 'bench 2 knows the unit', WAIT);
    const typed = await fetch(`${b.url}/api/units`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ serial: 'SN-SHOP-1', boardId: null }),
    });
    // 200, not 201: the unit existed; its second visit, on another box
    expect(typed.status).toBe(200);
    expect(await typed.json()).toMatchObject({ serial: 'SN-SHOP-1', visits: 2 });
    await until(
      async () =>
        (await store.units({ box: '*', serial: 'SN-SHOP-1', limit: 1, offset: 0 })).rows[0]?.visits === 2,
      'the second visit arrives centrally',
      WAIT,
    );
    const shop = (await (await fetch(`${a.url}/api/units?box=*&returning=true`)).json()) as UnitPage;
    expect(shop.source).toBe('central');
    expect(shop.items).toEqual([expect.objectContaining({ serial: 'SN-SHOP-1', visits: 2, box: 'bench-2' })]);
    const ofB = (await (await fetch(`${a.url}/api/units?box=bench-2`)).json()) as UnitPage;
    expect(ofB.items.map((u) => u.serial)).toContain('SN-SHOP-1');
    await until(
      () => a.daemon.catalog!.getUnit('SN-SHOP-1')?.visits === 2,
      'bench 1 hears of the visit',
      WAIT,
    );
  });

  it('central stopped for a while: bench 1 keeps recognizing, says so, then every row arrives once, in order', async () => {
    await pg.stop();
    await until(
      async () => (await central(a)).state === 'unreachable',
      'bench 1 sees the central side gone',
      WAIT,
    );
    const status = await central(a);
    expect(status.reason).toContain('cannot be reached');
    expect(await metrics(a)).toMatch(/benchsight_central_connected 0/);
    expect(await metrics(a)).toMatch(/benchsight_central_state\{state="unreachable"\} 1/);
    const before = localRows(a);
    await until(() => localRows(a) >= before + 3, 'bench 1 records 3 more recognitions offline', WAIT);
    expect((await central(a)).pendingUp).toBeGreaterThan(0);
    const local = (await (await fetch(`${a.url}/api/recognitions?box=bench-1`)).json()) as RecognitionPage;
    expect(local.source).toBe('local-only');
    expect(local.reason).toContain('cannot be reached');
    const status1 = await cli(pg, a.dataDir, 'bench-1', 'central', 'status', '--json');
    expect(status1.code).toBe(1);
    expect(JSON.parse(status1.stdout)).toMatchObject({
      box: 'bench-1',
      linkedAs: 'bench-1',
      pendingDown: null,
    });

    // the same board edited on both benches while apart (bench 2 later): a conflict once they are back
    const boardOnA = a.daemon.catalog!.findBoard('Bitmain', 'S19 XP central')!;
    a.daemon.editor!.updateBoard(boardOnA.id, { notes: 'from bench 1' });
    await new Promise((r) => setTimeout(r, 5));
    b.daemon.editor!.updateBoard(b.daemon.catalog!.findBoard('Bitmain', 'S19 XP central')!.id, {
      notes: 'from bench 2',
    });
    // units made while the central side is away: this box's units, marked local-only
    const made = await fetch(`${a.url}/api/units`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ serial: 'SN-OFFLINE-1', boardId: null }),
    });
    expect(made.status).toBe(201);
    const noted = await fetch(`${a.url}/api/units/SN-OFFLINE-1`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ note: 'written offline', status: 'diagnosing' }),
    });
    expect(noted.status).toBe(200);
    const localUnits = (await (await fetch(`${a.url}/api/units?box=*`)).json()) as UnitPage;
    expect(localUnits.source).toBe('local-only');
    expect(localUnits.reason).toContain('cannot be reached');
    expect(localUnits.items.find((u) => u.serial === 'SN-OFFLINE-1')).toMatchObject({ box: 'bench-1' });

    const offline = localRows(a);
    await pg.start();
    // this test's own connection was cut with the others
    await store.close();
    store = await CentralStore.connect({ url: pg.url(), password: pg.password, box: 'test' });
    await until(
      async () => (await store.countRecognitions('bench-1')) >= offline,
      'the backlog arrives',
      WAIT,
    );
    const sent = (await store.recognitions({ box: 'bench-1', limit: 10_000, offset: 0 })).rows.map(
      (r) => r.localId,
    );
    const last = Math.max(...sent);
    const here = a.daemon
      .catalog!.queryRecognitions({ limit: 10_000, offset: 0 })
      .rows.map((r) => r.id)
      .filter((id) => id <= last);
    // sent in order (no row missing below the newest one sent), each exactly once
    expect([...sent].sort((x, y) => x - y)).toEqual([...here].sort((x, y) => x - y));
    expect(new Set(sent).size).toBe(sent.length);
    await until(async () => (await central(a)).state === 'connected', 'bench 1 reconnects', WAIT);
    await until(async () => (await central(a)).pendingUp === 0, "bench 1's outbox is empty", WAIT);
    // the unit made offline arrived exactly once: one visit, one status change, one note
    expect(await store.unitEvents('SN-OFFLINE-1')).toEqual({
      visits: 1,
      statusChanges: 1,
      notes: 1,
      links: 0,
    });
    await until(
      async () => (await b.daemon.catalog!.getUnit('SN-OFFLINE-1'))?.status === 'diagnosing',
      'bench 2 gets the unit with its status',
      WAIT,
    );
    const onB = b.daemon.catalog!.getUnit('SN-OFFLINE-1')!;
    expect(b.daemon.catalog!.getUnitHistory(onB.id).notes.map((n) => n.text)).toEqual(['written offline']);
    const status2 = await cli(pg, a.dataDir, 'bench-1', 'central', 'status', '--json');
    expect(status2.code).toBe(0);
    expect(JSON.parse(status2.stdout)).toMatchObject({ box: 'bench-1', error: null, schemaVersion: 4 });
  });

  it('the dashboard: shop-wide History and Units with a box column, and the board edited on two boxes with both versions', async () => {
    const board = a.daemon.catalog!.findBoard('Bitmain', 'S19 XP central')!;
    type Conflicts = {
      source: string;
      items: { field: string; kept: unknown; keptBox: string; other: unknown; otherBox: string }[];
    };
    const conflicts = async () =>
      (await (await fetch(`${a.url}/api/boards/${board.id}/conflicts`)).json()) as Conflicts;
    await until(async () => (await conflicts()).items.length > 0, 'the conflict is recorded centrally', WAIT);
    expect((await conflicts()).items).toEqual([
      expect.objectContaining({
        field: 'notes',
        kept: 'from bench 2',
        keptBox: 'bench-2',
        other: 'from bench 1',
        otherBox: 'bench-1',
      }),
    ]);
    // the later edit won on both benches
    await until(
      () => a.daemon.catalog!.getBoard(board.id)?.notes === 'from bench 2',
      'bench 1 gets the merged board',
      WAIT,
    );
    const browser = await launchBrowser();
    try {
      const ofB = (await (
        await fetch(`${a.url}/api/recognitions?box=bench-2&limit=5`)
      ).json()) as RecognitionPage;
      expect(ofB.source).toBe('central');
      const fromB = ofB.items.find((r) => r.thumbnailUrl !== null)!;
      // another box's row carries its picture, from the central side
      expect(fromB.thumbnailUrl).toBe(`/api/recognitions/${fromB.id}/thumbnail.jpg?box=bench-2`);
      const picture = await fetch(`${a.url}${fromB.thumbnailUrl}`);
      expect(picture.status).toBe(200);
      expect(picture.headers.get('content-type')).toBe('image/jpeg');
      const { page } = await browser.open(`${a.url}/#/history`);
      await page.waitForSelector('[data-testid=history-row]', { timeout: WAIT });
      expect(await page.locator('[data-testid=history-box]').count()).toBe(0);
      await page.locator('select[name=box]').selectOption('*');
      // the whole shop's newest rows, each with its box
      await page.waitForSelector('[data-testid=history-box]:text-is("bench-1")', { timeout: WAIT });
      await page.goto(`${a.url}/#/units`);
      await page.locator('select[name=box]').selectOption('*');
      // the shop's answer replaces this box's list: the unit with the box that saw it last
      await page.waitForSelector(
        '[data-testid=unit-row][data-serial=SN-SHOP-1] [data-testid=unit-box]:text-is("bench-2")',
        {
          timeout: WAIT,
        },
      );
      await page.goto(`${a.url}/#/catalog`);
      await page
        .locator('[data-testid=board-card]', { hasText: 'S19 XP central' })
        .getByRole('button', { name: 'Edit' })
        .click();
      const shown = page.locator('[data-testid=board-conflict][data-field=notes]');
      await shown.waitFor({ timeout: WAIT });
      const text = await shown.textContent();
      expect(text).toContain('from bench 2');
      expect(text).toContain('from bench 1');
      expect(text).toContain('bench-1');
    } finally {
      await browser.close();
    }
  });

  it('a wrong password: a clear status and metric, no crash loop, recognition goes on', async () => {
    const frames = tempDir('bs-frames-c-');
    writeFrames(frames, [await pattern(44), await pattern(45)], 4);
    const c = await startBox(pg, 'bench-3', frames, 'not-the-password');
    try {
      await until(async () => (await central(c)).state === 'refused', 'bench 3 is refused', WAIT);
      const status = await central(c);
      expect(status.reason).toContain('refused the login');
      expect(status.reason).toContain('BENCHSIGHT_CENTRAL_PASSWORD');
      expect(await metrics(c)).toMatch(/benchsight_central_state\{state="refused"\} 1/);
      // the dashboard's status panel says so too
      const browser = await launchBrowser();
      try {
        const { page } = await browser.open(`${c.url}/#/live`);
        await page.waitForSelector('[data-testid=central-state][data-state=refused]', { timeout: WAIT });
        const shown = await page.locator('[data-testid=central-state]').textContent();
        expect(shown).toContain('Central login refused');
        expect(shown).toContain('bench-3');
      } finally {
        await browser.close();
      }
      const seen = c.recognized.length;
      await until(() => c.recognized.length >= seen + 2, 'bench 3 keeps recognizing', WAIT);
      expect((await central(c)).state).toBe('refused');
      expect(await store.countRecognitions('bench-3')).toBe(0);
    } finally {
      await c.daemon.stop();
    }
  });
});
