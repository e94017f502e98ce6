import type { CentralUnitSummary } from '../catalog/central/types.ts';
import type { Catalog, UnitFilter, UnitRow } from '../catalog/index.ts';
import { errorMessage } from '../errors.ts';
import type { CentralLink } from './link.ts';

/** A unit as the shop-wide Units page lists it, with the box that saw it last; board ids are this box's. */
export interface ShopUnit extends UnitRow {
  box: string;
}

export interface ShopUnitPage {
  rows: ShopUnit[];
  total: number;
  source: 'central' | 'local-only';
  reason: string | null;
}

/**
 * The units one box saw, or the whole shop's ('*'), from the central side when it is reachable; else
 * the units this box holds (its own and those it pulled), marked local-only with why, each with the box
 * that saw it last as far as this box knows. Conflicts stay on the box that raised them (`flagged` is
 * this box's).
 */
export async function shopUnits(
  link: CentralLink | null,
  catalog: Catalog,
  filter: UnitFilter,
  box: string,
  page: { limit: number; offset: number },
): Promise<ShopUnitPage> {
  const store = link?.store ?? null;
  let reason = link
    ? (link.status().reason ?? 'the central PostgreSQL is not connected')
    : 'central is not configured';
  if (store) {
    try {
      const { rows, total } = await store.units({
        box,
        ...(filter.serial !== undefined ? { serial: filter.serial } : {}),
        ...(filter.boardId !== undefined
          ? { board: catalog.centralOutbox.shopKey('board', filter.boardId) }
          : {}),
        ...(filter.status !== undefined ? { status: filter.status } : {}),
        ...(filter.returning !== undefined ? { returning: filter.returning } : {}),
        ...page,
      });
      return { rows: rows.map((r) => toLocal(catalog, r)), total, source: 'central', reason: null };
    } catch (err) {
      reason = errorMessage(err);
    }
  }
  const self = link?.box ?? null;
  if (box !== '*' && box !== self) return { rows: [], total: 0, source: 'local-only', reason };
  const local = catalog.queryUnits(filter, page.limit, page.offset);
  const boxes = catalog.centralOutbox.units.lastSeenBoxes(local.rows.map((r) => r.id));
  return {
    rows: local.rows.map((r) => ({ ...r, box: boxes.get(r.id) ?? self ?? 'local' })),
    total: local.total,
    source: 'local-only',
    reason,
  };
}

function toLocal(catalog: Catalog, u: CentralUnitSummary): ShopUnit {
  const here = catalog.getUnit(u.serial);
  return {
    id: here?.id ?? 0,
    serial: u.serial,
    boardId: u.board === null ? null : (catalog.centralOutbox.localId('board', u.board) ?? null),
    status: u.status,
    firstSeen: u.firstSeen,
    lastSeen: u.lastSeen,
    visits: u.visits,
    flagged: here?.flagged ?? false,
    lastNote: u.lastNote,
    box: u.box,
  };
}
