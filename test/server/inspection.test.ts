import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/main.ts';
import type {
  ChipProposal,
  InspectedPayload,
  InspectionJson,
  InspectionMapJson,
  ServerToClientEvents,
  SnapshotPayload,
} from '../../src/protocol.ts';
import { pattern, startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';
import { bareHashboard, chipBox, chipCount, enrollGolden, shoot, upload } from '../inspect/boards.ts';

const SEED = 303;

describe('inspection API: maps validated and stored whole, chips proposed, an uploaded board inspected (real daemon, opencv.js, SQLite)', () => {
  let daemon: Daemon;
  let url: string;
  let boardId: number;
  let referenceId: number;
  let live: Awaited<ReturnType<typeof shoot>>;
  const good = bareHashboard(SEED);
  const json = { 'content-type': 'application/json' };

  beforeAll(async () => {
    // the bench camera shows the board with chip 37 removed
    live = await shoot(bareHashboard(SEED, { missing: [36] }), 8, {
      width: 800,
      height: 400,
      pxPerMm: 2.1,
      pose: { angleDeg: 5 },
    });
    const frames = tempDir('bs-frames-');
    writeFrames(frames, [live.jpeg], 3);
    ({ daemon, url } = await startTestDaemon(frames));
    ({ boardId, referenceId } = await enrollGolden(url, good));
  }, 120_000);

  afterAll(async () => {
    await daemon?.stop();
  });

  const putMap = (body: unknown) =>
    fetch(`${url}/api/boards/${boardId}/inspection-map`, {
      method: 'PUT',
      headers: json,
      body: JSON.stringify(body),
    });

  it('refuses regions outside the reference or of zero size with the reason, and stores nothing of such a map', async () => {
    expect((await fetch(`${url}/api/boards/${boardId}/inspection-map`)).status).toBe(404);
    const fine = {
      id: 1,
      kind: 'connector',
      label: 'J1',
      box: { x: 0.1, y: 0.1, width: 0.05, height: 0.05 },
    };
    const outside = {
      id: 2,
      kind: 'chip',
      label: 'chip 1',
      box: { x: 0.98, y: 0.1, width: 0.05, height: 0.05 },
    };
    const empty = { id: 3, kind: 'chip', label: 'chip 2', box: { x: 0.5, y: 0.5, width: 0, height: 0.05 } };
    const a = await putMap({ referenceId, regions: [fine, outside] });
    expect(a.status).toBe(400);
    expect((await a.json()).error.message).toMatch(/regions\.1\.box: the box falls outside the reference/);
    const b = await putMap({ referenceId, regions: [fine, empty] });
    expect(b.status).toBe(400);
    expect((await b.json()).error.message).toMatch(/regions\.1\.box: the box has zero size/);
    const c = await putMap({ referenceId, regions: [fine, { ...fine, kind: 'sticker' }] });
    expect(c.status).toBe(400);
    expect((await c.json()).error.message).toMatch(
      /kind must be one of chip, connector, heatsink, component, label/,
    );
    expect((await fetch(`${url}/api/boards/${boardId}/inspection-map`)).status).toBe(404);
    const detect = await fetch(`${url}/api/boards/${boardId}/inspection-map/detect`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ referenceId, box: { x: 0.3, y: 0.3, width: 0, height: 0 } }),
    });
    expect(detect.status).toBe(400);
    expect((await detect.json()).error.message).toMatch(/box: the box has zero size/);
  });

  it('proposes the chips from one marked chip, and stores the reviewed map', async () => {
    const res = await fetch(`${url}/api/boards/${boardId}/inspection-map/detect`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ referenceId, box: chipBox(good, 40) }),
    });
    expect(res.status).toBe(200);
    const proposal = (await res.json()) as ChipProposal;
    expect(proposal).toMatchObject({
      referenceId,
      found: chipCount(good),
      expected: chipCount(good),
      mismatch: false,
    });
    const connector = {
      id: 10_000,
      kind: 'connector',
      label: 'J1',
      box: { x: 0.01, y: 0.4, width: 0.05, height: 0.2 },
    };
    const saved = await putMap({ referenceId, regions: [...proposal.regions, connector] });
    expect(saved.status).toBe(200);
    const map = (await (
      await fetch(`${url}/api/boards/${boardId}/inspection-map`)
    ).json()) as InspectionMapJson;
    expect(map.referenceId).toBe(referenceId);
    expect(map.regions).toHaveLength(chipCount(good) + 1);
    expect(map.regions[36]).toEqual(proposal.regions[36]);
  }, 60_000);

  it('inspects an uploaded picture of the board: the missing chip, the counts, the heatmap', async () => {
    const shot = live;
    const res = await fetch(`${url}/api/inspect`, {
      method: 'POST',
      body: upload(shot.jpeg, { boardId: String(boardId) }),
    });
    expect(res.status).toBe(200);
    const r = (await res.json()) as InspectionJson;
    expect(Object.keys(r).sort()).toEqual([
      'board',
      'counts',
      'heatmapUrl',
      'ms',
      'outline',
      'reason',
      'regions',
      'verified',
    ]);
    expect(r.verified).toBe(true);
    expect(r.board?.id).toBe(boardId);
    expect(r.counts.chips).toEqual({
      expected: chipCount(good),
      found: chipCount(good) - 1,
      missing: 1,
      differs: 0,
      hidden: 0,
    });
    expect(r.regions.filter((g) => g.verdict !== 'present').map((g) => g.label)).toEqual(['chip 37']);
    expect(r.regions[0]).toMatchObject({
      id: 1,
      kind: 'chip',
      label: 'chip 1',
      verdict: 'present',
      box: expect.any(Object),
    });
    const heat = await fetch(`${url}${r.heatmapUrl}`);
    expect(heat.headers.get('content-type')).toBe('image/png');
    // the map reference (the golden board cropped to its edges) lands on the board's true corners
    expect(r.outline).toHaveLength(4);
    for (const [i, [x, y]] of r.outline!.entries()) {
      const [tx, ty] = shot.corners[i]!;
      expect(Math.abs(x - tx / shot.width)).toBeLessThan(0.02);
      expect(Math.abs(y - ty / shot.height)).toBeLessThan(0.02);
    }
  }, 60_000);

  it('answers verified: false with the reason for a picture it cannot verify', async () => {
    const res = await fetch(`${url}/api/inspect`, {
      method: 'POST',
      body: upload(await pattern(7, 640, 480)),
    });
    expect(res.status).toBe(200);
    const r = (await res.json()) as InspectionJson;
    expect(r).toMatchObject({ verified: false, regions: [], heatmapUrl: null, outline: null });
    expect(r.reason).toMatch(/nothing inspected/);
    const other = await shoot(bareHashboard(404), 9, { width: 800, height: 400, pxPerMm: 2.1 });
    const named = await fetch(`${url}/api/inspect`, {
      method: 'POST',
      body: upload(other.jpeg, { boardId: String(boardId) }),
    });
    expect(await named.json()).toMatchObject({
      verified: false,
      reason: expect.stringMatching(/^not verified/),
    });
  }, 60_000);

  it('inspects the board on the bench once it is recognized and verified: `inspected`, history and its CSV', async () => {
    const socket: Socket<ServerToClientEvents> = io(url, { transports: ['websocket'], reconnection: false });
    try {
      const inspected = new Promise<InspectedPayload>((resolve) =>
        socket.on('inspected', (p) => {
          if (p.verified) resolve(p);
        }),
      );
      // the tiny test encoder recognizes only near-copies: the bench's own picture is enrolled too
      const enrolled = await fetch(`${url}/api/boards/${boardId}/references`, {
        method: 'POST',
        body: upload(live.jpeg),
      });
      expect(enrolled.status).toBe(201);
      const p = await inspected;
      expect(p).toMatchObject({ slot: 'bench', board: { id: boardId }, error: null });
      expect(p.counts.chips).toMatchObject({
        expected: chipCount(good),
        found: chipCount(good) - 1,
        missing: 1,
      });
      expect(p.regions.filter((g) => g.verdict === 'missing').map((g) => g.label)).toEqual(['chip 37']);
      expect(p.heatmapUrl).toMatch(/^\/api\/inspections\/.+\/heatmap\.png$/);
      // a client that connects afterwards finds the slot's inspection in its snapshot
      const late: Socket<ServerToClientEvents> = io(url, { transports: ['websocket'], reconnection: false });
      try {
        const snapshot = await new Promise<SnapshotPayload>((resolve) => late.on('snapshot', resolve));
        const current = snapshot.inspected?.find((i) => i.slot === 'bench');
        expect(current?.counts.chips.missing).toBeGreaterThanOrEqual(1);
        expect(current?.board?.id).toBe(boardId);
      } finally {
        late.close();
      }
      const withDefects = await (await fetch(`${url}/api/recognitions?defects=true`)).json();
      expect(withDefects.items.map((r: { id: number }) => r.id)).toContain(p.recognitionId);
      const row = withDefects.items.find((r: { id: number }) => r.id === p.recognitionId);
      expect(row).toMatchObject({
        chipsExpected: chipCount(good),
        chipsFound: chipCount(good) - 1,
        chipsHidden: 0,
      });
      expect(row.defects).toEqual([{ id: 37, label: 'chip 37', verdict: 'missing' }]);
      const clean = await (await fetch(`${url}/api/recognitions?defects=false`)).json();
      expect(clean.items.map((r: { id: number }) => r.id)).not.toContain(p.recognitionId);
      const csv = await (await fetch(`${url}/api/recognitions?format=csv&defects=true`)).text();
      const [header, first] = csv.split('\r\n').map((l) => l.split(','));
      const cell = (name: string) => first?.[header!.indexOf(name)];
      expect([cell('chips_expected'), cell('chips_found'), cell('chips_hidden'), cell('defects')]).toEqual([
        String(chipCount(good)),
        String(chipCount(good) - 1),
        '0',
        'chip 37 missing',
      ]);
    } finally {
      socket.close();
    }
  }, 90_000);
});

describe('inspect.enabled: false', () => {
  let daemon: Daemon;
  let url: string;

  beforeAll(async () => {
    const frames = tempDir('bs-frames-');
    writeFrames(frames, [await pattern(3)], 2);
    ({ daemon, url } = await startTestDaemon(frames, { inspect: { enabled: false } }));
  });

  afterAll(async () => {
    await daemon?.stop();
  });

  it('turns inspection off with a clear error; maps can still be read and stored', async () => {
    const res = await fetch(`${url}/api/inspect`, { method: 'POST', body: upload(await pattern(4)) });
    expect(res.status).toBe(409);
    expect((await res.json()).error.message).toMatch(/inspect\.enabled: false/);
    const created = await fetch(`${url}/api/boards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ vendor: 'Test', model: 'off', kind: 'hashboard' }),
    });
    const { id } = (await created.json()) as { id: number };
    expect((await fetch(`${url}/api/boards/${id}/inspection-map`)).status).toBe(404);
  });
});
