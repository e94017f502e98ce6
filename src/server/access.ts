import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Config } from '../config/schema.ts';
import { BenchsightError } from '../errors.ts';
import type { Authenticator, Principal } from './auth.ts';
import { hostChecker, originAllowed } from './request-origin.ts';

/**
 * Who may call a route, declared on the route itself (`config.access`):
 * - public: anyone (the login page and call, /healthz, the dashboard's scripts and styles)
 * - page: a dashboard page; without a session the browser is sent to /login
 * - viewer: any logged-in user or token
 * - admin: users and tokens with the admin role
 */
export const ACCESS_LEVELS = ['public', 'page', 'viewer', 'admin'] as const;
export type Access = (typeof ACCESS_LEVELS)[number];

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}

/** Route options that declare a route's access: `app.get('/api/x', access('viewer'), handler)`. */
export function access(level: Access): { config: { access: Access } } {
  return { config: { access: level } };
}

export interface RouteAccess {
  method: string;
  url: string;
  access: Access | undefined;
}

const forbidden = (message: string) => new BenchsightError('E_FORBIDDEN', message, { status: 403 });

/**
 * Access is decided on the route the router matched (`request.routeOptions`), never on the raw
 * URL: the router decodes `/%61pi/boards` to `/api/boards`, and so does this check. Deny by
 * default: a route that declares no access stops the server at start, and a request the router
 * matched to nothing needs credentials like any data route before it learns that nothing is there.
 * Before that, every request must name a host the daemon answers to (DNS rebinding) and, when it
 * comes from a browser page, come from the daemon's own origin or one in server.corsOrigins.
 * Returns the routes as the router has them, with their access, once the server is ready.
 */
export function installAccessControl(
  app: FastifyInstance,
  auth: Authenticator,
  config: Readonly<Config>,
): () => readonly RouteAccess[] {
  const routes: RouteOptions[] = [];
  const hostAllowed = hostChecker(config.server);
  const { corsOrigins } = config.server;

  app.decorateRequest('principal', null);
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  const list = (): RouteAccess[] =>
    routes.flatMap((r) =>
      [r.method].flat().map((method) => ({ method, url: r.url, access: r.config?.access })),
    );
  app.addHook('onReady', async () => {
    const undeclared = list().filter((r) => !ACCESS_LEVELS.includes(r.access as Access));
    if (undeclared.length > 0) {
      throw new BenchsightError(
        'E_ROUTE_ACCESS',
        `${undeclared.map((r) => `${r.method} ${r.url}`).join(', ')}: no access declared; ` +
          `every route must say who may call it (config.access: ${ACCESS_LEVELS.join(', ')})`,
      );
    }
  });

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!hostAllowed(req.headers.host)) {
      throw forbidden(
        `requests for host "${req.headers.host}" are refused: this daemon answers to localhost, its ` +
          'loopback addresses and server.host; list other names it is reached by in server.allowedHosts',
      );
    }
    const origin = req.headers.origin;
    if (origin && corsOrigins.includes(origin)) {
      reply.header('access-control-allow-origin', origin).header('vary', 'origin');
      reply.header('access-control-allow-credentials', 'true');
      if (req.method === 'OPTIONS') {
        return reply
          .header('access-control-allow-methods', 'GET, POST, PATCH, DELETE')
          .header('access-control-allow-headers', 'content-type, authorization')
          .status(204)
          .send();
      }
    } else if (!originAllowed(origin, req.headers.host, corsOrigins)) {
      throw forbidden(
        `cross-origin request from ${origin} refused; list it in server.corsOrigins to allow it`,
      );
    }

    // undefined for the not-found handler (no route matched), which is treated as a data route
    const level = req.routeOptions.url === undefined ? 'viewer' : req.routeOptions.config?.access;
    if (level === 'public') return;
    const principal = auth.identify(req.headers);
    req.principal = principal;
    if (!principal) {
      if (level === 'page') return reply.redirect('/login');
      throw new BenchsightError(
        'E_AUTH',
        'log in first (POST /api/auth/login, or the /login page) or send Authorization: Bearer <token>',
        { status: 401 },
      );
    }
    if (level === 'page' || level === 'viewer') return;
    if (level !== 'admin') throw forbidden('this route declares no access; refused');
    if (principal.role !== 'admin')
      throw forbidden(`${principal.name} is a viewer: this needs the admin role`);
  });

  return list;
}
