import type { Statement } from 'better-sqlite3';
import { BenchsightError } from '../errors.ts';
import type { Database } from './db.ts';
import { isUniqueViolation } from './sqlite-errors.ts';
import type { Board, BoardInput, BoardKind, BoardPatch, BoardSummary } from './types.ts';
import { type NormalizedBoard, notFound, parseBoard } from './validate.ts';

interface BoardRow {
  id: number;
  vendor: string;
  model: string;
  kind: string;
  chip_type: string | null;
  chip_count: number | null;
  notes: string;
  tags: string;
  text_pattern: string | null;
  created_at: number;
  updated_at: number;
  removed_at: number | null;
}

interface BoardSummaryRow extends BoardRow {
  reference_count: number;
}

const COLUMNS =
  'id, vendor, model, kind, chip_type, chip_count, notes, tags, text_pattern, created_at, updated_at, removed_at';

// Every search term must appear in one of the fields. Terms hold no spaces, so none spans two fields.
const HAYSTACK = `b.vendor || ' ' || b.model || ' ' || coalesce(b.chip_type, '') || ' ' || b.notes || ' ' ||
  (SELECT coalesce(group_concat(t.value, ' '), '') FROM json_each(b.tags) t)`;

export function toBoard(row: BoardRow): Board {
  return {
    id: row.id,
    vendor: row.vendor,
    model: row.model,
    kind: row.kind as BoardKind,
    chipType: row.chip_type,
    chipCount: row.chip_count,
    notes: row.notes,
    tags: JSON.parse(row.tags) as string[],
    textPattern: row.text_pattern,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    removedAt: row.removed_at,
  };
}

/** "%term%" for LIKE ... ESCAPE '\', so that % and _ typed by the user match themselves. */
export function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export class BoardRepository {
  private readonly selectById: Statement<[number], BoardRow>;
  private readonly selectList: Statement<{ terms: string; removed: number }, BoardSummaryRow>;
  private readonly insertRow: Statement<Record<string, unknown>, BoardRow>;
  private readonly updateRow: Statement<Record<string, unknown>, BoardRow>;
  private readonly markRemoved: Statement<{ id: number; now: number }>;
  private readonly deleteReferences: Statement<[number]>;
  private readonly selectByName: Statement<{ vendor: string; model: string }, BoardRow>;
  private readonly selectLastId: Statement<[], number>;

  constructor(
    db: Database,
    private readonly now: () => number,
  ) {
    this.selectById = db.prepare(`SELECT ${COLUMNS} FROM boards WHERE id = ?`);
    this.selectList = db.prepare(
      `SELECT ${COLUMNS},
         (SELECT count(*) FROM board_references r WHERE r.board_id = b.id) AS reference_count
       FROM boards b
       WHERE (@removed = 1 OR b.removed_at IS NULL)
         AND NOT EXISTS (SELECT 1 FROM json_each(@terms) q WHERE (${HAYSTACK}) NOT LIKE q.value ESCAPE '\\')
       ORDER BY b.vendor COLLATE NOCASE, b.model COLLATE NOCASE, b.id`,
    );
    this.insertRow = db.prepare(
      `INSERT INTO boards (vendor, model, kind, chip_type, chip_count, notes, tags, text_pattern, created_at, updated_at)
       VALUES (@vendor, @model, @kind, @chipType, @chipCount, @notes, @tags, @textPattern, @now, @now)
       RETURNING ${COLUMNS}`,
    );
    this.updateRow = db.prepare(
      `UPDATE boards SET vendor = @vendor, model = @model, kind = @kind, chip_type = @chipType,
         chip_count = @chipCount, notes = @notes, tags = @tags, text_pattern = @textPattern, updated_at = @now
       WHERE id = @id AND removed_at IS NULL RETURNING ${COLUMNS}`,
    );
    this.markRemoved = db.prepare(
      'UPDATE boards SET removed_at = @now, updated_at = @now WHERE id = @id AND removed_at IS NULL',
    );
    this.deleteReferences = db.prepare('DELETE FROM board_references WHERE board_id = ?');
    this.selectByName = db.prepare(
      `SELECT ${COLUMNS} FROM boards
       WHERE vendor = @vendor COLLATE NOCASE AND model = @model COLLATE NOCASE AND removed_at IS NULL`,
    );
    this.selectLastId = db
      .prepare<[], number>("SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'boards'")
      .pluck();
  }

  /** A board of the catalog; `removed`: also one removed since (the history still names it). */
  get(id: number, opts: { removed?: boolean } = {}): Board | undefined {
    const row = this.selectById.get(id);
    if (!row || (row.removed_at !== null && !opts.removed)) return undefined;
    return toBoard(row);
  }

  /** The board with this vendor and model, ignoring case and surrounding spaces. */
  findByName(vendor: string, model: string): Board | undefined {
    const row = this.selectByName.get({ vendor: vendor.trim(), model: model.trim() });
    return row && toBoard(row);
  }

  exists(id: number): boolean {
    return this.get(id) !== undefined;
  }

  /**
   * Boards with their reference counts, by vendor then model. `search`: space-separated terms, all
   * required; `removed`: with the boards removed from the catalog (they have no references).
   */
  list(search = '', removed = false): BoardSummary[] {
    const terms = search.split(/\s+/).filter((t) => t !== '');
    return this.selectList
      .all({ terms: JSON.stringify(terms.map(likePattern)), removed: removed ? 1 : 0 })
      .map((row) => ({ ...toBoard(row), referenceCount: row.reference_count }));
  }

  create(input: BoardInput): Board {
    const board = parseBoard(input);
    return this.write(board, () => toBoard(this.insertRow.get(this.params(board))!));
  }

  update(id: number, patch: BoardPatch): Board {
    const current = this.get(id);
    if (!current) throw notFound(`board ${id} does not exist`);
    const merged: Record<string, unknown> = {
      vendor: current.vendor,
      model: current.model,
      kind: current.kind,
      chipType: current.chipType,
      chipCount: current.chipCount,
      notes: current.notes,
      tags: current.tags,
      textPattern: current.textPattern,
    };
    for (const [key, value] of Object.entries(patch)) if (value !== undefined) merged[key] = value;
    const board = parseBoard(merged);
    return this.write(board, () => toBoard(this.updateRow.get({ ...this.params(board), id })!));
  }

  /**
   * Takes a board out of the catalog: its references (and their embeddings) are deleted, its row stays,
   * marked removed, so that the history keeps naming it. Call it in a transaction.
   */
  remove(id: number): boolean {
    if (this.markRemoved.run({ id, now: this.now() }).changes === 0) return false;
    this.deleteReferences.run(id);
    return true;
  }

  /** The highest board id ever handed out (ids are never reused); 0: the catalog never held a board. */
  lastId(): number {
    return this.selectLastId.get()!;
  }

  private params(board: NormalizedBoard): Record<string, unknown> {
    return { ...board, tags: JSON.stringify(board.tags), now: this.now() };
  }

  private write(board: NormalizedBoard, fn: () => Board): Board {
    try {
      return fn();
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const other = this.selectByName.get({ vendor: board.vendor, model: board.model });
      throw new BenchsightError(
        'E_CONFLICT',
        `a board "${board.vendor} ${board.model}" already exists${other ? ` (board ${other.id})` : ''}; ` +
          'vendor and model together must be unique (ignoring case): edit that board instead',
        { status: 409, cause: err },
      );
    }
  }
}
