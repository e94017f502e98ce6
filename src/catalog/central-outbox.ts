import type { Statement } from 'better-sqlite3';
import { BenchsightError } from '../errors.ts';
import type { Outline, RegionDefect } from '../protocol.ts';
import type {
  BoardFields,
  CentralRecognition,
  CentralRecognitionText,
  OutboundChange,
  ShopKey,
} from './central/types.ts';
import { CentralInspectionMaps, QUEUE_INSPECTION_MAPS } from './central-inspection.ts';
import { CentralUnits, QUEUE_UNIT_LINKS, QUEUE_UNITS } from './central-units.ts';
import type { Database } from './db.ts';

interface OutboxRow {
  seq: number;
  entity:
    | 'board'
    | 'reference'
    | 'embedding'
    | 'recognition'
    | 'unit'
    | 'unit-visit'
    | 'unit-status'
    | 'unit-note'
    | 'unit-link'
    | 'inspection-map';
  local_id: number;
  model_id: string | null;
  op: 'upsert' | 'delete';
  before: string | null;
  at: number;
}

type Row = Record<string, unknown>;

/** Box names: what central.box accepts, and never '*' (which asks for the whole shop). */
export const BOX_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The box's side of the link, in SQLite: which box this data folder is, its outbox (filled by the
 * triggers of migrations 007, 008 and 010 in the same transaction as each change) and the shop-wide names of rows
 * that came from other boxes.
 */
export class CentralOutbox {
  readonly #db: Database;
  readonly #selectBox: Statement<[], string | null>;
  readonly #selectBatch: Statement<[number], OutboxRow>;
  readonly #count: Statement<[], number>;
  readonly #ack: Statement<[number]>;
  readonly #origin: Statement<[string, number], { origin_box: string; origin_id: number }>;
  readonly #local: Statement<[string, string, number], number>;
  readonly #boardExists: Statement<[number], number>;
  readonly #referenceExists: Statement<[number], number>;
  readonly #board: Statement<[number], Row>;
  readonly #reference: Statement<[number], Row>;
  readonly #embedding: Statement<[number, string], Row>;
  readonly #recognition: Statement<[number], Row>;
  /** Units: their queued changes read, and other boxes' applied (migration 008). */
  readonly units: CentralUnits;
  /** Inspection maps: their queued changes read, and other boxes' applied (migration 010). */
  readonly inspectionMaps: CentralInspectionMaps;

