import type { CentralRecognition } from '../catalog/central/types.ts';
import type { Catalog, Recognition, RecognitionFilter } from '../catalog/index.ts';
import { errorMessage } from '../errors.ts';
import type { CentralLink } from './link.ts';

/** A history row with the box that recognized it; board ids are this box's. */
export interface ShopRecognition extends Recognition {
  box: string;
  /** The text read off the board, as its box sent it (central answers only) */
  text?: CentralRecognition['text'];
}

export interface ShopRecognitionPage {
  rows: ShopRecognition[];
  total: number;
  source: 'central' | 'local-only';
  reason: string | null;
}

/** Filters the shop-wide history answers; the text filters (OCR) are this box's only for now. */
export type ShopFilter = Pick<RecognitionFilter, 'boardId' | 'camera' | 'slot' | 'from' | 'to' | 'defects'>;

/**
 * The history of one box or the whole shop ('*'), from the central side when it is reachable; else
 * this box's own rows, marked local-only with why. Boards are named by this box's ids (a board
 * this box does not know yet is unknown here).
 */
export async function shopRecognitions(
  link: CentralLink | null,
  catalog: Catalog,
  filter: ShopFilter,
  box: string,
  page: { limit: number; offset: number },
): Promise<ShopRecognitionPage> {
  const store = link?.store ?? null;
  let reason = link
    ? (link.status().reason ?? 'the central PostgreSQL is not connected')
    : 'central is not configured';
  if (store) {
    try {
      const board =
        filter.boardId === undefined || filter.boardId === null
          ? filter.boardId
          : catalog.centralOutbox.shopKey('board', filter.boardId);
      const { rows, total } = await store.recognitions({
        box,
        ...(filter.camera !== undefined ? { camera: filter.camera } : {}),
        ...(filter.slot !== undefined ? { slot: filter.slot } : {}),
        ...(filter.from !== undefined ? { from: filter.from } : {}),
        ...(filter.to !== undefined ? { to: filter.to } : {}),
        ...(filter.defects !== undefined ? { defects: filter.defects } : {}),
        ...(board !== undefined ? { board } : {}),
        ...page,
      });
      return { rows: rows.map((r) => toLocal(catalog, r)), total, source: 'central', reason: null };
    } catch (err) {
      reason = errorMessage(err);
    }
  }
  const self = link?.box ?? null;
  if (box !== '*' && box !== self) return { rows: [], total: 0, source: 'local-only', reason };
  const local = catalog.queryRecognitions({ ...filter, ...page });
  return {
    rows: local.rows.map((r) => ({ ...r, box: self ?? 'local' })),
    total: local.total,
    source: 'local-only',
    reason,
  };
}

function toLocal(catalog: Catalog, r: CentralRecognition): ShopRecognition {
  const local = (key: CentralRecognition['board']) =>
    key === null ? null : (catalog.centralOutbox.localId('board', key) ?? null);
  return {
    id: r.localId,
    box: r.box,
    at: r.at,
    camera: r.camera,
    slot: r.slot,
    boardId: local(r.board),
    score: r.score,
    margin: r.margin,
    topk: r.topk
      .map((t) => ({ boardId: local(t.board), score: t.score }))
      .filter((t) => t.boardId !== null) as {
      boardId: number;
      score: number;
    }[],
    modelId: r.modelId,
    hasThumbnail: r.hasThumbnail === true,
    text: r.text,
    verified: r.verified === true,
    inliers: r.inliers,
    outline: r.outline,
    chipsExpected: r.chipsExpected,
    chipsFound: r.chipsFound,
    chipsHidden: r.chipsHidden,
    defects: r.defects,
  };
}
