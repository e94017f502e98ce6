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
}

interface BoardSummaryRow extends BoardRow {
  reference_count: number;
}

const COLUMNS =
  'id, vendor, model, kind, chip_type, chip_count, notes, tags, text_pattern, created_at, updated_at';

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
  };
}

/** "%term%" for LIKE ... ESCAPE '\', so that % and _ typed by the user match themselves. */
export function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export class BoardRepository {
  private readonly selectById: Statement<[number], BoardRow>;
  private readonly selectList: Statement<{ terms: string }, BoardSummaryRow>;
  private readonly insertRow: Statement<Record<string, unknown>, BoardRow>;
  private readonly updateRow: Statement<Record<string, unknown>, BoardRow>;
  private readonly deleteRow: Statement<[number]>;
  private readonly selectByName: Statement<{ vendor: string; model: string }, BoardRow>;

  constructor(
    db: Database,
    private readonly now: () => number,
  ) {
    this.selectById = db.prepare(`SELECT ${COLUMNS} FROM boards WHERE id = ?`);
    this.selectList = db.prepare(
      `SELECT ${COLUMNS},
         (SELECT count(*) FROM board_references r WHERE r.board_id = b.id) AS reference_count
       FROM boards b
       WHERE NOT EXISTS (SELECT 1 FROM json_each(@terms) q WHERE (${HAYSTACK}) NOT LIKE q.value ESCAPE '\\')
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
       WHERE id = @id RETURNING ${COLUMNS}`,
    );
    this.deleteRow = db.prepare('DELETE FROM boards WHERE id = ?');
    this.selectByName = db.prepare(
      `SELECT ${COLUMNS} FROM boards WHERE vendor = @vendor COLLATE NOCASE AND model = @model COLLATE NOCASE`,
    );
  }

  get(id: number): Board | undefined {
    const row = this.selectById.get(id);
    return row && toBoard(row);
  }

  /** The board with this vendor and model, ignoring case and surrounding spaces. */
  findByName(vendor: string, model: string): Board | undefined {
    const row = this.selectByName.get({ vendor: vendor.trim(), model: model.trim() });
    return row && toBoard(row);
  }

  exists(id: number): boolean {
    return this.selectById.get(id) !== undefined;
  }

  /** Boards with their reference counts, by vendor then model. `search`: space-separated terms, all required. */
  list(search = ''): BoardSummary[] {
    const terms = search.split(/\s+/).filter((t) => t !== '');
    return this.selectList
      .all({ terms: JSON.stringify(terms.map(likePattern)) })
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

  delete(id: number): boolean {
    return this.deleteRow.run(id).changes > 0;
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
