import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { recognitionFilterParams, toRecognitionFilter } from '../../catalog/recognition-filter.ts';
import { access } from '../access.ts';
import type { ServerContext } from '../context.ts';
import { parseInput } from '../http-errors.ts';

const DAY_MS = 86_400_000;

/** The history filters plus the viewer's time zone: minutes from local time to UTC (JS getTimezoneOffset). */
const perDayQuery = recognitionFilterParams
  .extend({ tzOffset: z.coerce.number().int().min(-900).max(900).default(0) })
  .strict();

/** Aggregates over the recognition history, for the dashboard's History page. */
export function historyRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/recognitions/per-day', access('viewer'), async (req) => {
    const q = parseInput(perDayQuery, req.query, 'query');
    const days = ctx.catalog.countRecognitionsPerDay(toRecognitionFilter(q), -q.tzOffset * 60_000);
    return {
      tzOffset: q.tzOffset,
      days: days.map((d) => ({ date: new Date(d.day * DAY_MS).toISOString().slice(0, 10), count: d.count })),
    };
  });
}
