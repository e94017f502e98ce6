import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { access } from '../access.ts';
import type { ServerContext } from '../context.ts';
import { parseInput } from '../http-errors.ts';

const useBody = z.object({ name: z.string().min(1).max(200) }).strict();

export function modelRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/models', access('viewer'), async () => ({
    models: ctx.models.list(),
    switching: ctx.benches.modelSwitch,
  }));

  app.post('/api/model/use', access('admin'), async (req, reply) => {
    const { name } = parseInput(useBody, req.body, 'body');
    const started = await ctx.models.use(name);
    return reply.status(202).send({ switching: started.target });
  });
}
