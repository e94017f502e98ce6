import type { Statement } from 'better-sqlite3';
import type { UnitConflictResolution, UnitStatus } from '../protocol.ts';
import { likePattern } from './boards.ts';
import type { Database } from './db.ts';
import { badRequest, notFound } from './validate.ts';

/** A unit as stored, with what its visits, notes and conflicts say. */
export interface UnitRow {
  id: number;
  serial: string;
  boardId: number | null;
  status: UnitStatus;
  firstSeen: number;
  lastSeen: number;
  visits: number;
  flagged: boolean;
  lastNote: { at: number; author: string; text: string } | null;
}

export interface UnitFilter {
  /** part of the serial (normalized) */
  serial?: string;
  boardId?: number;
  status?: UnitStatus;
  /** only units seen on more than one visit */
  returning?: boolean;
}

export interface Sighting {
  serial: string;
  boardId: number | null;
  at: number;
  camera: string | null;
  slot: string | null;
  recognitionId: number | null;
  source: 'ocr' | 'typed';
  /** a sighting further than this after the unit was last seen starts a new visit */
  visitGapMs: number;
}

export interface SightingResult {
  unitId: number;
  created: boolean;
  newVisit: boolean;
  visit: number;
  /** the previous visit's end and the unit's status then, when this sighting started a new visit */
  previous: { lastSeen: number; status: UnitStatus } | null;
  /** conflicts this sighting raised */
  conflicts: number;
}

interface SummaryRow {
  id: number;
  serial: string;
  board_id: number | null;
  status: string;
  first_seen: number;
  last_seen: number;
  visits: number;
  flagged: number;
  note_at: number | null;
  note_author: string | null;
  note_text: string | null;
}

const SUMMARY = `
  SELECT u.id, u.serial, u.board_id, u.status,
    coalesce((SELECT min(started_at) FROM unit_visits v WHERE v.unit_id = u.id), u.created_at) AS first_seen,
    coalesce((SELECT max(last_seen_at) FROM unit_visits v WHERE v.unit_id = u.id), u.created_at) AS last_seen,
    (SELECT count(*) FROM unit_visits v WHERE v.unit_id = u.id) AS visits,
    EXISTS (SELECT 1 FROM unit_conflicts c WHERE c.resolved_at IS NULL
      AND (c.unit_id = u.id OR c.other_unit_id = u.id)) AS flagged,
    n.at AS note_at, n.author AS note_author, n.text AS note_text
  FROM units u
  LEFT JOIN unit_notes n ON n.id = (SELECT max(id) FROM unit_notes WHERE unit_id = u.id)`;

const FILTER = `
  WHERE (@serial IS NULL OR serial LIKE @serial ESCAPE '\\')
    AND (@boardId IS NULL OR board_id = @boardId)
    AND (@status IS NULL OR status = @status)
    AND (@returning IS NULL OR (visits > 1) = @returning)`;

function toUnit(r: SummaryRow): UnitRow {
  return {
    id: r.id,
    serial: r.serial,
    boardId: r.board_id,
    status: r.status as UnitStatus,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    visits: r.visits,
    flagged: r.flagged === 1,
    lastNote:
      r.note_at === null ? null : { at: r.note_at, author: r.note_author ?? '', text: r.note_text ?? '' },
  };
}

type Params = Record<string, string | number | null>;

/** Units, their visits, links to recognitions, status changes, notes and conflicts (tables unit_*). */
export class UnitRepository {
  readonly #byId: Statement<[number], SummaryRow>;
  readonly #idBySerial: Statement<[string], number>;
  readonly #page: Statement<Params, SummaryRow>;
  readonly #count: Statement<Params, number>;
  readonly #insert: Statement<Params>;
  readonly #setBoard: Statement<Params>;
  readonly #lastVisit: Statement<[number], { id: number; last_seen_at: number; n: number }>;
  readonly #newVisit: Statement<Params>;
  readonly #extendVisit: Statement<Params>;
  readonly #link: Statement<Params>;
  readonly #linksOf: Statement<[number], { unit_id: number; source: string }>;
  readonly #conflict: Statement<Params>;
  readonly #setStatus: Statement<Params>;
  readonly #statusChange: Statement<Params>;
  readonly #note: Statement<Params>;
  readonly #conflictOf: Statement<
    [number, number, number],
    { kind: string; seen_board_id: number | null; resolved_at: number | null }
  >;
  readonly #resolve: Statement<[string, number, string, number]>;

