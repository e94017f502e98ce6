import type { Statement } from 'better-sqlite3';
import type { Outline, RegionDefect } from '../protocol.ts';
import { likePattern } from './boards.ts';
import type { Database } from './db.ts';
import type {
  NewRecognition,
  PruneThumbnailsOptions,
  Recognition,
  RecognitionFilter,
  RecognitionPage,
  RecognitionQuery,
  TopKEntry,
} from './types.ts';
import { assertFinite, assertJpeg, assertText, badRequest } from './validate.ts';

/** What the inspection of a history row found, as saveInspection keeps it. */
export interface SavedInspection {
  chipsExpected: number | null;
  chipsFound: number;
  /** Chips a hand, a tool or a cable lay over: not judged (found + hidden + missing = expected). */
  chipsHidden: number;
  defects: RegionDefect[];
}

interface RecognitionRow {
  id: number;
  at: number;
  camera: string;
  slot: string;
  board_id: number | null;
  score: number;
  margin: number;
  topk: string;
  model_id: string;
  has_thumbnail: number;
  verified: number | null;
  inliers: number | null;
  outline: string | null;
  chips_expected: number | null;
  chips_found: number | null;
  chips_hidden: number | null;
  defects: string | null;
}

interface Cursor {
  at: number;
  id: number;
}

type Params = Record<string, string | number>;

interface FilterStatements {
  page: Statement<Params, RecognitionRow>;
  count: Statement<Params, number>;
}

const COLUMNS =
  'id, at, camera, slot, board_id, score, margin, topk, model_id, thumbnail IS NOT NULL AS has_thumbnail, verified, inliers, outline, chips_expected, chips_found, chips_hidden, defects';
const NEWEST_FIRST = 'ORDER BY at DESC, id DESC';
/** Rows per query while iterating: the connection stays free for the pipeline's inserts in between. */
const ITERATE_BATCH = 500;
const MAX_LIMIT = 10_000;

function toRecognition(row: RecognitionRow): Recognition {
  return {
    id: row.id,
    at: row.at,
    camera: row.camera,
    slot: row.slot,
    boardId: row.board_id,
    score: row.score,
    margin: row.margin,
    topk: JSON.parse(row.topk) as TopKEntry[],
    modelId: row.model_id,
    hasThumbnail: row.has_thumbnail === 1,
    verified: row.verified === 1,
    inliers: row.inliers,
    outline: row.outline === null ? null : (JSON.parse(row.outline) as Outline),
    chipsExpected: row.chips_expected,
    chipsFound: row.chips_found,
    chipsHidden: row.chips_hidden,
    defects: row.defects === null ? null : (JSON.parse(row.defects) as RegionDefect[]),
  };
}

function isIntOrNull(v: unknown): boolean {
  return v === null || Number.isSafeInteger(v);
}

function validateFilter(f: RecognitionFilter): void {
  if (f.boardId !== undefined && !isIntOrNull(f.boardId))
    throw badRequest('boardId must be an integer or null');
  for (const key of ['from', 'to'] as const) {
    if (f[key] !== undefined && !Number.isFinite(f[key])) throw badRequest(`${key} must be a time in ms`);
  }
  for (const key of ['serial', 'text', 'part'] as const) {
    const v = f[key];
    if (v !== undefined && (typeof v !== 'string' || v.trim() === '' || v.length > 200))
      throw badRequest(`${key} must be 1 to 200 characters`);
  }
}

