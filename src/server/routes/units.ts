import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { UNIT_CSV_HEADER, unitCsvLine } from '../../catalog/unit-csv.ts';
import { shopUnits } from '../../central/units.ts';
import { BenchsightError } from '../../errors.ts';
import { UNIT_LIMITS, type UnitPage, type UnitStatus } from '../../protocol.ts';
import { access } from '../access.ts';
import type { ServerContext } from '../context.ts';
import { notFound, parseInput } from '../http-errors.ts';
import { shopBox } from '../schemas.ts';

/** Pages of units read for a CSV export. */
const EXPORT_BATCH = 500;

const unitsQuery = z
  .object({
    serial: z.string().trim().max(UNIT_LIMITS.serial).optional(),
    board: z.coerce.number().int().positive().optional(),
    status: z.string().trim().min(1).max(40).optional(),
    returning: z.enum(['true', 'false', '1', '0']).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(50),
    offset: z.coerce.number().int().min(0).max(1e9).default(0),
    format: z.enum(['json', 'csv']).default('json'),
    /** The shop's units from the central side: those one box saw, or * for every box. */
    box: shopBox.optional(),
  })
  .strict();

const serialParam = z.object({ serial: z.string() }).strict();

const patchBody = z
  .object({
    status: z.string().trim().min(1).max(40).optional(),
    note: z.string().trim().min(1, 'note must not be empty').max(UNIT_LIMITS.note).optional(),
    resolve: z
      .object({
        conflictId: z.number().int().positive(),
        answer: z.enum(['typed', 'ocr', 'unit', 'seen']),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((b) => b.status !== undefined || b.note !== undefined || b.resolve !== undefined, {
    message: 'send status, note or resolve',
  });

const postBody = z
  .object({
    serial: z.string(),
    boardId: z.number().int().positive().nullable(),
    /** the recognition the serial was typed for (the live card sends it) */
    recognitionId: z.number().int().positive().optional(),
  })
  .strict();

const bad = (message: string) => new BenchsightError('E_BAD_REQUEST', message, { status: 400 });

/** Units: physical boards by serial number, their visits, status, notes and conflicts. */
/** The history row a camera's slot shows now; null for a camera that is no longer configured. */
function currentOf(ctx: ServerContext, camera: string, slot: string): number | null {
  const bench = ctx.benches.list.find((b) => b.camera.id === camera);
  return bench ? bench.pipeline.currentRecognition(slot) : null;
}

export function unitRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { units, catalog } = ctx;

  const status = (input: string | undefined): UnitStatus | undefined => {
    if (input === undefined) return undefined;
    const s = units.parseStatus(input);
    if (!s) {
      const names = Object.entries(units.statusLabels).map(([k, l]) => (k === l ? k : `${k} (${l})`));
      throw bad(`unknown status "${input}": expected one of ${names.join(', ')}`);
    }
    return s;
  };

  app.get('/api/units', access('viewer'), async (req, reply) => {
    const q = parseInput(unitsQuery, req.query, 'query');
    const filter = {
      ...(q.serial ? { serial: q.serial.replace(/\s+/g, '').toUpperCase() } : {}),
      ...(q.board !== undefined ? { boardId: q.board } : {}),
      ...(q.status !== undefined ? { status: status(q.status)! } : {}),
      ...(q.returning !== undefined ? { returning: q.returning === 'true' || q.returning === '1' } : {}),
    };
    if (q.box !== undefined) {
      if (q.format === 'csv') throw bad('box= (the shop-wide units) answers in JSON only');
      const shop = await shopUnits(ctx.central ?? null, catalog, filter, q.box, q);
      const page: UnitPage = {
        statuses: units.statusNames(),
        total: shop.total,
        limit: q.limit,
        offset: q.offset,
        items: shop.rows.map(({ box, ...r }) => ({ ...units.summary(r), box })),
        source: shop.source,
        reason: shop.reason,
      };
      return page;
    }
    if (q.format === 'csv') {
      const lines = [UNIT_CSV_HEADER];
      for (let offset = 0; ; offset += EXPORT_BATCH) {
        const { rows } = catalog.queryUnits(filter, EXPORT_BATCH, offset);
        for (const r of rows) lines.push(unitCsvLine(units.summary(r)));
        if (rows.length < EXPORT_BATCH) break;
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="units.csv"')
        .send(lines.join(''));
    }
    const { rows, total } = catalog.queryUnits(filter, q.limit, q.offset);
    const page: UnitPage = {
      statuses: units.statusNames(),
      total,
      limit: q.limit,
      offset: q.offset,
      items: rows.map((r) => units.summary(r)),
    };
    return page;
  });

  app.get('/api/units/:serial', access('viewer'), async (req) => {
    const { serial } = parseInput(serialParam, req.params, 'path');
    const row = units.get(serial);
    if (!row) throw notFound(`unit ${units.normalize(serial)}`);
    return units.record(row);
  });

  app.patch('/api/units/:serial', access('admin'), async (req) => {
    const { serial } = parseInput(serialParam, req.params, 'path');
    const body = parseInput(patchBody, req.body, 'body');
    const s = status(body.status);
    const unit = units.edit(
      serial,
      {
        ...(s !== undefined ? { status: s } : {}),
        ...(body.note !== undefined ? { note: body.note } : {}),
        ...(body.resolve ? { resolve: body.resolve } : {}),
      },
      req.principal?.name ?? 'local',
    );
    return units.record(units.get(unit.serial)!);
  });

  app.post('/api/units', access('admin'), async (req, reply) => {
    const body = parseInput(postBody, req.body, 'body');
    if (body.boardId !== null && !catalog.getBoard(body.boardId))
      throw bad(`board ${body.boardId} does not exist; GET /api/boards lists them`);
    const recognition =
      body.recognitionId === undefined ? undefined : catalog.getRecognition(body.recognitionId);
    if (body.recognitionId !== undefined && !recognition)
      throw bad(`recognition ${body.recognitionId} does not exist`);
    const { unit, created } = units.serialTyped(
      {
        serial: body.serial,
        boardId: body.boardId,
        recognitionId: recognition?.id ?? null,
        at: Date.now(),
        camera: recognition?.camera ?? null,
        slot: recognition?.slot ?? null,
      },
      recognition !== undefined && currentOf(ctx, recognition.camera, recognition.slot) === recognition.id,
    );
    return reply.status(created ? 201 : 200).send(units.record(catalog.getUnit(unit.serial)!));
  });
}