  constructor(db: Database) {
    this.#db = db;
    this.units = new CentralUnits(db, this);
    this.inspectionMaps = new CentralInspectionMaps(db, this);
    this.#selectBox = db.prepare<[], string | null>('SELECT box FROM central_link').pluck();
    this.#selectBatch = db.prepare('SELECT * FROM central_outbox ORDER BY seq LIMIT ?');
    this.#count = db.prepare<[], number>('SELECT count(*) FROM central_outbox').pluck();
    this.#ack = db.prepare('DELETE FROM central_outbox WHERE seq <= ?');
    this.#origin = db.prepare(
      'SELECT origin_box, origin_id FROM central_ids WHERE entity = ? AND local_id = ?',
    );
    this.#local = db
      .prepare<[string, string, number], number>(
        'SELECT local_id FROM central_ids WHERE entity = ? AND origin_box = ? AND origin_id = ?',
      )
      .pluck();
    this.#boardExists = db.prepare<[number], number>('SELECT 1 FROM boards WHERE id = ?').pluck();
    this.#referenceExists = db
      .prepare<[number], number>('SELECT 1 FROM board_references WHERE id = ?')
      .pluck();
    this.#board = db.prepare(
      `SELECT vendor, model, kind, chip_type, chip_count, notes, tags, text_pattern, removed_at, created_at,
         updated_at FROM boards WHERE id = ?`,
    );
    this.#reference = db.prepare(
      `SELECT board_id, image, thumbnail, width, height, source, source_detail, sha256, created_at
       FROM board_references WHERE id = ?`,
    );
    this.#embedding = db.prepare(
      'SELECT dim, vector FROM embeddings WHERE reference_id = ? AND model_id = ?',
    );
    this.#recognition = db.prepare(
      `SELECT r.at, r.camera, r.slot, r.board_id, r.score, r.margin, r.topk, r.model_id, r.thumbnail,
         r.verified, r.inliers, r.outline, r.chips_expected, r.chips_found, r.chips_hidden, r.defects, t.lines, t.text, t.serial, t.verdict, t.part_number, t.recognition_id AS has_text
       FROM recognitions r LEFT JOIN recognition_text t ON t.recognition_id = r.id WHERE r.id = ?`,
    );
  }

  /** The box this data folder was linked as; null: never linked. */
  box(): string | null {
    return this.#selectBox.get() ?? null;
  }

  /**
   * Links this data folder as `box`: the first time, everything it holds is queued (the catalog with its
   * inspection maps, units, then the history), in one transaction with the link itself. A folder linked as another box is refused:
   * its rows are already known centrally under that name.
   */
  link(box: string): void {
    this.#db
      .transaction(() => {
        const current = this.box();
        if (current === box) return;
        if (current !== null) {
          throw new BenchsightError(
            'E_CENTRAL_BOX',
            `this data folder is linked to the central side as box "${current}", not "${box}": set central.box: ${current}, or start from another data folder`,
          );
        }
        this.#db.prepare('UPDATE central_link SET box = ?').run(box);
        const now = Date.now();
        this.#db.exec(`
          INSERT INTO central_outbox (entity, local_id, op, at)
            SELECT 'board', id, 'upsert', updated_at FROM boards ORDER BY id;
          INSERT INTO central_outbox (entity, local_id, op, at)
            SELECT 'reference', id, 'upsert', created_at FROM board_references ORDER BY id;
          INSERT INTO central_outbox (entity, local_id, model_id, op, at)
            SELECT 'embedding', reference_id, model_id, 'upsert', ${now} FROM embeddings ORDER BY reference_id, model_id;
          ${QUEUE_INSPECTION_MAPS}
          ${QUEUE_UNITS}
          INSERT INTO central_outbox (entity, local_id, op, at)
            SELECT 'recognition', id, 'upsert', at FROM recognitions ORDER BY id;
          ${QUEUE_UNIT_LINKS}`);
      })
      .immediate();
  }

  /** Changes waiting to be sent. */
  pending(): number {
    return this.#count.get()!;
  }

  /**
   * The oldest `limit` queued changes, each with its row as it is now. A row gone since it was queued
   * (a reference deleted, whose delete is queued after it) is passed over. `lastSeq`: what ack() takes
   * once the central side committed them.
   */
  next(limit: number): { changes: OutboundChange[]; lastSeq: number } {
    const box = this.box();
    if (box === null) return { changes: [], lastSeq: 0 };
    const rows = this.#selectBatch.all(limit);
    const changes: OutboundChange[] = [];
    for (const row of rows) {
      const change = this.#change(box, row);
      if (change) changes.push(change);
    }
    return { changes, lastSeq: rows.at(-1)?.seq ?? 0 };
  }

  /** The central side stored everything up to `lastSeq`. */
  ack(lastSeq: number): void {
    this.#ack.run(lastSeq);
  }

  /** The shop-wide name of a local board or reference. */
  shopKey(entity: 'board' | 'reference', localId: number, box = this.box() ?? ''): ShopKey {
    const o = this.#origin.get(entity, localId);
    return o ? { box: o.origin_box, id: o.origin_id } : { box, id: localId };
  }

  /** The local id of a board or reference named shop-wide; undefined: not here (yet). */
  localId(entity: 'board' | 'reference', key: ShopKey): number | undefined {
    if (key.box === this.box()) {
      // a row made here may have been pulled back under its own name: its id is its name
      const exists = (entity === 'board' ? this.#boardExists : this.#referenceExists).get(key.id);
      return exists === undefined ? undefined : key.id;
    }
    return this.#local.get(entity, key.box, key.id);
  }

  #change(box: string, row: OutboxRow): OutboundChange | null {
    const seq = row.seq;
    if (row.entity === 'inspection-map') return this.inspectionMaps.change(box, row);
    if (row.entity.startsWith('unit')) {
      return this.units.change(box, seq, row.entity as Parameters<CentralUnits['change']>[2], row.local_id);
    }
    if (row.entity === 'board') {
      const b = this.#board.get(row.local_id);
      if (!b) return null;
      return {
        seq,
        entity: 'board',
        board: {
          key: this.shopKey('board', row.local_id, box),
          fields: boardFields(b),
          createdAt: b.created_at as number,
          at: row.at,
        },
        before: row.before === null ? null : (JSON.parse(row.before) as BoardFields),
      };
    }
    if (row.entity === 'reference') {
      const key = this.shopKey('reference', row.local_id, box);
      if (row.op === 'delete') return { seq, entity: 'reference-deleted', key, at: row.at };
      const r = this.#reference.get(row.local_id);
      if (!r) return null;
      return {
        seq,
        entity: 'reference',
        reference: {
          key,
          board: this.shopKey('board', r.board_id as number, box),
          image: r.image as Buffer,
          thumbnail: r.thumbnail as Buffer,
          width: r.width as number,
          height: r.height as number,
          source: r.source as 'upload',
          sourceDetail: r.source_detail as string | null,
          sha256: r.sha256 as string,
          createdAt: r.created_at as number,
        },
      };
    }
    if (row.entity === 'embedding') {
      const e = this.#embedding.get(row.local_id, row.model_id ?? '');
      if (!e) return null;
      return {
        seq,
        entity: 'embedding',
        embedding: {
          reference: this.shopKey('reference', row.local_id, box),
          modelId: row.model_id ?? '',
          dim: e.dim as number,
          vector: e.vector as Buffer,
        },
      };
    }
    const r = this.#recognition.get(row.local_id);
    if (!r) return null;
    return { seq, entity: 'recognition', recognition: this.#recognitionOf(box, row.local_id, r) };
  }

  #recognitionOf(box: string, localId: number, r: Row): CentralRecognition {
    const boardKey = (id: number | null) => (id === null ? null : this.shopKey('board', id, box));
    const topk = (JSON.parse(r.topk as string) as { boardId: number | null; score: number }[]).map((t) => ({
      board: boardKey(t.boardId),
      score: t.score,
    }));
    const text: CentralRecognitionText | null =
      r.has_text === null
        ? null
        : {
            lines: JSON.parse(r.lines as string) as unknown[],
            text: r.text as string,
            serial: r.serial as string | null,
            verdict: r.verdict as string,
            partNumber: r.part_number as string | null,
          };
    return {
      box,
      localId,
      at: r.at as number,
      camera: r.camera as string,
      slot: r.slot as string,
      board: boardKey(r.board_id as number | null),
      score: r.score as number,
      margin: r.margin as number,
      topk,
      modelId: r.model_id as string,
      thumbnail: (r.thumbnail as Buffer | null) ?? null,
      text,
      verified: r.verified === null ? null : r.verified === 1,
      inliers: r.inliers as number | null,
      outline: r.outline === null ? null : (JSON.parse(r.outline as string) as Outline),
      chipsExpected: r.chips_expected as number | null,
      chipsFound: r.chips_found as number | null,
      chipsHidden: r.chips_hidden as number | null,
      defects: r.defects === null ? null : (JSON.parse(r.defects as string) as RegionDefect[]),
    };
  }
}

export function boardFields(b: Row): BoardFields {
  return {
    vendor: b.vendor as string,
    model: b.model as string,
    kind: b.kind as BoardFields['kind'],
    chipType: b.chip_type as string | null,
    chipCount: b.chip_count as number | null,
    notes: b.notes as string,
    tags: JSON.parse(b.tags as string) as string[],
    textPattern: b.text_pattern as string | null,
    removedAt: b.removed_at as number | null,
  };
}
