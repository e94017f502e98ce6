import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/main.ts';
import { hashPassword } from '../../src/server/auth.ts';
import { pattern, startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';
import { rawRequest } from '../helpers/http.ts';

const ADMIN_PW = 'admin-secret-42';
const VIEWER_PW = 'viewer-secret-42';
const ADMIN_TOKEN = 'tok-admin-0123456789abcdef0123';

async function authDaemon(auth: Record<string, unknown>) {
  const frames = tempDir('bs-login-');
  writeFrames(frames, [await pattern(31)], 2);
  return (
    await startTestDaemon(frames, {
      server: { port: 0 },
      auth: {
        required: true,
        users: [
          { name: 'boss', passwordHash: hashPassword(ADMIN_PW), role: 'admin' },
          { name: 'tech', passwordHash: hashPassword(VIEWER_PW), role: 'viewer' },
        ],
        tokens: [{ name: 'ci', token: ADMIN_TOKEN, role: 'admin' }],
        ...auth,
      },
    })
  ).daemon;
}

const loginFrom = (port: number, name: string, password: string, localAddress = '127.0.0.1') =>
  rawRequest(port, {
    method: 'POST',
    path: '/api/auth/login',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
    localAddress,
  }).then((r) => ({
    status: r.status,
    message: r.status === 200 ? '' : (JSON.parse(r.body).error.message as string),
    cookie: String(r.headers['set-cookie'] ?? '').split(';')[0]!,
  }));

function connect(port: number, headers: Record<string, string>): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = io(`http://127.0.0.1:${port}`, {
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: headers,
    });
    s.once('snapshot', () => resolve(s));
    s.once('connect_error', (e) => {
      s.close();
      reject(e);
    });
  });
}

describe('logins under attack', () => {
  let daemon: Daemon;
  let port: number;

  beforeAll(async () => {
    daemon = await authDaemon({ maxFailures: 5, maxTrackedLogins: 20, floodLoginsPerSecond: 2 });
    port = daemon.port;
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it('a locked account stays locked through a flood of new names from new addresses', async () => {
    for (let i = 0; i < 5; i++)
      expect((await loginFrom(port, 'boss', `guess-${i}`, '127.3.0.1')).status).toBe(401);
    const locked = await loginFrom(port, 'boss', ADMIN_PW, '127.3.0.2');
    expect(locked.status).toBe(429);
    expect(locked.message).toContain('too many failed logins');

    // 120 failed logins, each a new user name from a new address: 240 keys, 12 times what the daemon keeps
    const statuses = new Map<number, number>();
    let floodMessage = '';
    for (let batch = 0; batch < 12; batch++) {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          loginFrom(port, `nobody-${batch}-${i}`, 'wrong-password', `127.1.${batch}.${i + 1}`),
        ),
      );
      for (const r of results) {
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.status === 429) floodMessage = r.message;
      }
    }
    // the daemon noticed the flood and slowed every login down rather than forgetting what it counted
    expect(statuses.get(401)).toBeGreaterThan(0);
    expect(statuses.get(429)).toBeGreaterThan(0);
    expect(floodMessage).toContain('too many login attempts');

    const still = await loginFrom(port, 'boss', ADMIN_PW, '127.3.0.3');
    expect(still.status).toBe(429);
    expect(still.message).toContain('too many failed logins');

    // someone with the right password gets in once the flood's rate allows (2 logins a second)
    let tech = await loginFrom(port, 'tech', VIEWER_PW, '127.4.0.1');
    for (let i = 0; i < 40 && tech.status === 429; i++) {
      await new Promise((r) => setTimeout(r, 500));
      tech = await loginFrom(port, 'tech', VIEWER_PW, '127.4.0.1');
    }
    expect(tech.status).toBe(200);
  }, 120_000);
});

describe('password checks', () => {
  it('leave the event loop free: /healthz answers while 20 logins are being checked', async () => {
    const daemon = await authDaemon({});
    const port = daemon.port;
    const done: string[] = [];
    const logins = Array.from({ length: 20 }, (_, i) =>
      loginFrom(port, 'tech', `wrong-${i}`, `127.5.0.${i + 1}`).then(() => done.push('login')),
    );
    const health = rawRequest(port, { path: '/healthz' }).then((r) => {
      expect(r.status).toBe(200);
      done.push('healthz');
    });
    await Promise.all([...logins, health]);
    // with scrypt on the main thread, /healthz waited behind every login checked before it
    expect(done.indexOf('healthz')).toBeLessThan(done.length - 5);
    await daemon.stop();
  });
});

describe("a session's socket.io connections end with the session", () => {
  it('logout closes the sockets of that session, not those of others', async () => {
    const daemon = await authDaemon({});
    const port = daemon.port;
    try {
      const tech = await loginFrom(port, 'tech', VIEWER_PW);
      const other = await loginFrom(port, 'tech', VIEWER_PW);
      const sockets = await Promise.all([
        connect(port, { cookie: tech.cookie }),
        connect(port, { cookie: tech.cookie }),
        connect(port, { cookie: other.cookie }),
        connect(port, { authorization: `Bearer ${ADMIN_TOKEN}` }),
      ]);
      const closed = sockets
        .slice(0, 2)
        .map((s) => new Promise<string>((resolve) => s.once('disconnect', (reason) => resolve(reason))));
      const out = await rawRequest(port, {
        method: 'POST',
        path: '/api/auth/logout',
        headers: { cookie: tech.cookie },
      });
      expect(out.status).toBe(200);
      expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect']);
      // the other session and the token are still live: they answer a round trip
      for (const s of sockets.slice(2)) {
        expect(s.connected).toBe(true);
        await new Promise<void>((resolve) => s.once('status', () => resolve()));
      }
      await expect(connect(port, { cookie: tech.cookie })).rejects.toThrow();
      for (const s of sockets) s.close();
    } finally {
      await daemon.stop();
    }
  });

  it('expiry closes them too, and the cookie no longer works over HTTP', async () => {
    // sessions of 1.8 s
    const daemon = await authDaemon({ sessionHours: 0.0005 });
    const port = daemon.port;
    try {
      const tech = await loginFrom(port, 'tech', VIEWER_PW);
      const socket = await connect(port, { cookie: tech.cookie });
      const reason = await new Promise<string>((resolve) => socket.once('disconnect', resolve));
      expect(reason).toBe('io server disconnect');
      const res = await rawRequest(port, { path: '/api/status', headers: { cookie: tech.cookie } });
      expect(res.status).toBe(401);
      socket.close();
    } finally {
      await daemon.stop();
    }
  });
});
