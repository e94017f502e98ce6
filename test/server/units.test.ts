import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/main.ts';
import type { ServerToClientEvents, UnitEventPayload, UnitPage, UnitRecord } from '../../src/protocol.ts';
import { pattern, startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';

async function call(url: string, method: string, body?: unknown) {
  const res = await fetch(url, {
    method,
    ...(body !== undefined
      ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
      : {}),
  });
  const text = await res.text();
  return { status: res.status, text, body: text.startsWith('{') ? JSON.parse(text) : null };
}

describe('units API (real daemon, SQLite, socket.io; serials typed, OCR off)', () => {
  let daemon: Daemon;
  let url: string;
  let socket: Socket<ServerToClientEvents>;
  let boardA: number;
  let boardB: number;
  const events: UnitEventPayload[] = [];

  beforeAll(async () => {
    const frames = tempDir('bs-units-frames-');
    writeFrames(frames, [await pattern(71)], 2);
    ({ daemon, url } = await startTestDaemon(frames, {
      units: { statuses: { testing: 'Burn-in' } },
      ocr: { enabled: false, serialPattern: String.raw`SN[:\s]*([A-Z]{4}\d{8})` },
    }));
    socket = io(url, { transports: ['websocket'], reconnection: false });
    await new Promise((resolve) => socket.once('snapshot', resolve));
    socket.on('unit', (p) => events.push(p));
    boardA = (
      await call(`${url}/api/boards`, 'POST', { vendor: 'Bitmain', model: 'S19j Pro hb', kind: 'hashboard' })
    ).body.id;
    boardB = (
      await call(`${url}/api/boards`, 'POST', { vendor: 'Bitmain', model: 'S19 XP hb', kind: 'hashboard' })
    ).body.id;
  });

  afterAll(async () => {
    socket?.close();
    await daemon?.stop();
  });

  it('POST /api/units creates a unit (201) from a typed serial, normalized, and announces it', async () => {
    const res = await call(`${url}/api/units`, 'POST', { serial: ' smtt 12O4 5I78 ', boardId: boardA });
    expect(res.status).toBe(201);
    const unit = res.body as UnitRecord;
    // capitals, no spaces, and O/I read as digits where the pattern wants digits
    expect(unit).toMatchObject({ serial: 'SMTT12045178', boardId: boardA, status: 'received', visits: 1 });
    expect(unit.board?.model).toBe('S19j Pro hb');
    await expect
      .poll(() => events.map((e) => `${e.action} ${e.unit.serial}`))
      .toContain('created SMTT12045178');
    const again = await call(`${url}/api/units`, 'POST', { serial: 'SMTT12045178', boardId: boardA });
    expect(again.status).toBe(200);
    expect(again.body.visits).toBe(1);
  });

  it('refuses bad serials and bodies with the reason (400), unknown units with 404', async () => {
    const bad = [
      [{ serial: '', boardId: boardA }, /empty/],
      [{ serial: 'A'.repeat(65), boardId: boardA }, /at most 64/],
      [{ serial: 'ABC\u0001DEF', boardId: boardA }, /control characters/],
      [{ serial: 'SMTT00000001', boardId: 999_999 }, /board 999999 does not exist/],
      [{ serial: 'SMTT00000001', boardId: boardA, recognitionId: 999_999 }, /recognition 999999/],
      [{ serial: 'SMTT00000001' }, /boardId/],
    ] as const;
    for (const [body, why] of bad) {
      const res = await call(`${url}/api/units`, 'POST', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.message).toMatch(why);
    }
    expect((await call(`${url}/api/units/NOSUCH00001`, 'PATCH', { note: 'x' })).status).toBe(404);
    expect((await call(`${url}/api/units/NOSUCH00001`, 'GET')).status).toBe(404);
    const status = await call(`${url}/api/units/SMTT12045178`, 'PATCH', { status: 'fixed-ish' });
    expect(status.status).toBe(400);
    expect(status.body.error.message).toMatch(/unknown status "fixed-ish".*testing \(Burn-in\)/);
    expect((await call(`${url}/api/units/SMTT12045178`, 'PATCH', {})).status).toBe(400);
    expect((await call(`${url}/api/units/SMTT12045178`, 'PATCH', { note: '   ' })).status).toBe(400);
    expect((await call(`${url}/api/units?limit=0`, 'GET')).status).toBe(400);
  });

  it('PATCH sets the status (by key or the shop name) and adds notes; concurrent edits all stay', async () => {
    const res = await call(`${url}/api/units/smtt12045178`, 'PATCH', {
      status: 'burn-in',
      note: 'on the test jig',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'testing',
      statusLabel: 'Burn-in',
      lastNote: { text: 'on the test jig' },
    });
    const statuses = ['diagnosing', 'repairing', 'testing', 'done'] as const;
    const results = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) =>
        call(`${url}/api/units/SMTT12045178`, 'PATCH', { note: `note ${i}` }),
      ),
      ...statuses.map((s) => call(`${url}/api/units/SMTT12045178`, 'PATCH', { status: s })),
    ]);
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    const record = (await call(`${url}/api/units/SMTT12045178`, 'GET')).body as UnitRecord;
    expect(record.notes.map((n) => n.text).sort()).toEqual(
      ['on the test jig', ...Array.from({ length: 20 }, (_, i) => `note ${i}`)].sort(),
    );
    expect(record.notes.every((n) => n.author === 'local')).toBe(true);
    // every status change is in the log, each from the status before it
    expect(
      record.statusChanges
        .map((s) => s.status)
        .slice(1)
        .sort(),
    ).toEqual([...statuses].sort());
    for (let i = 1; i < record.statusChanges.length; i++)
      expect(record.statusChanges[i]!.from).toBe(record.statusChanges[i - 1]!.status);
    await expect.poll(() => events.filter((e) => e.action === 'note').length).toBeGreaterThanOrEqual(20);
  });

  it('the same serial on another board type is kept and flagged; an admin settles it', async () => {
    const res = await call(`${url}/api/units`, 'POST', { serial: 'SMTT12045178', boardId: boardB });
    expect(res.status).toBe(200);
    const unit = res.body as UnitRecord;
    expect(unit.boardId).toBe(boardA);
    expect(unit.flagged).toBe(true);
    const conflict = unit.conflicts.find((c) => c.kind === 'board')!;
    expect(conflict).toMatchObject({
      unitBoard: { id: boardA },
      seenBoard: { id: boardB },
      resolution: null,
    });
    const wrong = await call(`${url}/api/units/SMTT12045178`, 'PATCH', {
      resolve: { conflictId: conflict.id, answer: 'ocr' },
    });
    expect(wrong.status).toBe(400);
    const settled = await call(`${url}/api/units/SMTT12045178`, 'PATCH', {
      resolve: { conflictId: conflict.id, answer: 'unit' },
    });
    expect(settled.body).toMatchObject({ flagged: false, boardId: boardA });
    expect(settled.body.conflicts[0]).toMatchObject({ resolution: 'unit', resolvedBy: 'local' });
  });

  it('lists, filters and exports units (JSON and CSV)', async () => {
    await call(`${url}/api/units`, 'POST', { serial: 'ABCD00000002', boardId: boardB });
    const all = (await call(`${url}/api/units`, 'GET')).body as UnitPage;
    expect(all.total).toBe(2);
    const byBoard = (await call(`${url}/api/units?board=${boardB}`, 'GET')).body as UnitPage;
    expect(byBoard.items.map((u) => u.serial)).toEqual(['ABCD00000002']);
    const bySerial = (await call(`${url}/api/units?serial=smtt`, 'GET')).body as UnitPage;
    expect(bySerial.items.map((u) => u.serial)).toEqual(['SMTT12045178']);
    const byStatus = (await call(`${url}/api/units?status=received`, 'GET')).body as UnitPage;
    expect(byStatus.items.map((u) => u.serial)).toEqual(['ABCD00000002']);
    expect(((await call(`${url}/api/units?returning=true`, 'GET')).body as UnitPage).total).toBe(0);
    const paged = (await call(`${url}/api/units?limit=1&offset=1`, 'GET')).body as UnitPage;
    expect(paged).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(paged.items).toHaveLength(1);
    const csv = await call(`${url}/api/units?format=csv`, 'GET');
    expect(csv.status).toBe(200);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('serial,board_id,board,status,first_seen,last_seen,visits,flagged,last_note');
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.startsWith('SMTT12045178'))).toContain(',done,');
  });
});
