import type { Statement } from 'better-sqlite3';
import type { UnitStatus } from '../protocol.ts';
import type { InboundUnits, OutboundChange, ShopKey } from './central/types.ts';
import type { Database } from './db.ts';

type Row = Record<string, unknown>;
type UnitEntity = 'unit' | 'unit-visit' | 'unit-status' | 'unit-note' | 'unit-link';
type EventEntity = 'unit-visit' | 'unit-status' | 'unit-note';
type BoardKeys = {
  shopKey(entity: 'board', localId: number, box?: string): ShopKey;
  localId(entity: 'board', key: ShopKey): number | undefined;
};

export const UNIT_ENTITIES: readonly string[] = [
  'unit',
  'unit-visit',
  'unit-status',
  'unit-note',
  'unit-link',
];

/** What link() queues of the units a data folder already holds (after the catalog, before history). */
export const QUEUE_UNITS = `
  INSERT INTO central_outbox (entity, local_id, op, at) SELECT 'unit', id, 'upsert', created_at FROM units ORDER BY id;
  INSERT INTO central_outbox (entity, local_id, op, at)
    SELECT 'unit-visit', id, 'upsert', last_seen_at FROM unit_visits ORDER BY id;
  INSERT INTO central_outbox (entity, local_id, op, at)
    SELECT 'unit-status', id, 'upsert', at FROM unit_status_changes ORDER BY id;
  INSERT INTO central_outbox (entity, local_id, op, at) SELECT 'unit-note', id, 'upsert', at FROM unit_notes ORDER BY id;`;
/** Links name recognitions: queued after the history. */
export const QUEUE_UNIT_LINKS = `
  INSERT INTO central_outbox (entity, local_id, op, at)
    SELECT 'unit-link', rowid, 'upsert', at FROM unit_recognitions ORDER BY rowid;`;

/**
 * Units on the box's side of the link (migration 008): reads queued unit changes with their rows as
 * they are now, and applies the unit changes other boxes made. A unit is named shop-wide by its serial;
 * visits, status changes and notes by the box that made them and their id there (central_unit_ids
 * for those that came from elsewhere). Status changes and notes are append-only: pulling another box's
 * adds them beside this box's own, and the unit's status is the latest change's.
 */
export class CentralUnits {
  readonly #boards: BoardKeys;
  readonly #unit: Statement<[number], Row>;
  readonly #visit: Statement<[number], Row>;
  readonly #status: Statement<[number], Row>;
  readonly #note: Statement<[number], Row>;
  readonly #link: Statement<[number], Row>;
  readonly #origin: Statement<[string, number], { origin_box: string; origin_id: number }>;
  readonly #local: Statement<[string, string, number], number>;
  readonly #exists: Record<EventEntity, Statement<[number], number>>;
  readonly #unitId: Statement<[string], number>;
  readonly #insertUnit: Statement<Row, number>;
  readonly #unitBoard: Statement<[number], number | null>;
  readonly #setBoard: Statement<[number | null, number]>;
  readonly #insertVisit: Statement<Row, number>;
  readonly #extendVisit: Statement<Row>;
  readonly #insertStatus: Statement<Row, number>;
  readonly #insertNote: Statement<Row, number>;
  readonly #latestStatus: Statement<[number], string>;
  readonly #setStatus: Statement<[string, number]>;
  readonly #insertId: Statement<[string, number, string, number]>;
  readonly #lastSeenBy: Statement<[string], { unit_id: number; origin_box: string }>;

