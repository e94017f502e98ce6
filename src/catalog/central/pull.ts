import type { CentralClient } from './connection.ts';
import { MAP_REVS, pullInspectionMaps } from './inspection.ts';
import type {
  CentralBoard,
  CentralEmbedding,
  CentralRecognition,
  CentralRecognitionQuery,
  CentralReference,
  InboundChanges,
  ShopKey,
} from './types.ts';
import { pullUnits, UNIT_REVS } from './units.ts';

const BOARD_COLUMNS = `origin_box, origin_id, vendor, model, kind, chip_type, chip_count, notes, tags, text_pattern,
  created_at, removed_at, field_at`;
const REFERENCE_COLUMNS = `origin_box, origin_id, board_origin_box, board_origin_id, image, thumbnail, width, height,
  source, source_detail, sha256, created_at, deleted_at`;

type Row = Record<string, unknown>;

function toBoard(r: Row): CentralBoard {
  const stamps = r.field_at as Record<string, { at: number }>;
  return {
    key: { box: r.origin_box as string, id: r.origin_id as number },
    fields: {
      vendor: r.vendor as string,
      model: r.model as string,
      kind: r.kind as CentralBoard['fields']['kind'],
      chipType: r.chip_type as string | null,
      chipCount: r.chip_count as number | null,
      notes: r.notes as string,
      tags: r.tags as string[],
      textPattern: r.text_pattern as string | null,
      removedAt: r.removed_at as number | null,
    },
    createdAt: r.created_at as number,
    at: Math.max(0, ...Object.values(stamps).map((s) => s.at)),
  };
}

function toReference(r: Row): CentralReference & { deletedAt: number | null } {
  return {
    key: { box: r.origin_box as string, id: r.origin_id as number },
    board: { box: r.board_origin_box as string, id: r.board_origin_id as number },
    image: r.image as Buffer,
    thumbnail: r.thumbnail as Buffer,
    width: r.width as number,
    height: r.height as number,
    source: r.source as CentralReference['source'],
    sourceDetail: r.source_detail as string | null,
    sha256: r.sha256 as string,
    createdAt: r.created_at as number,
    deletedAt: r.deleted_at as number | null,
  };
}

function toEmbedding(r: Row): CentralEmbedding {
  return {
    reference: { box: r.ref_origin_box as string, id: r.ref_origin_id as number },
    modelId: r.model_id as string,
    dim: r.dim as number,
    vector: r.vector as Buffer,
  };
}

const REVS = `SELECT rev FROM boards WHERE rev > $1 UNION ALL SELECT rev FROM board_references WHERE rev > $1
  UNION ALL SELECT rev FROM embeddings WHERE rev > $1 UNION ALL ${UNIT_REVS} UNION ALL ${MAP_REVS}`;

/**
 * Catalog changes past `cursor`, at most `maxRows` revisions (images are large: a box that was away
 * long catches up in several batches), read in one snapshot. Writers commit revisions in order (see
 * CATALOG_LOCK), so a revision below the returned cursor never appears later.
 */
