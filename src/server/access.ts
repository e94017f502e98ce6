import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/schema.ts';
import { BenchsightError } from '../errors.ts';
import type { Authenticator, Principal } from './auth.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const PUBLIC = new Set(['GET /login', 'POST /api/auth/login', 'GET /healthz']);
/** Requests a viewer may send although they are not GETs: they change nothing. */
const VIEWER_WRITES = new Set(['POST /api/recognize', 'POST /api/auth/logout']);

const isData = (path: string) => path.startsWith('/api/') || path === '/metrics';

/** Same origin when the Origin header names the host the request was sent to. */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (!origin) return true;
  try {
    if (new URL(origin).host === host) return true;
  } catch {
    return false;
  }
  return allowed.includes(origin);
}

/**
 * Who may do what: no CORS unless server.corsOrigins lists an origin; with auth on, data routes
 * need a session or a token, pages redirect to /login, and only admins change the catalog or model.
 */
export function installAccessControl(
  app: FastifyInstance,
  auth: Authenticator,
  config: Readonly<Config>,
): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0] ?? '/';
    const origin = req.headers.origin;
    if (origin && config.server.corsOrigins.includes(origin)) {
      reply.header('access-control-allow-origin', origin).header('vary', 'origin');
      reply.header('access-control-allow-credentials', 'true');
      if (req.method === 'OPTIONS') {
        return reply
          .header('access-control-allow-methods', 'GET, POST, PATCH, DELETE')
          .header('access-control-allow-headers', 'content-type, authorization')
          .status(204)
          .send();
      }
    } else if (isData(path) && !originAllowed(origin, req.headers.host, config.server.corsOrigins)) {
      throw new BenchsightError(
        'E_FORBIDDEN',
        `cross-origin request from ${origin} refused; list it in server.corsOrigins to allow it`,
        { status: 403 },
      );
    }
    const route = `${req.method} ${path}`;
    if (PUBLIC.has(route)) return;
    const principal = auth.identify(req.headers);
    req.principal = principal;
    if (!principal) {
      if (path === '/' || path === '/index.html') return reply.redirect('/login');
      if (isData(path)) {
        throw new BenchsightError(
          'E_AUTH',
          'log in first (POST /api/auth/login, or the /login page) or send Authorization: Bearer <token>',
          { status: 401 },
        );
      }
      return; // static dashboard files hold no data
    }
    const writes = req.method !== 'GET' && req.method !== 'HEAD';
    if (writes && principal.role !== 'admin' && !VIEWER_WRITES.has(route)) {
      throw new BenchsightError('E_FORBIDDEN', `${principal.name} is a viewer: this needs the admin role`, {
        status: 403,
      });
    }
  });
}
