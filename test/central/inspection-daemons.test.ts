import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CentralStore } from '../../src/catalog/central/store.ts';
import type {
  BoardConflictPage,
  CentralStatus,
  ChipProposal,
  InspectionJson,
  InspectionMapJson,
  RecognitionPage,
} from '../../src/protocol.ts';
import { launchBrowser } from '../dashboard/browser.ts';
import { pattern, startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';
import { TestPostgres } from '../helpers/postgres.ts';
import { bareHashboard, chipBox, chipCount, enrollGolden, shoot, upload } from '../inspect/boards.ts';

const WAIT = 90_000;
const POLL = { timeout: WAIT, interval: 100 };
const SEED = 303;
const json = { 'content-type': 'application/json' };

type Box = Awaited<ReturnType<typeof startTestDaemon>>;

const startBox = (pg: TestPostgres, box: string, frames: string): Promise<Box> =>
  startTestDaemon(frames, { central: { url: pg.url(), box, syncIntervalMs: 100, password: pg.password } });
const central = async (b: Box): Promise<CentralStatus> =>
  ((await (await fetch(`${b.url}/api/status`)).json()) as { central: CentralStatus }).central;
const putMap = (b: Box, boardId: number, body: unknown) =>
  fetch(`${b.url}/api/boards/${boardId}/inspection-map`, {
    method: 'PUT',
    headers: json,
    body: JSON.stringify(body),
  });

describe('issue 22: inspection maps and results shared by two daemons (real cluster of its own, two real daemons, opencv.js, synthetic hashboard)', () => {
  let pg: TestPostgres;
  let store: CentralStore;
  let a: Box;
  let b: Box;
  const good = bareHashboard(SEED);
  let live: Awaited<ReturnType<typeof shoot>>;
  /** The board and its golden reference on bench 1, and their ids on bench 2. */
  let onA: { boardId: number; referenceId: number };
  let onB: { boardId: number; referenceId: number };
  let proposal: ChipProposal;

  beforeAll(async () => {
    pg = await TestPostgres.create();
    store = await CentralStore.connect({ url: pg.url(), password: pg.password, box: 'test' });
    await store.migrate();
    // bench 2's camera shows the board with chip 37 removed; bench 1's shows something else
    live = await shoot(bareHashboard(SEED, { missing: [36] }), 8, {
      width: 800,
      height: 400,
      pxPerMm: 2.1,
      pose: { angleDeg: 5 },
    });
    const framesA = tempDir('bs-frames-a-');
    writeFrames(framesA, [await pattern(61)], 3);
    const framesB = tempDir('bs-frames-b-');
    writeFrames(framesB, [live.jpeg], 3);
    a = await startBox(pg, 'bench-1', framesA);
    b = await startBox(pg, 'bench-2', framesB);
  }, 240_000);

  afterAll(async () => {
    await a?.daemon.stop();
    await b?.daemon.stop();
    await store?.close();
    await pg?.dispose();
  });

  it('a map drawn on bench 1 reaches bench 2 on its own reference id, and bench 2 inspects with it', async () => {
    await expect.poll(async () => (await central(a)).state, POLL).toBe('connected');
    onA = await enrollGolden(a.url, good);
    const detect = await fetch(`${a.url}/api/boards/${onA.boardId}/inspection-map/detect`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ referenceId: onA.referenceId, box: chipBox(good, 40) }),
    });
    proposal = (await detect.json()) as ChipProposal;
    expect(proposal.found).toBe(chipCount(good));
    expect(
      (await putMap(a, onA.boardId, { referenceId: onA.referenceId, regions: proposal.regions })).status,
    ).toBe(200);
    const catalogB = b.daemon.catalog!;
    const boardB = () => catalogB.findBoard('Test', `S-${SEED}`);
    await expect
      .poll(() => boardB() !== undefined && catalogB.getInspectionMap(boardB()!.id) !== undefined, POLL)
      .toBe(true);
    const boardId = boardB()!.id;
    const map = (await (
      await fetch(`${b.url}/api/boards/${boardId}/inspection-map`)
    ).json()) as InspectionMapJson;
    expect(catalogB.listReferences(boardId).map((r) => r.id)).toEqual([map.referenceId]);
    expect(map.regions).toEqual(proposal.regions);
    onB = { boardId, referenceId: map.referenceId };
    const res = await fetch(`${b.url}/api/inspect`, {
      method: 'POST',
      body: upload(live.jpeg, { boardId: String(onB.boardId) }),
    });
    const inspected = (await res.json()) as InspectionJson;
    expect(inspected.verified).toBe(true);
    expect(inspected.counts.chips).toEqual({
      expected: chipCount(good),
      found: chipCount(good) - 1,
      missing: 1,
      differs: 0,
      hidden: 0,
    });
  }, 120_000);

  it("what bench 2's pipeline found goes up with its history row: bench 1 reads the counts with ?box=", async () => {
    // the tiny test encoder recognizes only near-copies: bench 2's own picture is enrolled too
    const enrolled = await fetch(`${b.url}/api/boards/${onB.boardId}/references`, {
      method: 'POST',
      body: upload(live.jpeg),
    });
    expect(enrolled.status).toBe(201);
    const shop = async () =>
      (await (await fetch(`${a.url}/api/recognitions?box=bench-2&defects=true`)).json()) as RecognitionPage;
    await expect.poll(async () => (await shop()).items.length, POLL).toBeGreaterThan(0);
    const page = await shop();
    expect(page.source).toBe('central');
    expect(page.items[0]).toMatchObject({
      box: 'bench-2',
      board: { id: onA.boardId },
      chipsExpected: chipCount(good),
      chipsFound: chipCount(good) - 1,
      chipsHidden: 0,
      defects: [{ id: 37, label: 'chip 37', verdict: 'missing' }],
    });
    // the row was sent before it was inspected, then again: stored once
    const mine = b.daemon.catalog!.queryRecognitions({ limit: 1000, offset: 0 }).total;
    await expect.poll(() => store.countRecognitions('bench-2'), POLL).toBe(mine);
  }, 120_000);

  it('the map saved on both benches while the central side is away: the later wins on both, the other is listed as a conflict', async () => {
    await pg.stop();
    await expect.poll(async () => (await central(a)).state, POLL).toBe('unreachable');
    const fewer = proposal.regions.slice(0, 10);
    expect((await putMap(a, onA.boardId, { referenceId: onA.referenceId, regions: fewer })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 5));
    const later = proposal.regions.slice(0, 20);
    expect((await putMap(b, onB.boardId, { referenceId: onB.referenceId, regions: later })).status).toBe(200);
    await pg.start();
    await store.close();
    store = await CentralStore.connect({ url: pg.url(), password: pg.password, box: 'test' });
    const conflicts = async () =>
      ((await (await fetch(`${a.url}/api/boards/${onA.boardId}/conflicts`)).json()) as BoardConflictPage)
        .items;
    await expect.poll(async () => (await conflicts()).length, POLL).toBeGreaterThan(0);
    // named by bench 1's own reference id
    expect(await conflicts()).toEqual([
      expect.objectContaining({
        field: 'inspectionMap',
        kept: { referenceId: onA.referenceId, regions: later },
        keptBox: 'bench-2',
        other: { referenceId: onA.referenceId, regions: fewer },
        otherBox: 'bench-1',
      }),
    ]);
    await expect.poll(() => a.daemon.catalog!.getInspectionMap(onA.boardId)?.regions.length, POLL).toBe(20);
    // the board editor lists it: each version by its size and reference, not as JSON
    const browser = await launchBrowser();
    try {
      const { page } = await browser.open(`${a.url}/#/catalog`);
      await page
        .locator('[data-testid=board-card]', { hasText: `S-${SEED}` })
        .getByRole('button', { name: 'Edit' })
        .click();
      const shown = page.locator('[data-testid=board-conflict][data-field=inspectionMap]');
      await shown.waitFor({ timeout: WAIT });
      const text = await shown.textContent();
      expect(text).toContain('Inspection map');
      expect(text).toContain(`20 regions on reference #${onA.referenceId}`);
      expect(text).toContain(`10 regions on reference #${onA.referenceId}`);
      expect(text).toContain('bench-1');
    } finally {
      await browser.close();
    }
    expect(b.daemon.catalog!.getInspectionMap(onB.boardId)?.regions).toEqual(later);
  }, 120_000);
});
