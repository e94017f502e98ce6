import { Agent } from 'node:http';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { BenchsightError } from '../../src/errors.ts';
import type { Daemon } from '../../src/main.ts';
import { type Access, access, installAccessControl, type RouteAccess } from '../../src/server/access.ts';
import { Authenticator, hashPassword } from '../../src/server/auth.ts';
import { pattern, startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';
import { type RawResponse, rawRequest } from '../helpers/http.ts';

const VIEWER_PW = 'viewer-secret-42';
const ADMIN_TOKEN = 'tok-admin-0123456789abcdef0123';
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
type Caller = 'anonymous' | 'viewer' | 'admin';

/** What the declared access promises a caller: allowed, 401, 403, or a redirect to /login. */
function promised(level: Access | undefined, caller: Caller): 'allowed' | 401 | 403 | 'login' {
  if (level === 'public') return 'allowed';
  if (caller === 'anonymous') return level === 'page' ? 'login' : 401;
  if (level === 'admin' && caller !== 'admin') return 403;
  return level === 'page' || level === 'viewer' || level === 'admin' ? 'allowed' : 403;
}

/** The router's answer to a path it matched to nothing (needs credentials before it says so). */
const unmatched = (caller: Caller) => (caller === 'anonymous' ? 401 : 404);

function meets(res: RawResponse, expected: 'allowed' | 401 | 403 | 404 | 'login', method: string): boolean {
  if (expected === 'login') return res.status === 302 && res.headers.location === '/login';
  if (expected !== 'allowed') return res.status === expected;
  // allowed: the route's own answer (200, 400 for a missing body, 404 for a missing record...), never
  // an access refusal, and never the not-found handler: the router did match this route
  return res.status !== 401 && res.status !== 403 && (method === 'HEAD' || !res.body.includes('no route'));
}

/** Spellings of one path that a router or a proxy might read differently. */
function variants(path: string): { name: string; path: string; sameRoute: boolean }[] {
  const out: { name: string; path: string; sameRoute: boolean }[] = [
    { name: 'as declared', path, sameRoute: true },
  ];
  const letter = path.search(/[a-z]/i);
  if (letter >= 0) {
    const hex = (c: string) => `%${c.charCodeAt(0).toString(16)}`;
    out.push({
      name: 'first letter percent-encoded',
      path: path.slice(0, letter) + hex(path[letter]!) + path.slice(letter + 1),
      sameRoute: true,
    });
    const last = path.lastIndexOf('/') + 1;
    const l2 = last + Math.max(0, path.slice(last).search(/[a-z]/i));
    if (/[a-z]/i.test(path[l2] ?? '')) {
      out.push({
        name: 'last segment letter percent-encoded, capital hex',
        path: path.slice(0, l2) + hex(path[l2]!).toUpperCase() + path.slice(l2 + 1),
        sameRoute: true,
      });
    }
  }
  const second = path.indexOf('/', 1);
  out.push(
    { name: 'leading doubled slash', path: `/${path}`, sameRoute: false },
    { name: 'dot segment', path: `/.${path}`, sameRoute: false },
    { name: 'parent segment', path: `/x/..${path}`, sameRoute: false },
    { name: 'encoded dot segment', path: `/%2e${path}`, sameRoute: false },
    { name: 'encoded parent segment', path: `/x/%2e%2e${path}`, sameRoute: false },
    { name: 'upper case', path: path.toUpperCase(), sameRoute: path.toUpperCase() === path },
    { name: 'trailing slash', path: `${path}/`, sameRoute: false },
    { name: 'semicolon', path: `${path};x`, sameRoute: false },
  );
  if (second > 0) {
    out.push(
      {
        name: 'inner doubled slash',
        path: `${path.slice(0, second)}/${path.slice(second)}`,
        sameRoute: false,
      },
      {
        name: 'inner dot segment',
        path: `${path.slice(0, second)}/.${path.slice(second)}`,
        sameRoute: false,
      },
      {
        name: 'encoded slash',
        path: `${path.slice(0, second)}%2F${path.slice(second + 1)}`,
        sameRoute: false,
      },
      {
        name: 'mixed case',
        path: path.replace(/[a-z]/gi, (c, i: number) => (i % 2 ? c.toUpperCase() : c.toLowerCase())),
        sameRoute: false,
      },
    );
  }
  return out;
}

/** The declared route the router should pick for a method and a decoded path. */
function routeFor(routes: readonly RouteAccess[], method: string, path: string): RouteAccess | undefined {
  return routes.find(
    (r) =>
      r.method === method &&
      new RegExp(`^${r.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[a-z]+/gi, '[^/]+')}$`).test(
        path,
      ),
  );
}

describe('every route the router holds answers only as its declared access says', () => {
  let daemon: Daemon;
  let port: number;
  let viewerCookie: string;
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });

  const call = (method: string, path: string, caller: Caller) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${port}` };
    if (caller === 'viewer') headers.cookie = viewerCookie;
    if (caller === 'admin') headers.authorization = `Bearer ${ADMIN_TOKEN}`;
    const withBody = ['POST', 'PUT', 'PATCH'].includes(method);
    if (withBody) headers['content-type'] = 'application/json';
    return rawRequest(port, { method, path, headers, agent, ...(withBody ? { body: '{}' } : {}) });
  };

  const login = async () => {
    const res = await rawRequest(port, {
      method: 'POST',
      path: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'tech', password: VIEWER_PW }),
    });
    expect(res.status).toBe(200);
    return String(res.headers['set-cookie']).split(';')[0]!;
  };

  /** What a caller could see or change: compared before and after the refused calls. */
  const snapshot = async () => {
    const get = async (path: string) => (await call('GET', path, 'admin')).body;
    const status = JSON.parse(await get('/api/status')) as { model: { id: string; references: number } };
    return { boards: await get('/api/boards'), model: status.model.id, references: status.model.references };
  };

  beforeAll(async () => {
    const frames = tempDir('bs-routes-');
    writeFrames(frames, [await pattern(7)], 2);
    daemon = (
      await startTestDaemon(frames, {
        server: { port: 0 },
        auth: {
          required: true,
          users: [{ name: 'tech', passwordHash: hashPassword(VIEWER_PW), role: 'viewer' }],
          tokens: [{ name: 'ci', token: ADMIN_TOKEN, role: 'admin' }],
        },
      })
    ).daemon;
    port = daemon.port;
    viewerCookie = await login();
    // board 1 with reference 1: a route that leaked would answer with them
    const created = await rawRequest(port, {
      method: 'POST',
      path: '/api/boards',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ vendor: 'Bitmain', model: 'S19 walk', kind: 'hashboard' }),
    });
    expect(created.status).toBe(201);
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(await pattern(8))], { type: 'image/jpeg' }), 'a.jpg');
    const enrolled = await fetch(`http://127.0.0.1:${port}/api/boards/1/references`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      body: form,
    });
    expect(enrolled.status).toBe(201);
  });
  afterAll(async () => {
    agent.destroy();
    await daemon?.stop();
  });

  it('lists the routes from the router itself, each with a declared access', () => {
    const routes = daemon.routes;
    const names = routes.map((r) => `${r.method} ${r.url}`);
    // the router's own list: API, metrics, login, and the dashboard's built files
    for (const route of [
      'DELETE /api/boards/:id',
      'GET /metrics',
      'POST /api/auth/login',
      'GET /',
      'HEAD /index.html',
    ])
      expect(names).toContain(route);
    expect(names.some((n) => n.startsWith('GET /assets/'))).toBe(true);
    for (const r of routes) expect(['public', 'page', 'viewer', 'admin']).toContain(r.access);
  });

  it('walks every route: each method, anonymous, viewer and admin, every spelling of its path', async () => {
    const routes = daemon.routes;
    const paths = [...new Set(routes.map((r) => r.url))].map((url) => url.replace(/:id/g, '1'));
    const before = await snapshot();
    const failures: string[] = [];
    let requests = 0;
    // the admin last: its calls are allowed to change things (DELETE /api/boards/1)
    for (const caller of ['anonymous', 'viewer', 'admin'] as const) {
      for (const path of paths) {
        for (const v of variants(path)) {
          const declaredMethods = METHODS.filter((m) => routeFor(routes, m, path));
          const methods = v.sameRoute ? METHODS : [...new Set(['GET', ...declaredMethods])];
          for (const method of methods) {
            const route = routeFor(routes, method, path);
            const expected = route ? promised(route.access, caller) : unmatched(caller);
            const res = await call(method, v.path, caller);
            requests++;
            const ok =
              meets(res, expected, method) || (!v.sameRoute && meets(res, unmatched(caller), method));
            if (!ok) {
              failures.push(
                `${caller} ${method} ${v.path} (${v.name}; route ${route ? `${route.url} ${route.access}` : 'none'}): expected ${expected}, got ${res.status} ${res.body.slice(0, 100)}`,
              );
            }
            // the viewer's walk includes logging out (any spelling of it): log in again
            if (caller === 'viewer' && method === 'POST' && res.status === 200) viewerCookie = await login();
          }
        }
      }
      if (caller === 'viewer' && JSON.stringify(await snapshot()) !== JSON.stringify(before))
        failures.push('the catalog or the active model changed during the anonymous and viewer walks');
    }
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(1000);
  });
});

describe('deny by default', () => {
  it('a route that declares no access stops the server at start', async () => {
    const config = configSchema.parse({ data: { dir: tempDir() } });
    const app = Fastify();
    installAccessControl(app, new Authenticator(config), config);
    app.get('/api/declared', access('viewer'), async () => ({}));
    app.get('/api/forgotten', async () => ({ secret: 1 }));
    const err = await app.ready().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BenchsightError);
    expect((err as BenchsightError).code).toBe('E_ROUTE_ACCESS');
    expect((err as BenchsightError).message).toContain('GET /api/forgotten');
    expect((err as BenchsightError).message).not.toContain('/api/declared');
    await app.close();
  });
});
