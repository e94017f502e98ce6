import { isDeepStrictEqual } from 'node:util';
import type { InspectionRegion } from '../../protocol.ts';
import { keepConflict } from './conflicts.ts';
import type { CentralClient } from './connection.ts';
import type { CentralInspectionMap, CentralMapVersion, ShopKey } from './types.ts';

type Row = Record<string, unknown>;

/** The field name a map's conflicts carry in board_conflicts (GET /api/boards/:id/conflicts). */
export const MAP_CONFLICT_FIELD = 'inspectionMap';

/** The map table's revisions, for the pull's union of revisions (pull.ts). */
export const MAP_REVS = 'SELECT rev FROM inspection_maps WHERE rev > $1';

interface StoredMap {
  map: CentralMapVersion | null;
  at: number;
  box: string;
}

/** One map saved on two boxes, neither having seen the other's version: both are kept. */
export interface MapConflict {
  kept: StoredMap;
  other: StoredMap;
}

/** Later edit wins; the same instant goes to the box named last, so every replay decides alike. */
const wins = (a: StoredMap, b: StoredMap): boolean => a.at > b.at || (a.at === b.at && a.box > b.box);

/**
 * Applies one box's map edit (a delete: map null) to the central map. `before`: the map as that box
 * had it before the edit (null: none). The map stored now equal to `before`: the edit follows it and
 * replaces it. Otherwise it was saved elsewhere meanwhile: the later edit wins for the whole map and
 * the other version is returned to be kept. An edit on a reference deleted meanwhile (`referenceGone`:
 * that deletion) never wins: a map must name a reference every box holds. Pure, so a resent edit
 * decides the same way.
 */
export function mergeMap(
  stored: StoredMap | null,
  edit: StoredMap,
  before: CentralMapVersion | null,
  referenceGone: { at: number; box: string } | null,
): { winner: StoredMap; conflict: MapConflict | null } | null {
  const current = stored?.map ?? null;
  if (isDeepStrictEqual(edit.map, current)) return stored ? { winner: stored, conflict: null } : null;
  if (!referenceGone && (!stored || isDeepStrictEqual(before, current)))
    return { winner: edit, conflict: null };
  const kept = stored ?? { map: null, ...referenceGone! };
  return !referenceGone && wins(edit, kept)
    ? { winner: edit, conflict: { kept: edit, other: kept } }
    : { winner: kept, conflict: { kept, other: edit } };
}

function toMap(r: Row): CentralInspectionMap {
  return {
    board: { box: r.board_origin_box as string, id: r.board_origin_id as number },
    map:
      r.regions === null
        ? null
        : {
            reference: { box: r.ref_origin_box as string, id: r.ref_origin_id as number },
            regions: r.regions as InspectionRegion[],
          },
    at: r.at as number,
    box: r.edited_by as string,
  };
}

/**
 * Stores one box's map edit, inside push's transaction and under its lock. Stored with a new revision
 * even when the edit lost: the box skipped pulling this map while its edit waited, and must get the
 * winning map back.
 */
export async function pushInspectionMap(
  client: CentralClient,
  box: string,
  edit: CentralInspectionMap,
  before: CentralMapVersion | null,
): Promise<void> {
  const { rows } = await client.query(
    `SELECT board_origin_box, board_origin_id, ref_origin_box, ref_origin_id, regions, at, edited_by
     FROM inspection_maps WHERE board_origin_box = $1 AND board_origin_id = $2 FOR UPDATE`,
    [edit.board.box, edit.board.id],
  );
  const stored = rows[0] ? toMap(rows[0]) : null;
  let referenceGone: { at: number; box: string } | null = null;
  if (edit.map) {
    const ref = await client.query<{ deleted_at: number; changed_by: string }>(
      `SELECT deleted_at, changed_by FROM board_references
       WHERE origin_box = $1 AND origin_id = $2 AND deleted_at IS NOT NULL`,
      [edit.map.reference.box, edit.map.reference.id],
    );
    const gone = ref.rows[0];
    if (gone) referenceGone = { at: gone.deleted_at, box: gone.changed_by };
  }
  const merged = mergeMap(stored, edit, before, referenceGone);
  if (!merged) return;
  const { winner, conflict } = merged;
  if (conflict) {
    await keepConflict(client, {
      origin: edit.board,
      field: MAP_CONFLICT_FIELD,
      kept: { value: conflict.kept.map, box: conflict.kept.box, at: conflict.kept.at },
      other: { value: conflict.other.map, box: conflict.other.box, at: conflict.other.at },
    });
  }
  const m = winner.map;
  await client.query(
    `INSERT INTO inspection_maps (board_origin_box, board_origin_id, ref_origin_box, ref_origin_id, regions, at,
       edited_by, rev, changed_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, nextval('catalog_rev'), $8)
     ON CONFLICT (board_origin_box, board_origin_id) DO UPDATE SET ref_origin_box = EXCLUDED.ref_origin_box,
       ref_origin_id = EXCLUDED.ref_origin_id, regions = EXCLUDED.regions, at = EXCLUDED.at,
       edited_by = EXCLUDED.edited_by, rev = EXCLUDED.rev, changed_by = EXCLUDED.changed_by`,
    [
      edit.board.box,
      edit.board.id,
      m?.reference.box ?? null,
      m?.reference.id ?? null,
      m ? JSON.stringify(m.regions) : null,
      winner.at,
      winner.box,
      box,
    ],
  );
}

/** A reference deleted: the maps drawn on it are deleted with it (as each box's cascade does). */
export async function deleteMapsOfReference(
  client: CentralClient,
  box: string,
  reference: ShopKey,
  at: number,
): Promise<void> {
  await client.query(
    `UPDATE inspection_maps SET ref_origin_box = NULL, ref_origin_id = NULL, regions = NULL, at = $3, edited_by = $4,
       rev = nextval('catalog_rev'), changed_by = $4
     WHERE ref_origin_box = $1 AND ref_origin_id = $2`,
    [reference.box, reference.id, at, box],
  );
}

/** Maps with revisions in (from, upto], inside pull's snapshot. */
export async function pullInspectionMaps(
  client: CentralClient,
  range: number[],
): Promise<CentralInspectionMap[]> {
  const { rows } = await client.query(
    `SELECT board_origin_box, board_origin_id, ref_origin_box, ref_origin_id, regions, at, edited_by
     FROM inspection_maps WHERE rev > $1 AND rev <= $2 ORDER BY rev`,
    range,
  );
  return rows.map(toMap);
}