/** The WHERE clause for the filter's shape (which fields are set) and the values it binds. */
function where(f: RecognitionFilter, cursor: Cursor | undefined): { sql: string; params: Params } {
  const parts: string[] = [];
  const params: Params = {};
  if (f.boardId === null) parts.push('board_id IS NULL');
  else if (f.boardId !== undefined) {
    parts.push('board_id = @boardId');
    params.boardId = f.boardId;
  }
  for (const key of ['camera', 'slot'] as const) {
    const value = f[key];
    if (value !== undefined) {
      parts.push(`${key} = @${key}`);
      params[key] = value;
    }
  }
  if (f.from !== undefined) {
    parts.push('at >= @from');
    params.from = f.from;
  }
  if (f.to !== undefined) {
    parts.push('at <= @to');
    params.to = f.to;
  }
  if (f.serial !== undefined) {
    parts.push('id IN (SELECT recognition_id FROM recognition_text WHERE serial = @serial COLLATE NOCASE)');
    params.serial = f.serial.trim();
  }
  if (f.text !== undefined) {
    parts.push(
      `id IN (SELECT recognition_id FROM recognition_text WHERE text LIKE @text ESCAPE '\\' OR serial LIKE @text ESCAPE '\\')`,
    );
    params.text = likePattern(f.text.trim());
  }
  if (f.part !== undefined) {
    parts.push(
      `id IN (SELECT recognition_id FROM recognition_text WHERE part_number LIKE @part ESCAPE '\\')`,
    );
    params.part = `${f.part.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  }
  if (f.defects !== undefined) {
    // with defects: inspected and something missing or differing; without: inspected and clean
    parts.push(f.defects ? 'json_array_length(defects) > 0' : 'json_array_length(defects) = 0');
  }
  if (cursor) {
    parts.push('(at < @cursorAt OR (at = @cursorAt AND id < @cursorId))');
    params.cursorAt = cursor.at;
    params.cursorId = cursor.id;
  }
  return { sql: parts.length > 0 ? `WHERE ${parts.join(' AND ')}` : '', params };
}

export class RecognitionRepository {
  private readonly insertRow: Statement<Record<string, unknown>, RecognitionRow>;
  private readonly selectThumbnail: Statement<[number], Buffer | null>;
  private readonly updateInspection: Statement<Record<string, unknown>>;
  private readonly selectOne: Statement<[number], RecognitionRow>;
  private readonly clearBefore: Statement<[number]>;
  private readonly clearUpTo: Statement<Cursor>;
  private readonly selectThumbnailBytes: Statement<[], number>;
  private readonly selectOldestThumbnails: Statement<[], [id: number, at: number, bytes: number]>;
  /** One pair of statements per filter shape, prepared the first time that shape is asked for. */
  private readonly byShape = new Map<string, FilterStatements>();
  private readonly perDayByShape = new Map<string, Statement<Params, { day: number; count: number }>>();

  constructor(private readonly db: Database) {
    this.insertRow = db.prepare(
      `INSERT INTO recognitions
         (at, camera, slot, board_id, score, margin, topk, model_id, thumbnail, verified, inliers, outline)
       VALUES (@at, @camera, @slot, @boardId, @score, @margin, @topk, @modelId, @thumbnail,
         @verified, @inliers, @outline)
       RETURNING ${COLUMNS}`,
    );
    this.selectOne = db.prepare(`SELECT ${COLUMNS} FROM recognitions WHERE id = ?`);
    this.updateInspection = db.prepare(
      'UPDATE recognitions SET chips_expected = @chipsExpected, chips_found = @chipsFound, chips_hidden = @chipsHidden, defects = @defects WHERE id = @id',
    );
    this.selectThumbnail = db
      .prepare<[number], Buffer | null>('SELECT thumbnail FROM recognitions WHERE id = ?')
      .pluck();
    this.clearBefore = db.prepare(
      'UPDATE recognitions SET thumbnail = NULL WHERE thumbnail IS NOT NULL AND at < ?',
    );
    this.clearUpTo = db.prepare(
      `UPDATE recognitions SET thumbnail = NULL
       WHERE thumbnail IS NOT NULL AND (at < @at OR (at = @at AND id <= @id))`,
    );
    this.selectThumbnailBytes = db
      .prepare<[], number>(
        'SELECT coalesce(sum(length(thumbnail)), 0) FROM recognitions WHERE thumbnail IS NOT NULL',
      )
      .pluck();
    this.selectOldestThumbnails = db
      .prepare<[], [number, number, number]>(
        `SELECT id, at, length(thumbnail) FROM recognitions WHERE thumbnail IS NOT NULL ORDER BY at, id`,
      )
      .raw(true);
  }

  insert(r: NewRecognition): Recognition {
    if (!Number.isFinite(r.at)) throw badRequest('recognition time (at) must be ms since the epoch');
    assertText(r.camera, 'camera');
    assertText(r.slot, 'slot');
    assertText(r.modelId, 'model id');
    if (!isIntOrNull(r.boardId)) throw badRequest('boardId must be an integer or null (unknown)');
    assertFinite(r.score, 'score');
    assertFinite(r.margin, 'margin');
    if (!Array.isArray(r.topk)) throw badRequest('topk must be an array');
    const topk = r.topk.map((e, i) => {
      if (!Number.isSafeInteger(e?.boardId)) throw badRequest(`topk[${i}].boardId must be an integer`);
      assertFinite(e.score, `topk[${i}].score`);
      return { boardId: e.boardId, score: e.score };
    });
    const thumbnail = r.thumbnail ?? null;
    if (thumbnail !== null) assertJpeg(thumbnail, 'recognition thumbnail');
    const v = r.verification;
    if (v?.inliers != null && !(Number.isSafeInteger(v.inliers) && v.inliers >= 0))
      throw badRequest('inliers must be a whole number, 0 or more');
    if (v?.outline && !v.outline.flat().every(Number.isFinite))
      throw badRequest('outline must hold finite numbers');
    const row = this.insertRow.get({
      at: Math.round(r.at),
      camera: r.camera,
      slot: r.slot,
      boardId: r.boardId,
      score: r.score,
      margin: r.margin,
      topk: JSON.stringify(topk),
      modelId: r.modelId,
      thumbnail,
      verified: v && v.inliers !== null ? (v.verified ? 1 : 0) : null,
      inliers: v?.inliers ?? null,
      outline: v?.outline ? JSON.stringify(v.outline) : null,
    });
    return toRecognition(row!);
  }

  /** Keeps what the inspection of a recognition found; false when the recognition does not exist. */
  saveInspection(id: number, i: SavedInspection): boolean {
    if (!Number.isSafeInteger(i.chipsFound) || i.chipsFound < 0)
      throw badRequest('chipsFound must be 0 or more');
    if (!Number.isSafeInteger(i.chipsHidden) || i.chipsHidden < 0)
      throw badRequest('chipsHidden must be 0 or more');
    return (
      this.updateInspection.run({
        id,
        chipsExpected: i.chipsExpected,
        chipsFound: i.chipsFound,
        chipsHidden: i.chipsHidden,
        defects: JSON.stringify(i.defects),
      }).changes > 0
    );
  }

  /** Newest first, with the number of rows the filter matches. */
  query(q: RecognitionQuery): RecognitionPage {
    validateFilter(q);
    if (!Number.isSafeInteger(q.limit) || q.limit < 0 || q.limit > MAX_LIMIT) {
      throw badRequest(`limit must be a whole number from 0 to ${MAX_LIMIT}`);
    }
    if (!Number.isSafeInteger(q.offset) || q.offset < 0)
      throw badRequest('offset must be a whole number >= 0');
    const { sql, params } = where(q, undefined);
    const statements = this.statementsFor(sql);
    return this.db.transaction(() => ({
      rows: statements.page.all({ ...params, limit: q.limit, offset: q.offset }).map(toRecognition),
      total: statements.count.get(params)!,
    }))();
  }

  /**
   * Every matching recognition, newest first, fetched in batches by keyset (at, id): a long export never
   * holds a statement open, so the pipeline keeps inserting on the same connection meanwhile.
   */
  iterate(filter: RecognitionFilter): IterableIterator<Recognition> {
    validateFilter(filter);
    return this.batches(filter);
  }

  private *batches(filter: RecognitionFilter): Generator<Recognition, undefined, undefined> {
    let cursor: Cursor | undefined;
    for (;;) {
      const { sql, params } = where(filter, cursor);
      const rows = this.statementsFor(sql).page.all({ ...params, limit: ITERATE_BATCH, offset: 0 });
      for (const row of rows) yield toRecognition(row);
      const last = rows.at(-1);
      if (!last || rows.length < ITERATE_BATCH) return undefined;
      cursor = { at: last.at, id: last.id };
    }
  }

  /** Matching recognitions per day of `at + shiftMs` (the shift turns UTC into local time), oldest first. */
  countPerDay(filter: RecognitionFilter, shiftMs: number): { day: number; count: number }[] {
    validateFilter(filter);
    if (!Number.isSafeInteger(shiftMs)) throw badRequest('shiftMs must be a whole number of ms');
    const { sql, params } = where(filter, undefined);
    let statement = this.perDayByShape.get(sql);
    if (!statement) {
      statement = this.db.prepare(
        `SELECT (at + CAST(@shift AS INTEGER)) / 86400000 AS day, count(*) AS count FROM recognitions ${sql} GROUP BY day ORDER BY day`,
      );
      this.perDayByShape.set(sql, statement);
    }
    return statement.all({ ...params, shift: shiftMs });
  }

  get(id: number): Recognition | undefined {
    const row = this.selectOne.get(id);
    return row && toRecognition(row);
  }

  thumbnail(id: number): Buffer | undefined {
    return this.selectThumbnail.get(id) ?? undefined;
  }

  /** Clears thumbnails (oldest first), keeping the rows. Returns how many thumbnails were dropped. */
  pruneThumbnails(opts: PruneThumbnailsOptions): number {
    const { olderThan, maxTotalBytes } = opts;
    if (olderThan !== undefined && !Number.isFinite(olderThan))
      throw badRequest('olderThan must be a time in ms');
    if (maxTotalBytes !== undefined && !(maxTotalBytes >= 0)) throw badRequest('maxTotalBytes must be >= 0');
    return this.db.transaction(() => {
      let dropped = olderThan === undefined ? 0 : this.clearBefore.run(olderThan).changes;
      if (maxTotalBytes === undefined) return dropped;
      let excess = this.selectThumbnailBytes.get()! - maxTotalBytes;
      if (excess <= 0) return dropped;
      let cutoff: Cursor | undefined;
      for (const [id, at, bytes] of this.selectOldestThumbnails.iterate()) {
        cutoff = { at, id };
        excess -= bytes;
        if (excess <= 0) break;
      }
      if (cutoff) dropped += this.clearUpTo.run(cutoff).changes;
      return dropped;
    })();
  }

  /** `where` is built from fixed fragments only, so it also names the filter's shape. */
  private statementsFor(where: string): FilterStatements {
    let statements = this.byShape.get(where);
    if (!statements) {
      statements = {
        page: this.db.prepare(
          `SELECT ${COLUMNS} FROM recognitions ${where} ${NEWEST_FIRST} LIMIT @limit OFFSET @offset`,
        ),
        count: this.db.prepare<Params, number>(`SELECT count(*) FROM recognitions ${where}`).pluck(),
      };
      this.byShape.set(where, statements);
    }
    return statements;
  }
}
