import type { Statement } from 'better-sqlite3';
import type { CentralBoard, CentralEmbedding, CentralReference, InboundChanges } from './central/types.ts';
import type { CentralOutbox } from './central-outbox.ts';
import type { Database } from './db.ts';
import { isUniqueViolation } from './sqlite-errors.ts';

type Params = Record<string, unknown>;

/** What one pull changed here: boards, references, maps... added, changed or removed. */
export interface AppliedChanges {
  boards: number;
  references: number;
  embeddings: number;
  units: number;
  inspectionMaps: number;
}

/**
 * Applies catalog changes pulled from the central side to this box's SQLite copy, in one transaction
 * that also moves the cursor: a box stopped halfway pulls the same batch again. While it runs the
 * outbox triggers stay quiet (central_link.applying), so nothing pulled is sent back up. A row with a
 * change of its own still waiting in the outbox is left alone: that change goes up first and comes
 * back merged.
 */
export class CentralApplier {
  readonly #db: Database;
  readonly #outbox: CentralOutbox;
  readonly #applying: Statement<[number]>;
  readonly #setCursor: Statement<[number]>;
  readonly #cursor: Statement<[], number>;
  readonly #queued: Statement<[string, number], number>;
  readonly #insertBoard: Statement<Params, number>;
  readonly #updateBoard: Statement<Params>;
  readonly #liveByName: Statement<[string, string], number>;
  readonly #nameOf: Statement<[number], { vendor: string; model: string }>;
  readonly #boardRemoved: Statement<[number], number | null>;
  readonly #insertId: Statement<[string, number, string, number]>;
  readonly #insertReference: Statement<Params, number>;
  readonly #deleteReference: Statement<[number]>;
  readonly #deleteBoardReferences: Statement<[number]>;
  readonly #insertEmbedding: Statement<[number, string, number, Buffer]>;
  readonly #referenceHere: Statement<[number], number>;

