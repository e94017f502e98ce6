import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CentralStore } from '../../src/catalog/central/store.ts';
import { loadMigrations, openDatabase } from '../../src/catalog/db.ts';
import { Catalog } from '../../src/catalog/index.ts';
import type { InspectionRegion } from '../../src/protocol.ts';
import { newReference } from '../catalog/helpers.ts';
import { pull, send } from '../helpers/central-sync.ts';
import { TestPostgres } from '../helpers/postgres.ts';

const chip = (id: number): InspectionRegion => ({
  id,
  kind: 'chip',
  label: `chip ${id}`,
  box: { x: 0.01 * id, y: 0.1, width: 0.05, height: 0.05 },
});

describe('inspection maps and results through the central store (real PostgreSQL cluster of its own, real SQLite files)', () => {
  let pg: TestPostgres;
  let store: CentralStore;
  const dir = mkdtempSync(join(tmpdir(), 'bs-central-inspect-'));
  let a: Catalog;
  let b: Catalog;
  /** The board on A, and on B; A's two references and their ids on B. */
  let boardA: number;
  let boardB: number;
  const refA: number[] = [];
  const refB: number[] = [];
  const mapConflicts = async () =>
    (await store.boardConflicts({ box: 'box-a', id: boardA })).filter((c) => c.field === 'inspectionMap');

  beforeAll(async () => {
    pg = await TestPostgres.create();
    store = await CentralStore.connect({ url: pg.url(), password: pg.password, box: 'test' });
    await store.migrate();
    a = Catalog.open(join(dir, 'a.db'));
    b = Catalog.open(join(dir, 'b.db'));
    a.centralOutbox.link('box-a');
    b.centralOutbox.link('box-b');
    boardA = a.createBoard({ vendor: 'Bitmain', model: 'S19j Pro', kind: 'hashboard', chipCount: 126 }).id;
    for (const seed of [1, 2]) refA.push(a.addReference(newReference(boardA, seed)).id);
    await send(a, store, 'box-a');
    await pull(b, store);
    boardB = b.findBoard('Bitmain', 'S19j Pro')!.id;
    for (const id of refA) refB.push(b.findReferencesBySha256(a.getReference(id)!.sha256)[0]!.id);
  }, 180_000);

  afterAll(async () => {
    a?.close();
    b?.close();
    await store?.close();
    await pg?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a map saved on box A reaches box B, drawn on B’s id of the same reference; edited on B, it comes back to A', async () => {
    a.putInspectionMap(boardA, { referenceId: refA[0]!, regions: [chip(1), chip(2)] });
    await send(a, store, 'box-a');
    await pull(b, store);
    expect(b.getInspectionMap(boardB)).toMatchObject({ referenceId: refB[0], regions: [chip(1), chip(2)] });
    // what was pulled is not sent back up
    expect(b.centralOutbox.pending()).toBe(0);
    b.putInspectionMap(boardB, { referenceId: refB[1]!, regions: [chip(3)] });
    await send(b, store, 'box-b');
    await pull(a, store);
    expect(a.getInspectionMap(boardA)).toMatchObject({ referenceId: refA[1], regions: [chip(3)] });
    // one edit after the other: no conflict
    expect(await mapConflicts()).toEqual([]);
    expect(a.centralOutbox.pending()).toBe(0);
  });

  it('a map saved on both boxes while apart: the later edit wins whole on both, the other version kept and flagged', async () => {
    a.putInspectionMap(boardA, { referenceId: refA[0]!, regions: [chip(4)] });
    await new Promise((r) => setTimeout(r, 5));
    b.putInspectionMap(boardB, { referenceId: refB[0]!, regions: [chip(5), chip(6), chip(7)] });
    // the later edit arrives first; the earlier one, sent after, loses (also when sent twice)
    await send(b, store, 'box-b');
    const { changes } = a.centralOutbox.next(100);
    await store.push('box-a', changes);
    await send(a, store, 'box-a');
    const conflicts = await mapConflicts();
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({
      kept: { reference: { box: 'box-a', id: refA[0] }, regions: [chip(5), chip(6), chip(7)] },
      keptBox: 'box-b',
      other: { reference: { box: 'box-a', id: refA[0] }, regions: [chip(4)] },
      otherBox: 'box-a',
    });
    expect(conflicts[0]!.keptAt).toBeGreaterThan(conflicts[0]!.otherAt);
    await pull(a, store);
    await pull(b, store);
    expect(a.getInspectionMap(boardA)?.regions).toEqual([chip(5), chip(6), chip(7)]);
    expect(b.getInspectionMap(boardB)?.regions).toEqual([chip(5), chip(6), chip(7)]);
  });

  it('a map deleted on one box, or deleted with its reference, is deleted on the other', async () => {
    b.deleteInspectionMap(boardB);
    await send(b, store, 'box-b');
    await pull(a, store);
    expect(a.getInspectionMap(boardA)).toBeUndefined();
    a.putInspectionMap(boardA, { referenceId: refA[1]!, regions: [chip(8)] });
    await send(a, store, 'box-a');
    await pull(b, store);
    expect(b.getInspectionMap(boardB)?.referenceId).toBe(refB[1]);
    a.deleteReference(refA[1]!);
    expect(a.getInspectionMap(boardA)).toBeUndefined();
    await send(a, store, 'box-a');
    await pull(b, store);
    expect(b.getReference(refB[1]!)).toBeUndefined();
    expect(b.getInspectionMap(boardB)).toBeUndefined();
    // a box that was away learns of it from the tombstone
    const fresh = await store.pull(0, 1000);
    expect(fresh.inspectionMaps).toEqual([
      expect.objectContaining({ board: { box: 'box-a', id: boardA }, map: null }),
    ]);
  });

  it('an edit on a reference deleted meanwhile never wins, and is kept as the other version', async () => {
    a.putInspectionMap(boardA, { referenceId: refA[0]!, regions: [chip(9)] });
    await send(a, store, 'box-a');
    await pull(b, store);
    // apart: A deletes the reference (and the map with it), B redraws the map on it later
    a.deleteReference(refA[0]!);
    await new Promise((r) => setTimeout(r, 5));
    b.putInspectionMap(boardB, { referenceId: refB[0]!, regions: [chip(10)] });
    await send(a, store, 'box-a');
    await send(b, store, 'box-b');
    expect((await mapConflicts()).at(-1)).toMatchObject({
      kept: null,
      keptBox: 'box-a',
      other: { regions: [chip(10)] },
      otherBox: 'box-b',
    });
    await pull(b, store);
    expect(b.getInspectionMap(boardB)).toBeUndefined();
  });

  it('a reference deleted and another enrolled gets a new id (its shop-wide name), so it and the map drawn on it reach the other box', async () => {
    const wrong = a.addReference(newReference(boardA, 3));
    await send(a, store, 'box-a');
    a.deleteReference(wrong.id);
    const better = a.addReference(newReference(boardA, 4));
    // SQLite alone would hand the newest id out again
    expect(better.id).toBeGreaterThan(wrong.id);
    a.putInspectionMap(boardA, { referenceId: better.id, regions: [chip(13)] });
    await send(a, store, 'box-a');
    await pull(b, store);
    const onB = b.findReferencesBySha256(better.sha256);
    expect(onB).toHaveLength(1);
    expect(b.findReferencesBySha256(wrong.sha256)).toEqual([]);
    expect(b.getInspectionMap(boardB)).toMatchObject({ referenceId: onB[0]!.id, regions: [chip(13)] });
    // and on B too, a pulled reference takes an id no deleted one had
    expect(onB[0]!.id).toBeGreaterThan(Math.max(...refB));
    // a map the central side holds that a PUT would refuse (written there by hand): not applied, no crash
    const reference = { box: 'box-a', id: better.id };
    const outside = { ...chip(14), box: { x: 0.99, y: 0.1, width: 0.05, height: 0.05 } };
    await store.push('box-a', [
      {
        seq: 1,
        entity: 'inspection-map',
        inspectionMap: {
          board: { box: 'box-a', id: boardA },
          map: { reference, regions: [outside] },
          at: Date.now(),
          box: 'box-a',
        },
        before: { reference, regions: [chip(13)] },
      },
    ]);
    await pull(b, store);
    expect(b.getInspectionMap(boardB)?.regions).toEqual([chip(13)]);
  });

  it('what the inspection found goes up after the row itself, once in effect, and the shop-wide history filters on it', async () => {
    const row = {
      camera: 'cam',
      slot: 'bench',
      boardId: boardA,
      score: 0.9,
      margin: 0.3,
      topk: [],
      modelId: 'm1',
    };
    const inspected = a.insertRecognition({ ...row, at: 2000 });
    const clean = a.insertRecognition({ ...row, at: 2001 });
    await send(a, store, 'box-a');
    const before = await store.recognitions({ box: 'box-a', limit: 10, offset: 0 });
    expect(before.rows.find((r) => r.localId === inspected.id)).toMatchObject({
      chipsExpected: null,
      chipsFound: null,
      defects: null,
    });
    const defects = [{ id: 12, label: 'chip 12', verdict: 'missing' as const }];
    a.saveInspection(inspected.id, { chipsExpected: 126, chipsFound: 120, chipsHidden: 5, defects });
    a.saveInspection(clean.id, { chipsExpected: 126, chipsFound: 126, chipsHidden: 0, defects: [] });
    const { changes } = a.centralOutbox.next(100);
    expect(changes.map((c) => c.entity)).toEqual(['recognition', 'recognition']);
    // the box died before the ack: the same batch again
    await store.push('box-a', changes);
    await send(a, store, 'box-a');
    expect(await store.countRecognitions('box-a')).toBe(2);
    const withDefects = await store.recognitions({ box: '*', defects: true, limit: 10, offset: 0 });
    expect(withDefects.rows).toEqual([
      expect.objectContaining({
        box: 'box-a',
        localId: inspected.id,
        chipsExpected: 126,
        chipsFound: 120,
        chipsHidden: 5,
        defects,
      }),
    ]);
    const cleanRows = await store.recognitions({ box: 'box-a', defects: false, limit: 10, offset: 0 });
    expect(cleanRows.rows.map((r) => [r.localId, r.chipsFound])).toEqual([[clean.id, 126]]);
  });

  it('a data folder linked at schema 9 keeps its waiting outbox when upgraded, and sends its map and inspected rows', async () => {
    const path = join(dir, 'old9.db');
    const old = openDatabase(path, { migrations: loadMigrations().slice(0, 9) });
    old.exec(`UPDATE central_link SET box = 'box-old9';
      INSERT INTO boards (vendor, model, kind, created_at, updated_at) VALUES ('Old', 'Nine', 'hashboard', 1, 1);
      INSERT INTO board_references (board_id, image, thumbnail, width, height, source, sha256, created_at)
        VALUES (1, x'ffd8ff01', x'ffd8ff02', 10, 10, 'upload', '${'9'.repeat(64)}', 2);
      INSERT INTO inspection_maps (board_id, reference_id, regions, updated_at)
        VALUES (1, 1, '${JSON.stringify([chip(11)])}', 3);
      INSERT INTO recognitions (at, camera, slot, board_id, score, margin, model_id) VALUES (4, 'cam', 'bench', 1, 0.9, 0.3, 'm1');
      UPDATE recognitions SET chips_expected = 3, chips_found = 2, defects = '[{"id":11,"label":"chip 11","verdict":"missing"}]';`);
    // what schema 9 queued and had not sent yet
    expect(old.prepare('SELECT entity FROM central_outbox ORDER BY seq').pluck().all()).toEqual([
      'board',
      'reference',
      'recognition',
    ]);
    old.close();
    const upgraded = Catalog.open(path);
    try {
      const { changes } = upgraded.centralOutbox.next(100);
      expect(changes.map((c) => c.entity)).toEqual([
        'board',
        'reference',
        'recognition',
        'inspection-map',
        'recognition',
      ]);
      await send(upgraded, store, 'box-old9');
      const [row] = (await store.recognitions({ box: 'box-old9', limit: 5, offset: 0 })).rows;
      expect(row).toMatchObject({ chipsExpected: 3, chipsFound: 2, chipsHidden: null });
      // a box linked now gets the whole catalog, the map on its own id of the reference
      const c = Catalog.open(join(dir, 'c.db'));
      try {
        c.centralOutbox.link('box-c');
        await pull(c, store);
        const nine = c.findBoard('Old', 'Nine')!;
        expect(c.getInspectionMap(nine.id)).toMatchObject({
          referenceId: c.listReferences(nine.id)[0]!.id,
          regions: [chip(11)],
        });
      } finally {
        c.close();
      }
      // the new triggers queue what changes from now on
      upgraded.putInspectionMap(1, { referenceId: 1, regions: [chip(12)] });
      upgraded.saveInspection(1, { chipsExpected: 3, chipsFound: 3, chipsHidden: 0, defects: [] });
      expect(upgraded.centralOutbox.next(100).changes.map((c) => c.entity)).toEqual([
        'inspection-map',
        'recognition',
      ]);
    } finally {
      upgraded.close();
    }
  });
});
