import { Writable } from 'node:stream';
import { pino } from 'pino';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { configSchema } from '../../src/config/schema.ts';
import { Daemon } from '../../src/main.ts';
import { hashPassword } from '../../src/server/auth.ts';
import { pattern, TINY_MODEL, tempDir, writeFrames } from '../helpers/daemon.ts';

const ADMIN_PW = 'admin-secret-42';
const VIEWER_PW = 'viewer-secret-42';
const ADMIN_TOKEN = 'tok-admin-0123456789abcdef0123';
const VIEWER_TOKEN = 'tok-view-0123456789abcdef01234';

describe('access control', () => {
  let daemon: Daemon;
  let url: string;
  let logs = '';

  const login = async (name: string, password: string) => {
    const res = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, password }),
    });
    return { status: res.status, cookie: res.headers.get('set-cookie')?.split(';')[0] ?? '' };
  };
  const createBoard = (headers: Record<string, string>) =>
    fetch(`${url}/api/boards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ vendor: 'Bitmain', model: `S19 ${Math.random()}`, kind: 'hashboard' }),
    });

  beforeAll(async () => {
    const frames = tempDir('bs-auth-');
    writeFrames(frames, [await pattern(5)], 2);
    const config = configSchema.parse({
      camera: { source: { kind: 'folder', path: frames } },
      model: { name: TINY_MODEL },
      server: { host: '0.0.0.0', port: 0 },
      data: { dir: tempDir('bs-auth-data-') },
      auth: {
        users: [
          { name: 'boss', passwordHash: hashPassword(ADMIN_PW), role: 'admin' },
          { name: 'tech', passwordHash: hashPassword(VIEWER_PW), role: 'viewer' },
        ],
        tokens: [
          { name: 'ci', token: ADMIN_TOKEN, role: 'admin' },
          { name: 'grafana', token: VIEWER_TOKEN, role: 'viewer' },
        ],
        maxFailures: 5,
      },
      log: { level: 'debug' },
    });
    const sink = new Writable({
      write(chunk, _enc, cb) {
        logs += chunk.toString();
        cb();
      },
    });
    daemon = new Daemon(config, { logger: pino({ level: 'debug' }, sink) });
    await daemon.start();
    url = `http://127.0.0.1:${daemon.port}`;
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it('refuses to bind beyond loopback without users or tokens', () => {
    expect(() => loadConfig({ env: { BENCHSIGHT_HOST: '0.0.0.0' } })).toThrow(/auth.*exposes the bench/s);
  });

  it('asks for credentials: 401 on data, a redirect to /login for the page, health stays open', async () => {
    expect((await fetch(`${url}/api/status`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    const page = await fetch(`${url}/`, { redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/login');
    expect(await (await fetch(`${url}/login`)).text()).toContain('<div id="login">');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('sessions: a viewer reads but cannot change the catalog; an admin can; logout ends the session', async () => {
    const viewer = await login('tech', VIEWER_PW);
    expect(viewer.status).toBe(200);
    expect(viewer.cookie).toMatch(/^bs_session=/);
    expect((await fetch(`${url}/api/boards`, { headers: { cookie: viewer.cookie } })).status).toBe(200);
    const denied = await createBoard({ cookie: viewer.cookie });
    expect(denied.status).toBe(403);
    expect((await denied.json()).error.message).toContain('admin role');
    const admin = await login('boss', ADMIN_PW);
    expect((await createBoard({ cookie: admin.cookie })).status).toBe(201);
    await fetch(`${url}/api/auth/logout`, { method: 'POST', headers: { cookie: admin.cookie } });
    expect((await fetch(`${url}/api/boards`, { headers: { cookie: admin.cookie } })).status).toBe(401);
  });

  it('tokens: viewer and admin roles, a wrong token is refused', async () => {
    expect((await createBoard({ authorization: `Bearer ${VIEWER_TOKEN}` })).status).toBe(403);
    expect((await createBoard({ authorization: `Bearer ${ADMIN_TOKEN}` })).status).toBe(201);
    expect(
      (await fetch(`${url}/api/status`, { headers: { authorization: 'Bearer nope-nope-nope-nope-nope' } }))
        .status,
    ).toBe(401);
  });

  it('socket.io: the handshake needs a session, and must come from our own origin', async () => {
    const attempt = (extraHeaders: Record<string, string>) =>
      new Promise<string>((resolve) => {
        const s = io(url, { transports: ['websocket'], reconnection: false, extraHeaders });
        s.once('snapshot', () => {
          s.close();
          resolve('snapshot');
        });
        s.once('connect_error', (e) => {
          s.close();
          resolve(`refused: ${e.message}`);
        });
      });
    expect(await attempt({})).toMatch(/^refused/);
    const viewer = await login('tech', VIEWER_PW);
    expect(await attempt({ cookie: viewer.cookie })).toBe('snapshot');
    expect(await attempt({ cookie: viewer.cookie, origin: 'http://evil.example' })).toMatch(/^refused/);
  });

  it('CORS is closed: a cross-origin call is refused and gets no allow-origin header', async () => {
    const res = await fetch(`${url}/api/boards`, {
      headers: { origin: 'http://evil.example', authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('locks out brute force: after 5 failures even the right password is refused for a while', async () => {
    for (let i = 0; i < 5; i++) expect((await login('boss', `guess-${i}`)).status).toBe(401);
    const locked = await login('boss', ADMIN_PW);
    expect(locked.status).toBe(429);
  });

  it('never writes a password, token or session id to the log', () => {
    expect(logs).toContain('login refused');
    for (const secret of [ADMIN_PW, VIEWER_PW, ADMIN_TOKEN, VIEWER_TOKEN, 'bs_session=']) {
      expect(logs).not.toContain(secret);
    }
  });
});
