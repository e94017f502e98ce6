import type { FastifyInstance } from 'fastify';
import { MAP_CONFLICT_FIELD } from '../../catalog/central/inspection.ts';
import type { CentralMapVersion } from '../../catalog/central/types.ts';
import type { Catalog } from '../../catalog/index.ts';
import { errorMessage } from '../../errors.ts';
import type { BoardConflictPage } from '../../protocol.ts';
import { access } from '../access.ts';
import type { ServerContext } from '../context.ts';
import { notFound, parseInput } from '../http-errors.ts';
import { idParam } from '../schemas.ts';

/** A map version as this box names it: its reference by this box's id (null: not held here). */
function localMap(catalog: Catalog, v: unknown): unknown {
  if (v === null) return null;
  const m = v as CentralMapVersion;
  return {
    referenceId: catalog.centralOutbox.localId('reference', m.reference) ?? null,
    regions: m.regions,
  };
}

/** What the central side keeps of the shop: the audit rows of board edits made on two boxes at once. */
export function centralRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { catalog } = ctx;

  /** Fields of this board edited on two boxes apart: both values, which won; from the central side. */
  app.get('/api/boards/:id/conflicts', access('viewer'), async (req) => {
    const { id } = parseInput(idParam, req.params, 'path');
    if (!catalog.getBoard(id, { removed: true })) throw notFound(`board ${id}`);
    const store = ctx.central?.store ?? null;
    let reason = ctx.central
      ? (ctx.central.status().reason ?? 'the central PostgreSQL is not connected')
      : 'central is not configured';
    if (store) {
      try {
        const rows = await store.boardConflicts(catalog.centralOutbox.shopKey('board', id));
        const page: BoardConflictPage = {
          source: 'central',
          reason: null,
          items: rows.map(({ board: _, ...c }) =>
            c.field === MAP_CONFLICT_FIELD
              ? { ...c, kept: localMap(catalog, c.kept), other: localMap(catalog, c.other) }
              : c,
          ),
        };
        return page;
      } catch (err) {
        reason = errorMessage(err);
      }
    }
    const page: BoardConflictPage = { source: 'local-only', reason, items: [] };
    return page;
  });
}