  constructor(db: Database, boards: BoardKeys) {
    this.#boards = boards;
    this.#unit = db.prepare('SELECT serial, board_id, created_at, updated_at FROM units WHERE id = ?');
    this.#visit = db.prepare(
      `SELECT u.serial, v.started_at, v.last_seen_at, v.camera, v.slot FROM unit_visits v
       JOIN units u ON u.id = v.unit_id WHERE v.id = ?`,
    );
    this.#status = db.prepare(
      `SELECT u.serial, s.at, s.from_status, s.status, s.author FROM unit_status_changes s
       JOIN units u ON u.id = s.unit_id WHERE s.id = ?`,
    );
    this.#note = db.prepare(
      'SELECT u.serial, n.at, n.author, n.text FROM unit_notes n JOIN units u ON u.id = n.unit_id WHERE n.id = ?',
    );
    this.#link = db.prepare(
      `SELECT u.serial, l.recognition_id, l.source, l.visit_id, l.at FROM unit_recognitions l
       JOIN units u ON u.id = l.unit_id WHERE l.rowid = ?`,
    );
    this.#origin = db.prepare(
      'SELECT origin_box, origin_id FROM central_unit_ids WHERE entity = ? AND local_id = ?',
    );
    this.#local = db
      .prepare<[string, string, number], number>(
        'SELECT local_id FROM central_unit_ids WHERE entity = ? AND origin_box = ? AND origin_id = ?',
      )
      .pluck();
    const exists = (table: string) =>
      db.prepare<[number], number>(`SELECT 1 FROM ${table} WHERE id = ?`).pluck();
    this.#exists = {
      'unit-visit': exists('unit_visits'),
      'unit-status': exists('unit_status_changes'),
      'unit-note': exists('unit_notes'),
    };
    this.#unitId = db.prepare<[string], number>('SELECT id FROM units WHERE serial = ?').pluck();
    this.#insertUnit = db
      .prepare<Row, number>(
        `INSERT INTO units (serial, board_id, status, created_at, updated_at)
         VALUES (@serial, @boardId, @status, @createdAt, @createdAt) RETURNING id`,
      )
      .pluck();
    this.#unitBoard = db.prepare<[number], number | null>('SELECT board_id FROM units WHERE id = ?').pluck();
    this.#setBoard = db.prepare('UPDATE units SET board_id = ? WHERE id = ?');
    this.#insertVisit = db
      .prepare<Row, number>(
        `INSERT INTO unit_visits (unit_id, started_at, last_seen_at, camera, slot)
         VALUES (@unitId, @startedAt, @lastSeenAt, @camera, @slot) RETURNING id`,
      )
      .pluck();
    this.#extendVisit = db.prepare(
      `UPDATE unit_visits SET last_seen_at = max(last_seen_at, @lastSeenAt),
         camera = CASE WHEN @lastSeenAt > last_seen_at THEN coalesce(@camera, camera) ELSE camera END,
         slot = CASE WHEN @lastSeenAt > last_seen_at THEN coalesce(@slot, slot) ELSE slot END
       WHERE id = @id`,
    );
    this.#insertStatus = db
      .prepare<Row, number>(
        `INSERT INTO unit_status_changes (unit_id, at, from_status, status, author)
         VALUES (@unitId, @at, @from, @status, @author) RETURNING id`,
      )
      .pluck();
    this.#insertNote = db
      .prepare<Row, number>(
        'INSERT INTO unit_notes (unit_id, at, author, text) VALUES (@unitId, @at, @author, @text) RETURNING id',
      )
      .pluck();
    this.#latestStatus = db
      .prepare<[number], string>(
        'SELECT status FROM unit_status_changes WHERE unit_id = ? ORDER BY at DESC, id DESC LIMIT 1',
      )
      .pluck();
    this.#setStatus = db.prepare('UPDATE units SET status = ? WHERE id = ?');
    this.#insertId = db.prepare(
      'INSERT OR IGNORE INTO central_unit_ids (entity, local_id, origin_box, origin_id) VALUES (?, ?, ?, ?)',
    );
    this.#lastSeenBy = db.prepare(
      `SELECT v.unit_id, c.origin_box FROM unit_visits v
       JOIN central_unit_ids c ON c.entity = 'unit-visit' AND c.local_id = v.id
       WHERE v.unit_id IN (SELECT value FROM json_each(?))
         AND v.id = (SELECT w.id FROM unit_visits w WHERE w.unit_id = v.unit_id ORDER BY w.last_seen_at DESC, w.id DESC LIMIT 1)`,
    );
  }

  /** For units whose latest visit another box started: that box, by unit id (the others are this box's). */
  lastSeenBoxes(unitIds: readonly number[]): Map<number, string> {
    if (unitIds.length === 0) return new Map();
    return new Map(this.#lastSeenBy.all(JSON.stringify(unitIds)).map((r) => [r.unit_id, r.origin_box]));
  }

  /** The shop-wide name of a visit, status change or note held here. */
  shopKey(entity: EventEntity, localId: number, box: string): ShopKey {
    const o = this.#origin.get(entity, localId);
    return o ? { box: o.origin_box, id: o.origin_id } : { box, id: localId };
  }

  #localId(entity: EventEntity, key: ShopKey, box: string): number | undefined {
    if (key.box === box) return this.#exists[entity].get(key.id) === undefined ? undefined : key.id;
    return this.#local.get(entity, key.box, key.id);
  }

  /** A queued unit change with its row as it is now; null: the row is gone. */
  change(box: string, seq: number, entity: UnitEntity, localId: number): OutboundChange | null {
    if (entity === 'unit') {
      const u = this.#unit.get(localId);
      if (!u) return null;
      const board = u.board_id as number | null;
      return {
        seq,
        entity,
        unit: {
          serial: u.serial as string,
          board: board === null ? null : this.#boards.shopKey('board', board, box),
          boardAt: u.updated_at as number,
          createdAt: u.created_at as number,
        },
      };
    }
    if (entity === 'unit-visit') {
      const v = this.#visit.get(localId);
      if (!v) return null;
      return {
        seq,
        entity,
        visit: {
          key: this.shopKey(entity, localId, box),
          serial: v.serial as string,
          startedAt: v.started_at as number,
          lastSeenAt: v.last_seen_at as number,
          camera: v.camera as string | null,
          slot: v.slot as string | null,
        },
      };
    }
    if (entity === 'unit-status') {
      const s = this.#status.get(localId);
      if (!s) return null;
      return {
        seq,
        entity,
        statusChange: {
          key: this.shopKey(entity, localId, box),
          serial: s.serial as string,
          at: s.at as number,
          from: s.from_status as UnitStatus | null,
          status: s.status as UnitStatus,
          author: s.author as string,
        },
      };
    }
    if (entity === 'unit-note') {
      const n = this.#note.get(localId);
      if (!n) return null;
      return {
        seq,
        entity,
        note: {
          key: this.shopKey(entity, localId, box),
          serial: n.serial as string,
          at: n.at as number,
          author: n.author as string,
          text: n.text as string,
        },
      };
    }
    const l = this.#link.get(localId);
    if (!l) return null;
    const visit = l.visit_id as number | null;
    return {
      seq,
      entity,
      link: {
        box,
        recognitionId: l.recognition_id as number,
        serial: l.serial as string,
        source: l.source as 'ocr' | 'typed',
        visit: visit === null ? null : this.shopKey('unit-visit', visit, box),
        at: l.at as number,
      },
    };
  }

  /**
   * Applies other boxes' unit changes (inside the applier's transaction, triggers quiet). A unit not
   * here yet is created from its serial; this box's own events are already here and are left alone.
   * Returns how many rows changed.
   */
  apply(box: string, changes: InboundUnits): number {
    let n = 0;
    const touched = new Set<number>();
    const unitOf = (serial: string, createdAt: number): number =>
      this.#unitId.get(serial) ??
      this.#insertUnit.get({ serial, boardId: null, status: 'received', createdAt })!;
    for (const u of changes.units) {
      const existing = this.#unitId.get(u.serial);
      const board = u.board === null ? null : (this.#boards.localId('board', u.board) ?? null);
      if (existing === undefined) {
        this.#insertUnit.get({ serial: u.serial, boardId: board, status: u.status, createdAt: u.createdAt });
        n++;
      } else if (board !== null && this.#unitBoard.get(existing) === null) {
        this.#setBoard.run(board, existing);
        n++;
      }
    }
    for (const v of changes.visits) {
      const local = this.#localId('unit-visit', v.key, box);
      if (local !== undefined) {
        n += this.#extendVisit.run({ ...v, id: local }).changes;
        continue;
      }
      if (v.key.box === box) continue;
      const id = this.#insertVisit.get({ ...v, unitId: unitOf(v.serial, v.startedAt) })!;
      this.#insertId.run('unit-visit', id, v.key.box, v.key.id);
      n++;
    }
    for (const s of changes.statusChanges) {
      if (s.key.box === box || this.#localId('unit-status', s.key, box) !== undefined) continue;
      const unitId = unitOf(s.serial, s.at);
      const id = this.#insertStatus.get({ ...s, unitId })!;
      this.#insertId.run('unit-status', id, s.key.box, s.key.id);
      touched.add(unitId);
      n++;
    }
    for (const note of changes.notes) {
      if (note.key.box === box || this.#localId('unit-note', note.key, box) !== undefined) continue;
      const id = this.#insertNote.get({ ...note, unitId: unitOf(note.serial, note.at) })!;
      this.#insertId.run('unit-note', id, note.key.box, note.key.id);
      n++;
    }
    // the latest status change wins, wherever it was made
    for (const unitId of touched) {
      const latest = this.#latestStatus.get(unitId);
      if (latest !== undefined) this.#setStatus.run(latest, unitId);
    }
    return n;
  }
}
