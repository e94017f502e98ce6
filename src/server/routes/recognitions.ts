import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { RECOGNITION_CSV_HEADER, recognitionCsvLine } from '../../catalog/recognition-csv.ts';
import { toRecognitionFilter } from '../../catalog/recognition-filter.ts';
import type { Recognition, RecognitionText } from '../../catalog/types.ts';
import { badRequest } from '../../catalog/validate.ts';
import { shopRecognitions } from '../../central/history.ts';
import { BenchsightError } from '../../errors.ts';
import { toBoardInfo } from '../../pipeline/recognizer.ts';
import {
  type HistoryBoard,
  type RecognitionJson,
  type RecognitionPage,
  recognitionThumbnailPath,
  type TextLine,
  type TextVerdict,
} from '../../protocol.ts';
import { access } from '../access.ts';
import type { ServerContext } from '../context.ts';
import { notFound, parseInput } from '../http-errors.ts';
import { idParam, recognitionsQuery, thumbnailQuery } from '../schemas.ts';
import { textJson } from './ocr.ts';

export function recognitionRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { catalog } = ctx;

  /** The board a row names, also when it was removed from the catalog since (ids are never reused). */
  const historyBoard = (id: number | null): HistoryBoard | null => {
    if (id === null) return null;
    const live = ctx.recognizer.board(id);
    if (live) return { ...live, removedAt: null };
    const b = catalog.getBoard(id, { removed: true });
    return b ? { ...toBoardInfo(b), removedAt: b.removedAt } : null;
  };

  const withBoard = (r: Recognition, text: RecognitionText | undefined): RecognitionJson => {
    return {
      ...r,
      board: historyBoard(r.boardId),
      thumbnailUrl: r.hasThumbnail ? recognitionThumbnailPath(r.id) : null,
      text: text ? textJson(text) : null,
    };
  };

  app.get('/api/recognitions', access('viewer'), async (req, reply) => {
    const q = parseInput(recognitionsQuery, req.query, 'query');
    const filter = toRecognitionFilter(q);
    if (q.box !== undefined) {
      if (
        q.format === 'csv' ||
        filter.serial !== undefined ||
        filter.text !== undefined ||
        filter.part !== undefined
      )
        throw badRequest(
          'box= (the shop-wide history) takes board, camera, slot, from, to and defects, in JSON only',
        );
      const shop = await shopRecognitions(ctx.central ?? null, catalog, filter, q.box, q);
      const self = ctx.central?.box ?? null;
      const page: RecognitionPage = {
        total: shop.total,
        limit: q.limit,
        offset: q.offset,
        items: shop.rows.map(({ box, text, ...r }) => ({
          ...withBoard(r, undefined),
          box,
          thumbnailUrl: !r.hasThumbnail
            ? null
            : shop.source === 'central'
              ? `${recognitionThumbnailPath(r.id)}?box=${encodeURIComponent(box)}`
              : box === self
                ? recognitionThumbnailPath(r.id)
                : null,
          // as its box read it; the part number's facts and the board vision named stay there
          text: text
            ? {
                lines: text.lines as TextLine[],
                serial: text.serial,
                partNumber: null,
                verdict: text.verdict as TextVerdict,
                textOverride: text.verdict === 'corrected',
                visionBoardId: null,
              }
            : null,
        })),
        source: shop.source,
        reason: shop.reason,
      };
      return page;
    }
    if (q.format === 'csv') {
      // the Host header has passed the allowed-hosts check (request-origin.ts)
      const origin = `${req.protocol}://${req.host}`;
      // iterateRecognitions reads in batches (no cursor held across yields: other requests share
      // the connection). The time range is fixed now so rows recorded during the export stay out.
      const rows = catalog.iterateRecognitions({
        ...filter,
        to: Math.min(filter.to ?? Number.MAX_SAFE_INTEGER, Date.now()),
      });
      const stream = Readable.from(
        (function* () {
          yield RECOGNITION_CSV_HEADER;
          for (const r of rows)
            yield recognitionCsvLine(
              r,
              historyBoard(r.boardId) ?? undefined,
              catalog.getRecognitionText(r.id),
              origin,
            );
        })(),
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="recognitions.csv"')
        .send(stream);
    }
    const { rows, total } = catalog.queryRecognitions({ ...filter, limit: q.limit, offset: q.offset });
    const texts = catalog.recognitionTextsFor(rows.map((r) => r.id));
    const page: RecognitionPage = {
      total,
      limit: q.limit,
      offset: q.offset,
      items: rows.map((r) => withBoard(r, texts.get(r.id))),
    };
    return page;
  });

  /** ?box=: the picture of another box's row, from the central side (a shop-wide history's row). */
  app.get('/api/recognitions/:id/thumbnail.jpg', access('viewer'), async (req, reply) => {
    const { id } = parseInput(idParam, req.params, 'path');
    const { box } = parseInput(thumbnailQuery, req.query, 'query');
    let bytes: Buffer | null | undefined;
    if (box !== undefined) {
      const store = ctx.central?.store;
      if (!store)
        throw new BenchsightError(
          'E_CENTRAL_UNREACHABLE',
          `the central PostgreSQL is not connected (${ctx.central?.status().reason ?? 'central is not configured'}): the picture of a row of box ${box} is kept there; try again once /api/status says central is connected`,
          { status: 503 },
        );
      bytes = await store.recognitionThumbnail(box, id);
    } else bytes = catalog.getRecognitionThumbnail(id);
    if (!bytes) throw notFound(`thumbnail of recognition ${id}`);
    return reply.type('image/jpeg').header('cache-control', 'private, max-age=86400').send(bytes);
  });
}
