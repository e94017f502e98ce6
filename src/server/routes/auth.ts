import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { access } from '../access.ts';
import { type Authenticator, SESSION_COOKIE } from '../auth.ts';
import type { ServerContext } from '../context.ts';
import { parseInput } from '../http-errors.ts';

const loginBody = z
  .object({ name: z.string().min(1).max(64), password: z.string().min(1).max(1024) })
  .strict();

export function authRoutes(app: FastifyInstance, ctx: ServerContext, auth: Authenticator): void {
  app.post('/api/auth/login', access('public'), async (req, reply) => {
    const { name, password } = parseInput(loginBody, req.body, 'login');
    try {
      const { sessionId, principal, maxAgeS } = await auth.login(name, password, req.ip);
      ctx.logger.info({ user: name, ip: req.ip }, 'login');
      return reply
        .header(
          'set-cookie',
          `${SESSION_COOKIE}=${sessionId}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeS}`,
        )
        .send({ name: principal.name, role: principal.role });
    } catch (err) {
      ctx.logger.warn({ user: name, ip: req.ip }, 'login refused');
      throw err;
    }
  });

  app.post('/api/auth/logout', access('public'), async (req, reply) => {
    auth.logout(req.headers.cookie);
    return reply
      .header('set-cookie', `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`)
      .send({ ok: true });
  });

  app.get('/api/auth/me', access('viewer'), async (req) => ({
    name: req.principal?.name ?? null,
    role: req.principal?.role ?? null,
    authEnabled: auth.enabled,
  }));
}
