import type { Statement } from 'better-sqlite3';
import type { UnitConflictResolution, UnitStatus } from '../protocol.ts';
import type { Database } from './db.ts';

/** A unit's history as stored: visits, status log, notes, conflicts and the recognitions that saw it. */
export interface UnitHistory {
  visits: {
    number: number;
    startedAt: number;
    lastSeenAt: number;
    camera: string | null;
    slot: string | null;
  }[];
  statusChanges: { at: number; from: UnitStatus | null; status: UnitStatus; author: string }[];
  notes: { at: number; author: string; text: string }[];
  conflicts: {
    id: number;
    kind: 'serial' | 'board';
    at: number;
    recognitionId: number | null;
    typedSerial: string | null;
    ocrSerial: string | null;
    unitBoardId: number | null;
    seenBoardId: number | null;
    resolution: UnitConflictResolution | null;
    resolvedAt: number | null;
    resolvedBy: string | null;
  }[];
  recognitions: {
    id: number;
    at: number;
    camera: string;
    slot: string;
    boardId: number | null;
    source: 'ocr' | 'typed';
    visit: number | null;
    hasThumbnail: boolean;
  }[];
}

type Row = Record<string, unknown>;

/** Reads a unit's history (the lists of GET /api/units/:serial), newest last except recognitions. */
export class UnitHistoryReader {
  readonly #visits: Statement<[number], Row>;
  readonly #status: Statement<[number], Row>;
  readonly #notes: Statement<[number], Row>;
  readonly #conflicts: Statement<[number], Row>;
  readonly #recognitions: Statement<[number, number], Row>;

  constructor(db: Database) {
    this.#visits = db.prepare(
      `SELECT row_number() OVER (ORDER BY started_at, id) AS number, started_at AS startedAt,
         last_seen_at AS lastSeenAt, camera, slot FROM unit_visits WHERE unit_id = ? ORDER BY started_at, id`,
    );
    this.#status = db.prepare(
      `SELECT at, from_status AS "from", status, author FROM unit_status_changes WHERE unit_id = ? ORDER BY id`,
    );
    this.#notes = db.prepare('SELECT at, author, text FROM unit_notes WHERE unit_id = ? ORDER BY id');
    this.#conflicts = db.prepare(
      `SELECT c.id, c.kind, c.at, c.recognition_id AS recognitionId,
         CASE c.kind WHEN 'serial' THEN t.serial END AS typedSerial,
         CASE c.kind WHEN 'serial' THEN o.serial END AS ocrSerial,
         c.unit_board_id AS unitBoardId, c.seen_board_id AS seenBoardId, c.resolution,
         c.resolved_at AS resolvedAt, c.resolved_by AS resolvedBy
       FROM unit_conflicts c JOIN units t ON t.id = c.unit_id LEFT JOIN units o ON o.id = c.other_unit_id
       WHERE ? IN (c.unit_id, c.other_unit_id) ORDER BY c.id`,
    );
    this.#recognitions = db.prepare(
      `SELECT r.id, r.at, r.camera, r.slot, r.board_id AS boardId, l.source,
         (SELECT count(*) FROM unit_visits v WHERE v.unit_id = l.unit_id AND v.id <= l.visit_id) AS visit,
         l.visit_id IS NULL AS noVisit, r.thumbnail IS NOT NULL AS hasThumbnail
       FROM unit_recognitions l JOIN recognitions r ON r.id = l.recognition_id
       WHERE l.unit_id = ? ORDER BY r.at DESC, r.id DESC LIMIT ?`,
    );
  }

  read(unitId: number, maxRecognitions: number): UnitHistory {
    return {
      visits: this.#visits.all(unitId) as UnitHistory['visits'],
      statusChanges: this.#status.all(unitId) as UnitHistory['statusChanges'],
      notes: this.#notes.all(unitId) as UnitHistory['notes'],
      conflicts: this.#conflicts.all(unitId) as UnitHistory['conflicts'],
      recognitions: this.#recognitions.all(unitId, maxRecognitions).map((r) => ({
        id: r.id as number,
        at: r.at as number,
        camera: r.camera as string,
        slot: r.slot as string,
        boardId: r.boardId as number | null,
        source: r.source as 'ocr' | 'typed',
        visit: r.noVisit === 1 ? null : (r.visit as number),
        hasThumbnail: r.hasThumbnail === 1,
      })),
    };
  }
}