  constructor(db: Database, outbox: CentralOutbox) {
    this.#db = db;
    this.#outbox = outbox;
    this.#applying = db.prepare('UPDATE central_link SET applying = ?');
    this.#setCursor = db.prepare('UPDATE central_link SET cursor = ?');
    this.#cursor = db.prepare<[], number>('SELECT cursor FROM central_link').pluck();
    this.#queued = db
      .prepare<[string, number], number>(
        'SELECT count(*) FROM central_outbox WHERE entity = ? AND local_id = ?',
      )
      .pluck();
    this.#insertBoard = db
      .prepare<Params, number>(
        `INSERT INTO boards (vendor, model, kind, chip_type, chip_count, notes, tags, text_pattern, created_at,
           updated_at, removed_at)
         VALUES (@vendor, @model, @kind, @chipType, @chipCount, @notes, @tags, @textPattern, @createdAt, @at, @removedAt)
         RETURNING id`,
      )
      .pluck();
    this.#updateBoard = db.prepare(
      `UPDATE boards SET vendor = @vendor, model = @model, kind = @kind, chip_type = @chipType,
         chip_count = @chipCount, notes = @notes, tags = @tags, text_pattern = @textPattern,
         updated_at = max(updated_at, @at), removed_at = @removedAt
       WHERE id = @id`,
    );
    this.#liveByName = db
      .prepare<[string, string], number>(
        'SELECT id FROM boards WHERE vendor = ? COLLATE NOCASE AND model = ? COLLATE NOCASE AND removed_at IS NULL',
      )
      .pluck();
    this.#nameOf = db.prepare('SELECT vendor, model FROM boards WHERE id = ?');
    this.#boardRemoved = db
      .prepare<[number], number | null>('SELECT removed_at FROM boards WHERE id = ?')
      .pluck();
    this.#insertId = db.prepare(
      'INSERT OR IGNORE INTO central_ids (entity, local_id, origin_box, origin_id) VALUES (?, ?, ?, ?)',
    );
    this.#insertReference = db
      .prepare<Params, number>(
        // a new id, never one a deleted reference had (migration 010): central_ids keeps those
        `INSERT INTO board_references (id, board_id, image, thumbnail, width, height, source, source_detail,
           sha256, created_at)
         VALUES ((SELECT last + 1 FROM reference_id_watermark), @boardId, @image, @thumbnail, @width, @height,
           @source, @sourceDetail, @sha256, @createdAt)
         RETURNING id`,
      )
      .pluck();
    this.#deleteReference = db.prepare('DELETE FROM board_references WHERE id = ?');
    this.#deleteBoardReferences = db.prepare('DELETE FROM board_references WHERE board_id = ?');
    this.#insertEmbedding = db.prepare(
      'INSERT OR IGNORE INTO embeddings (reference_id, model_id, dim, vector) VALUES (?, ?, ?, ?)',
    );
    this.#referenceHere = db
      .prepare<[number], number>('SELECT count(*) FROM board_references WHERE id = ?')
      .pluck();
  }

  /** The central catalog revision applied so far. */
  cursor(): number {
    return this.#cursor.get()!;
  }

  apply(changes: InboundChanges): AppliedChanges {
    const applied: AppliedChanges = { boards: 0, references: 0, embeddings: 0, units: 0, inspectionMaps: 0 };
    this.#db
      .transaction(() => {
        this.#applying.run(1);
        for (const b of changes.boards) if (this.#board(b)) applied.boards++;
        for (const r of changes.references) if (this.#reference(r)) applied.references++;
        for (const e of changes.embeddings) if (this.#embedding(e)) applied.embeddings++;
        applied.units = this.#outbox.units.apply(this.#outbox.box() ?? '', changes.units);
        // after the references, which the maps are drawn on
        applied.inspectionMaps = this.#outbox.inspectionMaps.apply(
          changes.inspectionMaps,
          (boardId) => this.#queued.get('inspection-map', boardId)! > 0,
        );
        this.#setCursor.run(changes.cursor);
        this.#applying.run(0);
      })
      .immediate();
    return applied;
  }

  #board(b: CentralBoard): boolean {
    const f = b.fields;
    const params = { ...f, tags: JSON.stringify(f.tags), at: b.at, createdAt: b.createdAt };
    const local = this.#outbox.localId('board', b.key);
    if (local !== undefined) {
      if (this.#queued.get('board', local)! > 0) return false;
      try {
        this.#updateBoard.run({ ...params, id: local });
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        // renamed elsewhere onto the name of another live board here: the rest applies, the name waits
        const current = this.#nameOf.get(local)!;
        this.#updateBoard.run({ ...params, vendor: current.vendor, model: current.model, id: local });
      }
      if (f.removedAt !== null) this.#deleteBoardReferences.run(local);
      return true;
    }
    if (b.key.box === this.#outbox.box()) return false;
    // The same board enrolled on two boxes before either heard of the other's: one board here, with
    // the references of both (vendor and model name a board, and must stay unique among live boards).
    const same = f.removedAt === null ? this.#liveByName.get(f.vendor, f.model) : undefined;
    const id = same ?? this.#insertBoard.get(params)!;
    this.#insertId.run('board', id, b.key.box, b.key.id);
    return true;
  }

  #reference(r: CentralReference & { deletedAt: number | null }): boolean {
    const local = this.#outbox.localId('reference', r.key);
    if (r.deletedAt !== null) {
      if (local === undefined) return false;
      this.#deleteReference.run(local);
      return true;
    }
    if (local !== undefined || r.key.box === this.#outbox.box()) return false;
    const boardId = this.#outbox.localId('board', r.board);
    // a reference added on a box that had not heard the board was removed stays centrally, not here
    if (boardId === undefined || this.#boardRemoved.get(boardId) !== null) return false;
    const id = this.#insertReference.get({ ...r, boardId })!;
    this.#insertId.run('reference', id, r.key.box, r.key.id);
    return true;
  }

  #embedding(e: CentralEmbedding): boolean {
    const local = this.#outbox.localId('reference', e.reference);
    if (local === undefined || e.vector.length !== e.dim * 4) return false;
    // deleted here, the deletion not sent yet (it goes up next, and the other boxes drop it): an
    // embedding for it has nothing to belong to, and would fail the whole pull on its foreign key
    if (this.#referenceHere.get(local) === 0) return false;
    return this.#insertEmbedding.run(local, e.modelId, e.dim, e.vector).changes > 0;
  }
}
