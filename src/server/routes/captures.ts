import type { FastifyInstance } from 'fastify';
import type { CaptureJson } from '../../protocol.ts';
import { cropJpeg } from '../../vision/preprocess.ts';
import { access } from '../access.ts';
import type { ServerContext } from '../context.ts';
import { parseInput } from '../http-errors.ts';
import { captureBody, captureParam } from '../schemas.ts';

/** Width of the picture the enroll dialog shows (the reference itself is stored at full size). */
const SHOWN_MAX_SIDE = 960;

/**
 * Pictures of a slot held for enrollment: the dashboard captures the slot when "This is…" opens, shows
 * that picture, and enrolls it by its id (POST /api/boards/:id/references {"fromCapture": id}).
 */
export function captureRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { benches, config } = ctx;

  app.post('/api/captures', access('admin'), async (req, reply) => {
    const { slot, camera } = parseInput(captureBody, req.body, 'body');
    const pipeline = benches.get(camera);
    const c = pipeline.captureSlot(slot);
    const body: CaptureJson = {
      id: c.id,
      camera: pipeline.camera,
      slot: c.slot,
      capturedAt: c.frame.capturedAt,
      expiresAt: c.expiresAt,
      imageUrl: `/api/captures/${c.id}/image.jpg`,
    };
    return reply.status(201).send(body);
  });

  app.get('/api/captures/:id/image.jpg', access('admin'), async (req, reply) => {
    const { id } = parseInput(captureParam, req.params, 'path');
    const c = benches.first.capture(id);
    const shown = await cropJpeg(c.frame.jpeg, c.rect, {
      maxSide: SHOWN_MAX_SIDE,
      quality: 85,
      maxPixels: config.data.maxImagePixels,
    });
    return reply.type('image/jpeg').header('cache-control', 'private, max-age=600').send(shown.jpeg);
  });
}