export async function pullChanges(
  client: CentralClient,
  cursor: number,
  maxRows: number,
): Promise<InboundChanges> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const bound = await client.query<{ upto: number | null; more: boolean }>(
      `SELECT max(rev) AS upto, count(*) > $2 AS more FROM (SELECT rev FROM (${REVS}) r ORDER BY rev LIMIT $2 + 1) s`,
      [cursor, maxRows],
    );
    const { upto: last, more } = bound.rows[0] ?? { upto: null, more: false };
    if (last === null) {
      await client.query('COMMIT');
      return {
        boards: [],
        references: [],
        embeddings: [],
        units: { units: [], visits: [], statusChanges: [], notes: [] },
        inspectionMaps: [],
        cursor,
      };
    }
    // with more than maxRows waiting, stop below the extra one
    const upto = more
      ? ((
          await client.query<{ rev: number }>(
            `SELECT rev FROM (${REVS}) r ORDER BY rev LIMIT 1 OFFSET $2 - 1`,
            [cursor, maxRows],
          )
        ).rows[0]?.rev ?? last)
      : last;
    const range = [cursor, upto];
    const boards = await client.query(
      `SELECT ${BOARD_COLUMNS} FROM boards WHERE rev > $1 AND rev <= $2 ORDER BY rev`,
      range,
    );
    const references = await client.query(
      `SELECT ${REFERENCE_COLUMNS} FROM board_references WHERE rev > $1 AND rev <= $2 ORDER BY rev`,
      range,
    );
    const embeddings = await client.query(
      'SELECT ref_origin_box, ref_origin_id, model_id, dim, vector FROM embeddings WHERE rev > $1 AND rev <= $2 ORDER BY rev',
      range,
    );
    const units = await pullUnits(client, range);
    const inspectionMaps = await pullInspectionMaps(client, range);
    await client.query('COMMIT');
    return {
      boards: boards.rows.map(toBoard),
      references: references.rows.map(toReference),
      embeddings: embeddings.rows.map(toEmbedding),
      units,
      inspectionMaps,
      cursor: upto,
    };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** A board as the central side has it now (a reference pulled before its board's latest edit). */
export async function fetchBoard(client: CentralClient, key: ShopKey): Promise<CentralBoard | undefined> {
  const { rows } = await client.query(
    `SELECT ${BOARD_COLUMNS} FROM boards WHERE origin_box = $1 AND origin_id = $2`,
    [key.box, key.id],
  );
  return rows[0] ? toBoard(rows[0]) : undefined;
}

/** Catalog revisions past `cursor` (what a box has not pulled yet). */
export async function countPendingDown(client: CentralClient, cursor: number): Promise<number> {
  const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${REVS}) r`, [cursor]);
  return rows[0]?.n ?? 0;
}

function recognitionWhere(q: CentralRecognitionQuery): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    parts.push(sql.replace('?', `$${params.length}`));
  };
  if (q.box !== '*') add('box = ?', q.box);
  if (q.camera !== undefined) add('camera = ?', q.camera);
  if (q.slot !== undefined) add('slot = ?', q.slot);
  if (q.from !== undefined) add('at >= ?', q.from);
  if (q.to !== undefined) add('at <= ?', q.to);
  if (q.board === null) parts.push('board_origin_box IS NULL');
  else if (q.board !== undefined) {
    add('board_origin_box = ?', q.board.box);
    add('board_origin_id = ?', q.board.id);
  }
  // with defects: inspected and something missing or differing; without: inspected and clean
  if (q.defects !== undefined)
    parts.push(q.defects ? 'jsonb_array_length(defects) > 0' : 'jsonb_array_length(defects) = 0');
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

/** The shop's history, newest first, without thumbnails; `total` counts every matching row. */
export async function queryCentralRecognitions(
  client: CentralClient,
  q: CentralRecognitionQuery,
): Promise<{ rows: CentralRecognition[]; total: number }> {
  const { sql, params } = recognitionWhere(q);
  const count = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM recognitions ${sql}`,
    params,
  );
  const page = await client.query(
    `SELECT box, local_id, at, camera, slot, board_origin_box, board_origin_id, score, margin, topk, model_id, text,
       verified, inliers, outline, chips_expected, chips_found, chips_hidden, defects, thumbnail IS NOT NULL AS has_thumbnail
     FROM recognitions ${sql} ORDER BY at DESC, box DESC, local_id DESC
     LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, q.limit, q.offset],
  );
  return {
    total: count.rows[0]?.n ?? 0,
    rows: page.rows.map((r: Row) => ({
      box: r.box as string,
      localId: r.local_id as number,
      at: r.at as number,
      camera: r.camera as string,
      slot: r.slot as string,
      board:
        r.board_origin_box === null
          ? null
          : { box: r.board_origin_box as string, id: r.board_origin_id as number },
      score: r.score as number,
      margin: r.margin as number,
      topk: r.topk as CentralRecognition['topk'],
      modelId: r.model_id as string,
      thumbnail: null,
      hasThumbnail: r.has_thumbnail as boolean,
      text: r.text as CentralRecognition['text'],
      verified: r.verified as boolean | null,
      inliers: r.inliers as number | null,
      outline: r.outline as CentralRecognition['outline'],
      chipsExpected: r.chips_expected as number | null,
      chipsFound: r.chips_found as number | null,
      chipsHidden: r.chips_hidden as number | null,
      defects: r.defects as CentralRecognition['defects'],
    })),
  };
}

/** A history row's picture as its box sent it; null: none, or no such row. */
export async function fetchRecognitionThumbnail(
  client: CentralClient,
  box: string,
  localId: number,
): Promise<Buffer | null> {
  const { rows } = await client.query<{ thumbnail: Buffer | null }>(
    'SELECT thumbnail FROM recognitions WHERE box = $1 AND local_id = $2',
    [box, localId],
  );
  return rows[0]?.thumbnail ?? null;
}

/** Rows the central side holds for one box (exactly-once checks, `central status`). */
export async function countCentralRecognitions(client: CentralClient, box: string): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM recognitions WHERE box = $1',
    [box],
  );
  return rows[0]?.n ?? 0;
}

/** One field edited on two boxes without either seeing the other's edit: both values, kept and other. */
export interface BoardConflictRow {
  board: ShopKey;
  field: string;
  kept: unknown;
  keptBox: string;
  keptAt: number;
  other: unknown;
  otherBox: string;
  otherAt: number;
}

export async function listBoardConflicts(
  client: CentralClient,
  board?: ShopKey,
): Promise<BoardConflictRow[]> {
  const { rows } = await client.query(
    `SELECT origin_box, origin_id, field, kept, kept_box, kept_at, other, other_box, other_at FROM board_conflicts
     ${board ? 'WHERE origin_box = $1 AND origin_id = $2' : ''} ORDER BY id`,
    board ? [board.box, board.id] : [],
  );
  return rows.map((r: Row) => ({
    board: { box: r.origin_box as string, id: r.origin_id as number },
    field: r.field as string,
    kept: r.kept,
    keptBox: r.kept_box as string,
    keptAt: r.kept_at as number,
    other: r.other,
    otherBox: r.other_box as string,
    otherAt: r.other_at as number,
  }));
}