  constructor(db: Database) {
    this.#byId = db.prepare(`${SUMMARY} WHERE u.id = ?`);
    this.#idBySerial = db.prepare<[string], number>('SELECT id FROM units WHERE serial = ?').pluck();
    this.#page = db.prepare(
      `SELECT * FROM (${SUMMARY}) ${FILTER} ORDER BY last_seen DESC, id DESC LIMIT @limit OFFSET @offset`,
    );
    this.#count = db.prepare<Params, number>(`SELECT count(*) FROM (${SUMMARY}) ${FILTER}`).pluck();
    this.#insert = db.prepare(
      `INSERT INTO units (serial, board_id, status, created_at, updated_at)
       VALUES (@serial, @boardId, 'received', @at, @at)`,
    );
    this.#setBoard = db.prepare('UPDATE units SET board_id = @boardId, updated_at = @at WHERE id = @id');
    this.#lastVisit = db.prepare(
      `SELECT v.id, v.last_seen_at, (SELECT count(*) FROM unit_visits w WHERE w.unit_id = v.unit_id) AS n
       FROM unit_visits v WHERE v.unit_id = ? ORDER BY v.started_at DESC, v.id DESC LIMIT 1`,
    );
    this.#newVisit = db.prepare(
      `INSERT INTO unit_visits (unit_id, started_at, last_seen_at, camera, slot)
       VALUES (@unitId, @at, @at, @camera, @slot)`,
    );
    this.#extendVisit = db.prepare(
      `UPDATE unit_visits SET last_seen_at = max(last_seen_at, @at), camera = coalesce(@camera, camera),
         slot = coalesce(@slot, slot) WHERE id = @id`,
    );
    this.#link = db.prepare(
      `INSERT OR IGNORE INTO unit_recognitions (unit_id, recognition_id, visit_id, source, at)
       VALUES (@unitId, @recognitionId, @visitId, @source, @at)`,
    );
    this.#linksOf = db.prepare('SELECT unit_id, source FROM unit_recognitions WHERE recognition_id = ?');
    this.#conflict = db.prepare(
      `INSERT INTO unit_conflicts (kind, unit_id, other_unit_id, recognition_id, unit_board_id, seen_board_id, at)
       VALUES (@kind, @unitId, @otherUnitId, @recognitionId, @unitBoardId, @seenBoardId, @at)`,
    );
    this.#setStatus = db.prepare('UPDATE units SET status = @status, updated_at = @at WHERE id = @id');
    this.#statusChange = db.prepare(
      `INSERT INTO unit_status_changes (unit_id, at, from_status, status, author)
       VALUES (@id, @at, @from, @status, @author)`,
    );
    this.#note = db.prepare(
      'INSERT INTO unit_notes (unit_id, at, author, text) VALUES (@id, @at, @author, @text)',
    );
    this.#conflictOf = db.prepare(
      `SELECT kind, seen_board_id, resolved_at FROM unit_conflicts
       WHERE id = ? AND (unit_id = ? OR other_unit_id = ?)`,
    );
    this.#resolve = db.prepare(
      'UPDATE unit_conflicts SET resolution = ?, resolved_at = ?, resolved_by = ? WHERE id = ?',
    );
  }

  idOf(serial: string): number | undefined {
    return this.#idBySerial.get(serial);
  }

  get(id: number): UnitRow | undefined {
    const row = this.#byId.get(id);
    return row && toUnit(row);
  }

  page(f: UnitFilter, limit: number, offset: number): { rows: UnitRow[]; total: number } {
    const params: Params = {
      serial: f.serial ? likePattern(f.serial) : null,
      boardId: f.boardId ?? null,
      status: f.status ?? null,
      returning: f.returning === undefined ? null : f.returning ? 1 : 0,
    };
    return {
      rows: this.#page.all({ ...params, limit, offset }).map(toUnit),
      total: this.#count.get(params) ?? 0,
    };
  }

  /**
   * A unit seen on the bench (its serial read or typed): found or created, its visit extended or a new
   * one started, the recognition linked, and conflicts recorded: the serial on another board type, or
   * a recognition whose read and typed serials name different units. Run inside a transaction.
   */
  sight(s: Sighting): SightingResult {
    let unitId = this.#idBySerial.get(s.serial);
    const created = unitId === undefined;
    if (unitId === undefined) {
      unitId = Number(this.#insert.run({ serial: s.serial, boardId: s.boardId, at: s.at }).lastInsertRowid);
    }
    const before = this.get(unitId)!;
    let conflicts = 0;
    if (!created && s.boardId !== null) {
      if (before.boardId === null) this.#setBoard.run({ id: unitId, boardId: s.boardId, at: s.at });
      else if (before.boardId !== s.boardId) {
        this.#conflict.run({
          kind: 'board',
          unitId,
          otherUnitId: null,
          recognitionId: s.recognitionId,
          unitBoardId: before.boardId,
          seenBoardId: s.boardId,
          at: s.at,
        });
        conflicts++;
      }
    }
    const last = this.#lastVisit.get(unitId);
    const newVisit = !last || s.at - last.last_seen_at > s.visitGapMs;
    let visitId: number;
    if (newVisit) {
      visitId = Number(
        this.#newVisit.run({ unitId, at: s.at, camera: s.camera, slot: s.slot }).lastInsertRowid,
      );
    } else {
      visitId = last.id;
      this.#extendVisit.run({ id: visitId, at: s.at, camera: s.camera, slot: s.slot });
    }
    if (s.recognitionId !== null) {
      for (const other of this.#linksOf.all(s.recognitionId)) {
        if (other.unit_id === unitId || other.source === s.source) continue;
        const typedUnit = s.source === 'typed' ? unitId : other.unit_id;
        const ocrUnit = s.source === 'typed' ? other.unit_id : unitId;
        this.#conflict.run({
          kind: 'serial',
          unitId: typedUnit,
          otherUnitId: ocrUnit,
          recognitionId: s.recognitionId,
          unitBoardId: null,
          seenBoardId: null,
          at: s.at,
        });
        conflicts++;
      }
      this.#link.run({ unitId, recognitionId: s.recognitionId, visitId, source: s.source, at: s.at });
    }
    return {
      unitId,
      created,
      newVisit,
      visit: newVisit ? (last?.n ?? 0) + 1 : last!.n,
      previous: newVisit && last ? { lastSeen: last.last_seen_at, status: before.status } : null,
      conflicts,
    };
  }

  /** The unit left the bench at `at`: its current visit lasted until then. */
  departed(unitId: number, at: number): void {
    const last = this.#lastVisit.get(unitId);
    if (last) this.#extendVisit.run({ id: last.id, at, camera: null, slot: null });
  }

  /** A status change, kept in the unit's log with who made it. Run inside a transaction. */
  setStatus(id: number, status: UnitStatus, author: string, at: number): void {
    const unit = this.get(id);
    if (!unit) throw notFound(`unit ${id} does not exist`);
    this.#setStatus.run({ id, status, at });
    this.#statusChange.run({ id, at, from: unit.status, status, author });
  }

  addNote(id: number, text: string, author: string, at: number): void {
    this.#note.run({ id, at, author, text });
  }

  /**
   * Settles a conflict of this unit: the answer is recorded, both sides stay stored; a board conflict
   * settled for the board it was seen on moves the unit to that board type. Run inside a transaction.
   */
  resolveConflict(
    unitId: number,
    conflictId: number,
    answer: UnitConflictResolution,
    author: string,
    at: number,
  ): void {
    const c = this.#conflictOf.get(conflictId, unitId, unitId);
    if (!c) throw notFound(`conflict ${conflictId} of this unit`);
    const allowed = c.kind === 'serial' ? ['typed', 'ocr'] : ['unit', 'seen'];
    if (!allowed.includes(answer))
      throw badRequest(`a ${c.kind} conflict is settled with ${allowed.map((a) => `"${a}"`).join(' or ')}`);
    if (c.resolved_at !== null) throw badRequest(`conflict ${conflictId} is already settled`);
    this.#resolve.run(answer, at, author, conflictId);
    if (answer === 'seen' && c.seen_board_id !== null)
      this.#setBoard.run({ id: unitId, boardId: c.seen_board_id, at });
  }
}

/** What one edit of a unit changes (PATCH /api/units/:serial); every part is kept in the unit's log. */
export interface UnitEdit {
  status?: UnitStatus;
  note?: string;
  resolve?: { conflictId: number; answer: UnitConflictResolution };
}
