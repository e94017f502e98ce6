import type { Statement } from 'better-sqlite3';
import type { InspectionRegion } from '../protocol.ts';
import type { CentralInspectionMap, CentralMapVersion, OutboundChange, ShopKey } from './central/types.ts';
import type { Database } from './db.ts';
import { inspectionMapSchema } from './inspection-maps.ts';

type CatalogKeys = {
  shopKey(entity: 'board' | 'reference', localId: number, box?: string): ShopKey;
  localId(entity: 'board' | 'reference', key: ShopKey): number | undefined;
};

/** What link() queues of the maps a data folder already holds (after their references). */
export const QUEUE_INSPECTION_MAPS = `
  INSERT INTO central_outbox (entity, local_id, op, at)
    SELECT 'inspection-map', board_id, 'upsert', updated_at FROM inspection_maps ORDER BY board_id;`;

/**
 * Inspection maps on the box's side of the link (migration 010): reads a queued map change with the map
 * as it is now (and as it was before the edit, for the central side's conflict check), and applies the
 * maps other boxes saved. A map is named shop-wide by its board and names its reference shop-wide, so
 * each box maps both to its own ids.
 */
export class CentralInspectionMaps {
  readonly #keys: CatalogKeys;
  readonly #map: Statement<[number], { reference_id: number; regions: string; updated_at: number }>;
  readonly #upsert: Statement<[number, number, string, number]>;
  readonly #delete: Statement<[number]>;
  readonly #referenceOf: Statement<[number], number>;

  constructor(db: Database, keys: CatalogKeys) {
    this.#keys = keys;
    this.#map = db.prepare(
      'SELECT reference_id, regions, updated_at FROM inspection_maps WHERE board_id = ?',
    );
    this.#upsert = db.prepare(
      `INSERT INTO inspection_maps (board_id, reference_id, regions, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (board_id) DO UPDATE SET reference_id = excluded.reference_id, regions = excluded.regions,
         updated_at = excluded.updated_at`,
    );
    this.#delete = db.prepare('DELETE FROM inspection_maps WHERE board_id = ?');
    this.#referenceOf = db
      .prepare<[number], number>('SELECT board_id FROM board_references WHERE id = ?')
      .pluck();
  }

  /** A queued map change (local id: the board); null: the map is gone since (its delete follows). */
  change(
    box: string,
    row: { seq: number; local_id: number; op: 'upsert' | 'delete'; before: string | null; at: number },
  ): OutboundChange | null {
    const board = this.#keys.shopKey('board', row.local_id, box);
    const before =
      row.before === null
        ? null
        : this.#version(box, JSON.parse(row.before) as { referenceId: number; regions: InspectionRegion[] });
    if (row.op === 'delete') {
      return {
        seq: row.seq,
        entity: 'inspection-map',
        inspectionMap: { board, map: null, at: row.at, box },
        before,
      };
    }
    const m = this.#map.get(row.local_id);
    if (!m) return null;
    const map = this.#version(box, {
      referenceId: m.reference_id,
      regions: JSON.parse(m.regions) as InspectionRegion[],
    });
    return {
      seq: row.seq,
      entity: 'inspection-map',
      inspectionMap: { board, map, at: m.updated_at, box },
      before,
    };
  }

  #version(box: string, m: { referenceId: number; regions: InspectionRegion[] }): CentralMapVersion {
    return { reference: this.#keys.shopKey('reference', m.referenceId, box), regions: m.regions };
  }

  /**
   * Applies other boxes' maps (inside the applier's transaction, triggers quiet). A map whose board
   * has a change of its own waiting here is left alone: that change goes up first and comes back
   * merged. A map on a reference this box does not hold, or not valid as a PUT would take it, is not
   * applied. Returns how many changed.
   */
  apply(maps: readonly CentralInspectionMap[], queued: (boardId: number) => boolean): number {
    let n = 0;
    for (const m of maps) {
      const boardId = this.#keys.localId('board', m.board);
      if (boardId === undefined || queued(boardId)) continue;
      if (m.map === null) {
        n += this.#delete.run(boardId).changes;
        continue;
      }
      const referenceId = this.#keys.localId('reference', m.map.reference);
      // a reference deleted here (its deletion not sent yet) keeps its name: the map waits for the merge
      if (referenceId === undefined || this.#referenceOf.get(referenceId) === undefined) continue;
      // checked as a PUT is, so that whatever the central side holds never reaches the inspection unchecked
      const valid = inspectionMapSchema.safeParse({ referenceId, regions: m.map.regions });
      if (!valid.success) continue;
      this.#upsert.run(boardId, referenceId, JSON.stringify(valid.data.regions), m.at);
      n++;
    }
    return n;
  }
}
