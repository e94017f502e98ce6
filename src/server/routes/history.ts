import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { RecognitionFilter } from '../../catalog/types.ts';
import type { ServerContext } from '../context.ts';
import { parseInput } from '../http-errors.ts';
import { recognitionsQuery } from '../schemas.ts';

const DAY_MS = 86_400_000;

/** The history filters plus the viewer's time zone: minutes from local time to UTC (JS getTimezoneOffset). */
const perDayQuery = recognitionsQuery.omit({ limit: true, offset: true, format: true }).extend({
  tzOffset: z.coerce.number().int().min(-900).max(900).default(0),
});

/** Aggregates over the recognition history, for the dashboard's History page. */
export function historyRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/recognitions/per-day', async (req) => {
    const q = parseInput(perDayQuery, req.query, 'query');
    const filter: RecognitionFilter = {
      ...(q.board !== undefined ? { boardId: q.board === 'unknown' ? null : q.board } : {}),
      ...(q.camera !== undefined ? { camera: q.camera } : {}),
      ...(q.slot !== undefined ? { slot: q.slot } : {}),
      ...(q.from !== undefined ? { from: q.from } : {}),
      ...(q.to !== undefined ? { to: q.to } : {}),
      ...(q.serial !== undefined ? { serial: q.serial } : {}),
      ...(q.text !== undefined ? { text: q.text } : {}),
    };
    const days = ctx.catalog.countRecognitionsPerDay(filter, -q.tzOffset * 60_000);
    return {
      tzOffset: q.tzOffset,
      days: days.map((d) => ({ date: new Date(d.day * DAY_MS).toISOString().slice(0, 10), count: d.count })),
    };
  });
}
