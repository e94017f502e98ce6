import type { FastifyInstance } from 'fastify';
import { HardwareReference } from '../../hardware/reference.ts';
import { access } from '../access.ts';

/**
 * The hardware facts shipped with benchsight (models, chips per board, part-number families), each
 * with its source, and the credit they are shown under. The dashboard's board form and about box
 * read them here; they never change while the daemon runs.
 */
export function hardwareRoutes(app: FastifyInstance): void {
  const reference = HardwareReference.load();
  app.get('/api/hardware', access('viewer'), async (_req, reply) => {
    reply.header('cache-control', 'private, max-age=3600');
    return reference.data;
  });
}
