import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CentralStore } from '../../src/catalog/central/store.ts';
import { loadMigrations, openDatabase } from '../../src/catalog/db.ts';
import { Catalog } from '../../src/catalog/index.ts';
import type { Outline } from '../../src/protocol.ts';
import { fakeJpeg, vector } from '../catalog/helpers.ts';
import { pull, send } from '../helpers/central-sync.ts';
import { TestPostgres } from '../helpers/postgres.ts';

/** A board's four corners as fractions of the frame. */
const OUTLINE: Outline = [
  [0.1, 0.2],
  [0.8, 0.2],
  [0.8, 0.9],
  [0.1, 0.9],
];

describe('central store (real PostgreSQL cluster of its own, real SQLite files, no daemon)', () => {
  let pg: TestPostgres;
  let store: CentralStore;
  const dir = mkdtempSync(join(tmpdir(), 'bs-central-store-'));
  let a: Catalog;
  let b: Catalog;

  beforeAll(async () => {
    pg = await TestPostgres.create();
    store = await CentralStore.connect({ url: pg.url(), password: pg.password, box: 'test' });
    expect(await store.migrate()).toEqual({ from: 0, to: 4 });
    expect(await store.migrate()).toEqual({ from: 4, to: 4 });
    a = Catalog.open(join(dir, 'a.db'));
    b = Catalog.open(join(dir, 'b.db'));
  }, 180_000);

  afterAll(async () => {
    a?.close();
    b?.close();
    await store?.close();
    await pg?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an unlinked catalog queues nothing (a box without central works as before)', () => {
    a.createBoard({ vendor: 'Early', model: 'Before link', kind: 'psu' });
    expect(a.centralOutbox.box()).toBeNull();
    expect(a.centralOutbox.pending()).toBe(0);
  });

  it('linking queues what the box already holds; a board with its reference and embedding reaches the other box', async () => {
    a.centralOutbox.link('box-a');
    b.centralOutbox.link('box-b');
    expect(a.centralOutbox.pending()).toBe(1);
    const board = a.createBoard({ vendor: 'Bitmain', model: 'S19 Pro', kind: 'hashboard' });
    a.addReference(
      {
        boardId: board.id,
        image: fakeJpeg(1),
        thumbnail: fakeJpeg(2),
        width: 10,
        height: 10,
        source: 'upload',
      },
      { modelId: 'm1', vector: vector(8, 3) },
    );
    await send(a, store, 'box-a');
    expect(a.centralOutbox.pending()).toBe(0);
    await pull(b, store);
    const onB = b.findBoard('Bitmain', 'S19 Pro');
    expect(onB).toBeDefined();
    expect(b.listReferences(onB!.id)).toHaveLength(1);
    const set = b.loadEmbeddings('m1');
    expect(Array.from(set.boardIds)).toEqual([onB!.id]);
    expect(Array.from(set.matrix.slice(0, 8))).toEqual(Array.from(vector(8, 3)));
    // what was pulled is not sent back up
    expect(b.centralOutbox.pending()).toBe(0);
    // pulled back by the box that made it: nothing doubled there
    await pull(a, store);
    expect(a.listReferences(board.id)).toHaveLength(1);
    expect(a.listBoards().filter((x) => x.model === 'S19 Pro')).toHaveLength(1);
  });

  it('history is stored once per box and local id, also when a batch is sent again (a crash before the ack)', async () => {
    for (let i = 0; i < 5; i++) {
      a.insertRecognition({
        at: 1000 + i,
        camera: 'cam',
        slot: 'bench',
        boardId: null,
        score: 0.5,
        margin: 0.1,
        topk: [],
        modelId: 'm1',
        // the last row was verified geometrically: what the box decided goes up with it
        ...(i === 4 ? { verification: { verified: true, inliers: 87, outline: OUTLINE } } : {}),
      });
    }
    const { changes } = a.centralOutbox.next(100);
    expect(changes).toHaveLength(5);
    await store.push('box-a', changes);
    // the box died before ack(): it sends the same batch again
    await store.push('box-a', changes);
    await send(a, store, 'box-a');
    expect(await store.countRecognitions('box-a')).toBe(5);
    const page = await store.recognitions({ box: 'box-a', limit: 100, offset: 0 });
    expect(page.rows.map((r) => r.localId).sort((x, y) => x - y)).toEqual(
      a
        .queryRecognitions({ limit: 100, offset: 0 })
        .rows.map((r) => r.id)
        .sort((x, y) => x - y),
    );
    const verified = page.rows.filter((r) => r.verified !== null);
    expect(verified).toEqual([expect.objectContaining({ verified: true, inliers: 87, outline: OUTLINE })]);
  });

  it('the same board edited on two boxes while apart: later edit wins per field, both versions kept', async () => {
    const onA = a.findBoard('Bitmain', 'S19 Pro')!;
    const onB = b.findBoard('Bitmain', 'S19 Pro')!;
    a.updateBoard(onA.id, { notes: 'from A' });
    // B edits later (its updated_at is later), and a field A did not touch
    await new Promise((r) => setTimeout(r, 5));
    b.updateBoard(onB.id, { notes: 'from B', chipCount: 76 });
    await send(b, store, 'box-b');
    // A's older edit arrives last and loses; A dies before hearing the commit and sends the same
    // batch again: the conflict is kept once
    const { changes } = a.centralOutbox.next(100);
    await store.push('box-a', changes);
    await store.push('box-a', changes);
    await send(a, store, 'box-a');
    const conflicts = await store.boardConflicts({ box: 'box-a', id: onA.id });
    expect(conflicts).toEqual([
      expect.objectContaining({
        field: 'notes',
        kept: 'from B',
        keptBox: 'box-b',
        other: 'from A',
        otherBox: 'box-a',
      }),
    ]);
    await pull(a, store);
    await pull(b, store);
    for (const [box, id] of [
      [a, onA.id],
      [b, onB.id],
    ] as const) {
      const board = box.getBoard(id)!;
      expect(board.notes).toBe('from B');
      expect(board.chipCount).toBe(76);
    }
  });

  it('a reference deleted on one box is deleted on the other', async () => {
    const onA = a.findBoard('Bitmain', 'S19 Pro')!;
    const onB = b.findBoard('Bitmain', 'S19 Pro')!;
    const [ref] = b.listReferences(onB.id);
    b.deleteReference(ref!.id);
    await send(b, store, 'box-b');
    await pull(a, store);
    expect(a.listReferences(onA.id)).toHaveLength(0);
  });

  it('an embedding pulled for a reference deleted here (its deletion not sent yet) is skipped: the pull goes on, the deletion reaches the other box', async () => {
    const board = a.createBoard({ vendor: 'Bitmain', model: 'S19 XP', kind: 'hashboard' });
    const ref = a.addReference(
      {
        boardId: board.id,
        image: fakeJpeg(5),
        thumbnail: fakeJpeg(6),
        width: 10,
        height: 10,
        source: 'upload',
      },
      { modelId: 'm1', vector: vector(8, 5) },
    );
    await send(a, store, 'box-a');
    await pull(b, store);
    const onB = b.findBoard('Bitmain', 'S19 XP')!;
    const [refOnB] = b.listReferences(onB.id);
    // apart: B deletes the reference, A embeds it with another model (a reindex after model use)
    b.deleteReference(refOnB!.id);
    a.putEmbedding(ref.id, 'm2', vector(8, 6));
    await send(a, store, 'box-a');
    await pull(b, store);
    expect(b.getReference(refOnB!.id)).toBeUndefined();
    expect(b.getEmbedding(refOnB!.id, 'm2')).toBeUndefined();
    // nothing left to pull: the batch with the embedding was applied (not retried forever)
    const cursor = b.centralApplier.cursor();
    expect((await store.pull(cursor, 100)).cursor).toBe(cursor);
    await send(b, store, 'box-b');
    await pull(a, store);
    expect(a.listReferences(board.id)).toHaveLength(0);
  });

  it('a unit seen first on box A is known on box B, and returning there when B sees it again', async () => {
    const onA = a.findBoard('Bitmain', 'S19 Pro')!;
    const onB = b.findBoard('Bitmain', 'S19 Pro')!;
    const twoDaysAgo = Date.now() - 2 * 86_400_000;
    const seen = { camera: 'cam', slot: 'bench', source: 'ocr' as const, visitGapMs: 3_600_000 };
    const rec = a.insertRecognition({
      at: twoDaysAgo,
      camera: 'cam',
      slot: 'bench',
      boardId: onA.id,
      score: 0.9,
      margin: 0.3,
      topk: [],
      modelId: 'm1',
    });
    a.sightUnit({ ...seen, serial: 'SN-RET-1', boardId: onA.id, at: twoDaysAgo, recognitionId: rec.id });
    await send(a, store, 'box-a');
    await pull(b, store);
    const known = b.getUnit('SN-RET-1');
    expect(known).toMatchObject({ boardId: onB.id, visits: 1 });
    // what was pulled is not sent back up
    expect(b.centralOutbox.pending()).toBe(0);
    const again = b.sightUnit({
      ...seen,
      serial: 'SN-RET-1',
      boardId: onB.id,
      at: Date.now(),
      recognitionId: null,
    });
    expect(again).toMatchObject({ created: false, newVisit: true, visit: 2 });
    expect(again.previous?.lastSeen).toBe(twoDaysAgo);
    await send(b, store, 'box-b');
    const shop = await store.units({ box: '*', returning: true, limit: 50, offset: 0 });
    expect(shop.rows).toEqual([expect.objectContaining({ serial: 'SN-RET-1', visits: 2, box: 'box-b' })]);
    expect((await store.units({ box: 'box-a', limit: 50, offset: 0 })).rows.map((u) => u.serial)).toEqual([
      'SN-RET-1',
    ]);
    await pull(a, store);
    expect(a.getUnit('SN-RET-1')).toMatchObject({ visits: 2, boardId: onA.id });
    expect(await store.unitEvents('SN-RET-1')).toMatchObject({ visits: 2, links: 1 });
  });

  it('notes and status changes made on two boxes while apart are all kept (a batch sent twice stores them once); the later status wins', async () => {
    a.editUnit('SN-RET-1', { status: 'diagnosing', note: 'from A: fan noise' }, 'alice');
    await new Promise((r) => setTimeout(r, 5));
    b.editUnit('SN-RET-1', { status: 'repairing', note: 'from B: reflowed U3' }, 'bob');
    const { changes } = a.centralOutbox.next(100);
    await store.push('box-a', changes);
    // the box died before ack(): the same batch again
    await store.push('box-a', changes);
    await send(a, store, 'box-a');
    await send(b, store, 'box-b');
    expect(await store.unitEvents('SN-RET-1')).toMatchObject({ visits: 2, statusChanges: 2, notes: 2 });
    await pull(a, store);
    await pull(b, store);
    for (const box of [a, b]) {
      const unit = box.getUnit('SN-RET-1')!;
      expect(unit.status).toBe('repairing');
      const h = box.getUnitHistory(unit.id);
      expect(h.notes.map((n) => n.text).sort()).toEqual(['from A: fan noise', 'from B: reflowed U3']);
      expect(h.statusChanges.map((s) => `${s.status} by ${s.author}`).sort()).toEqual([
        'diagnosing by alice',
        'repairing by bob',
      ]);
      expect(box.centralOutbox.pending()).toBe(0);
    }
    const [row] = (await store.units({ box: '*', serial: 'RET-1', limit: 5, offset: 0 })).rows;
    expect(row).toMatchObject({
      status: 'repairing',
      lastNote: { text: 'from B: reflowed U3', author: 'bob' },
    });
  });

  it('a data folder linked before units were synced (schema 7) sends its units when upgraded, with its waiting outbox kept', async () => {
    const path = join(dir, 'old.db');
    const old = openDatabase(path, { migrations: loadMigrations().slice(0, 7) });
    old.exec(`UPDATE central_link SET box = 'box-old';
      INSERT INTO boards (vendor, model, kind, created_at, updated_at) VALUES ('Old', 'Board', 'psu', 1, 1);
      INSERT INTO units (serial, status, created_at, updated_at) VALUES ('SN-OLD-1', 'received', 5, 5);
      INSERT INTO unit_visits (unit_id, started_at, last_seen_at) VALUES (1, 5, 6);
      INSERT INTO unit_notes (unit_id, at, author, text) VALUES (1, 7, 'carol', 'kept from before');`);
    old.close();
    const upgraded = Catalog.open(path);
    try {
      const { changes } = upgraded.centralOutbox.next(100);
      expect(changes.map((c) => c.entity)).toEqual(['board', 'unit', 'unit-visit', 'unit-note']);
      await send(upgraded, store, 'box-old');
      expect(await store.unitEvents('SN-OLD-1')).toMatchObject({ visits: 1, notes: 1 });
      // a new unit event is queued by the new triggers
      upgraded.editUnit('SN-OLD-1', { note: 'after the upgrade' }, 'carol');
      expect(upgraded.centralOutbox.next(100).changes.map((c) => c.entity)).toEqual(['unit-note']);
    } finally {
      upgraded.close();
    }
  });
});
