import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { PACKAGE_ROOT } from '../../config/load.ts';
import type { DashboardSettings } from '../../protocol.ts';
import { access } from '../access.ts';
import type { ServerContext } from '../context.ts';

const DASHBOARD_DIR = join(PACKAGE_ROOT, 'dashboard', 'dist');

const NOT_BUILT =
  '<!doctype html><title>benchsight</title><p>The dashboard is not built. Run <code>npm run build:dashboard</code>. The API is at <a href="/api/status">/api/status</a>.</p>';

/**
 * The built dashboard (dashboard/dist), its login page at /login, and GET /api/dashboard: what a
 * page needs before it shows anything (the default language), public because the login page asks.
 */
export async function dashboardRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const settings: DashboardSettings = { defaultLanguage: ctx.config.server.defaultLanguage };
  app.get('/api/dashboard', access('public'), async () => settings);

  const built = existsSync(join(DASHBOARD_DIR, 'index.html'));
  // read once: the page is the same for everyone and changes only with a new build
  const loginPage = built ? readFileSync(join(DASHBOARD_DIR, 'login.html'), 'utf8') : NOT_BUILT;
  app.get('/login', access('public'), async (_req, reply) =>
    reply.type('text/html').header('cache-control', 'no-store').send(loginPage),
  );

  if (!built) {
    app.get('/', access('page'), async (_req, reply) => reply.type('text/html').send(NOT_BUILT));
    return;
  }
  await app.register(async (dashboard) => {
    // One route per file of the built dashboard (no wildcard): anything else is not found. The
    // HTML pages need a session (login.html too: /login serves it to everyone); scripts, styles and
    // icons hold no data.
    dashboard.addHook('onRoute', (route) => {
      route.config = {
        ...route.config,
        access: route.url.endsWith('/') || route.url.endsWith('.html') ? 'page' : 'public',
      };
    });
    await dashboard.register(fastifyStatic, { root: DASHBOARD_DIR, prefix: '/', wildcard: false });
  });
}
