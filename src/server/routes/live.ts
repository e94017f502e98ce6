import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Registry } from 'prom-client';
import { WHOLE_FRAME } from '../../config/schema.ts';
import { BenchsightError } from '../../errors.ts';
import type { BenchPipeline } from '../../pipeline/bench.ts';
import { decodeImage } from '../../vision/preprocess.ts';
import { access } from '../access.ts';
import type { ServerContext } from '../context.ts';
import { parseInput } from '../http-errors.ts';
import { cameraParam } from '../schemas.ts';
import { daemonStatus } from '../status.ts';
import { readUpload } from './ocr.ts';

export function liveRoutes(app: FastifyInstance, ctx: ServerContext, metrics: Registry): void {
  const { benches, config } = ctx;

  app.get('/api/status', access('viewer'), async () => ({
    ...daemonStatus(ctx),
    slots: benches.slotViews(),
  }));

  /** A camera's latest frame as it came from the camera. */
  const frameOf = (pipeline: BenchPipeline, reply: FastifyReply) => {
    const frame = pipeline.latestFrame;
    if (!frame) {
      const cam = pipeline.status().camera;
      throw new BenchsightError(
        'E_CAMERA_LOST',
        `no frame yet: camera ${cam.id} is ${cam.state} (${cam.reason ?? 'starting'})`,
        { status: 503 },
      );
    }
    return reply
      .type('image/jpeg')
      .header('cache-control', 'no-store')
      .header('x-frame-seq', String(frame.seq))
      .header('x-camera', pipeline.camera)
      .send(frame.jpeg);
  };

  app.get('/api/frame.jpg', access('viewer'), async (_req, reply) => frameOf(benches.first, reply));

  app.get('/api/cameras/:id/frame.jpg', access('viewer'), async (req, reply) => {
    const { id } = parseInput(cameraParam, req.params, 'path');
    return frameOf(benches.get(id), reply);
  });

  app.post('/api/recognize', access('viewer'), async (req) => {
    if (!req.isMultipart()) {
      throw new BenchsightError('E_BAD_REQUEST', 'send the image as multipart/form-data (field "image")', {
        status: 415,
      });
    }
    const file = await req.file();
    if (!file) throw new BenchsightError('E_BAD_REQUEST', 'no image file in the upload', { status: 400 });
    const raw = await decodeImage(await file.toBuffer(), { maxPixels: config.data.maxImagePixels });
    const [vector] = await ctx.recognizer.embed(raw, [WHOLE_FRAME]);
    const recognizer = ctx.recognizer;
    const result = await recognizer.recognize(raw, WHOLE_FRAME, vector!);
    const board = (id: number | null) => (id === null ? null : (recognizer.board(id) ?? null));
    const ocr = ctx.ocr ? await readUpload(ctx.ocr, raw, result.board?.id ?? null, board) : null;
    return {
      decision: result.outcome.kind === 'board' ? 'recognized' : result.outcome.kind,
      board: result.board,
      score: result.decision.score,
      margin: result.decision.margin,
      reason: result.decision.reason,
      candidates: result.candidates,
      ...result.verification,
      modelId: ctx.recognizer.modelId,
      ocr,
    };
  });

  app.get('/metrics', access('viewer'), async (_req, reply) => {
    return reply.type(metrics.contentType).send(await metrics.metrics());
  });

  app.get('/healthz', access('public'), async () => ({ ok: true }));
}
