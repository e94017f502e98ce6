import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { inspectionMapSchema, regionBoxSchema } from '../../catalog/index.ts';
import { WHOLE_FRAME } from '../../config/schema.ts';
import { BenchsightError } from '../../errors.ts';
import { heatmapPath } from '../../inspect/heatmap.ts';
import type { Inspection, Inspector } from '../../inspect/inspector.ts';
import { noChips } from '../../inspect/verdict.ts';
import type { BoardInfo, InspectionJson } from '../../protocol.ts';
import { decodeImage } from '../../vision/preprocess.ts';
import { access } from '../access.ts';
import type { ServerContext } from '../context.ts';
import { notFound, parseInput } from '../http-errors.ts';
import { idParam } from '../schemas.ts';

const detectBody = z.object({ referenceId: z.number().int().min(1), box: regionBoxSchema }).strict();
const heatmapParam = z.object({ id: z.uuid() }).strict();
const boardIdField = z.coerce.number().int().min(1);

/** An inspection as the API and the `inspected` event show it. */
export function inspectionJson(i: Inspection, board: BoardInfo | null): InspectionJson {
  return {
    board,
    verified: i.verified,
    reason: i.reason,
    regions: i.regions,
    counts: i.counts,
    heatmapUrl: i.heatmapId ? heatmapPath(i.heatmapId) : null,
    outline: i.outline,
    ms: Math.round(i.ms),
  };
}

/** The image and the optional boardId field of a multipart upload. */
async function readInspectUpload(req: FastifyRequest): Promise<{ image: Buffer; boardId: number | null }> {
  if (!req.isMultipart()) {
    throw new BenchsightError('E_BAD_REQUEST', 'send the image as multipart/form-data (field "image")', {
      status: 415,
    });
  }
  let image: Buffer | null = null;
  let boardId: number | null = null;
  for await (const part of req.parts()) {
    if (part.type === 'file') image ??= await part.toBuffer();
    else if (part.fieldname === 'boardId' && part.value !== '') {
      boardId = parseInput(boardIdField, part.value, 'boardId');
    }
  }
  if (!image) throw new BenchsightError('E_BAD_REQUEST', 'no image file in the upload', { status: 400 });
  return { image, boardId };
}

function inspectorOf(ctx: ServerContext): Inspector {
  if (!ctx.inspector) {
    throw new BenchsightError(
      'E_BAD_REQUEST',
      'inspection is switched off (inspect.enabled: false in the config): switch it on and restart',
      { status: 409 },
    );
  }
  return ctx.inspector;
}

/** Inspection maps of the boards, chip detection on a reference, inspection of an uploaded picture. */
export function inspectionRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { catalog } = ctx;
  const boardOf = (id: number) => {
    if (!catalog.getBoard(id)) throw notFound(`board ${id}`);
    return id;
  };

  app.get('/api/boards/:id/inspection-map', access('viewer'), async (req) => {
    const id = boardOf(parseInput(idParam, req.params, 'path').id);
    const map = catalog.getInspectionMap(id);
    if (!map) throw notFound(`inspection map of board ${id} (none drawn yet: PUT one)`);
    return map;
  });

  app.put('/api/boards/:id/inspection-map', access('admin'), async (req) => {
    const id = boardOf(parseInput(idParam, req.params, 'path').id);
    return catalog.putInspectionMap(id, parseInput(inspectionMapSchema, req.body, 'inspection map'));
  });

  app.post('/api/boards/:id/inspection-map/detect', access('admin'), async (req) => {
    const id = boardOf(parseInput(idParam, req.params, 'path').id);
    const body = parseInput(detectBody, req.body, 'body');
    return inspectorOf(ctx).detect(id, body.referenceId, body.box);
  });

  app.post('/api/inspect', access('viewer'), async (req) => {
    const inspector = inspectorOf(ctx);
    const upload = await readInspectUpload(req);
    const raw = await decodeImage(upload.image, { maxPixels: ctx.config.data.maxImagePixels });
    const recognizer = ctx.recognizer;
    const board = (id: number | null) => (id === null ? null : (recognizer.board(id) ?? null));
    let boardId = upload.boardId;
    if (boardId === null) {
      const [vector] = await recognizer.embed(raw, [WHOLE_FRAME]);
      const result = await recognizer.recognize(raw, WHOLE_FRAME, vector!);
      if (!result.board || !result.verification.verified) {
        const why = result.board
          ? `board ${result.board.id} was not verified (${result.verification.inliers ?? 0} inliers)`
          : `no board recognized (${result.decision.reason})`;
        return {
          ...inspectionJson(
            {
              boardId: 0,
              verified: false,
              reason: `${why}: nothing inspected; send boardId to inspect against a board's map`,
              regions: [],
              counts: { chips: noChips(null) },
              heatmapId: null,
              outline: null,
              ms: 0,
            },
            result.board,
          ),
        };
      }
      boardId = result.board.id;
    } else {
      boardOf(boardId);
    }
    return inspectionJson(await inspector.inspect(raw, WHOLE_FRAME, boardId), board(boardId));
  });

  app.get('/api/inspections/:id/heatmap.png', access('viewer'), async (req, reply) => {
    const { id } = parseInput(heatmapParam, req.params, 'path');
    const png = ctx.inspector?.heatmaps.get(id);
    if (!png) throw notFound(`heatmap ${id} (only the latest are kept)`);
    return reply.type('image/png').header('cache-control', 'private, max-age=3600').send(png);
  });
}
