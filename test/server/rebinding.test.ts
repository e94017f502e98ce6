import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/main.ts';
import { pattern, startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';
import { rawRequest } from '../helpers/http.ts';

/**
 * The default daemon: loopback, no login (whoever reaches 127.0.0.1 owns the box). What protects it
 * from a web page open in the bench box's browser is the Host and Origin checks, decided on the
 * route the router matched.
 */
describe('a loopback daemon refuses web pages of other sites, however the path is spelled', () => {
  let daemon: Daemon;
  let port: number;
  let image: Buffer;
  const boards = async () =>
    (
      (await (await fetch(`http://127.0.0.1:${port}/api/boards`)).json()) as {
        boards: { references: unknown[] }[];
      }
    ).boards;

  beforeAll(async () => {
    const frames = tempDir('bs-rebind-');
    writeFrames(frames, [await pattern(21)], 2);
    daemon = (await startTestDaemon(frames, { server: { port: 0, allowedHosts: ['Bench-3.Workshop.lan'] } }))
      .daemon;
    port = daemon.port;
    image = await pattern(22);
    const created = await fetch(`http://127.0.0.1:${port}/api/boards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ vendor: 'Bitmain', model: 'S19 rebind', kind: 'hashboard' }),
    });
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it("a cross-origin no-cors POST to /%61pi/... is refused like one to /api/... (the issue's attack)", async () => {
    const form = `--x\r\nContent-Disposition: form-data; name="image"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`;
    const body = Buffer.concat([Buffer.from(form), image, Buffer.from('\r\n--x--\r\n')]);
    for (const path of [
      '/api/boards/1/references',
      '/%61pi/boards/1/references',
      '/%61%70%69/boards/1/references',
    ]) {
      const res = await rawRequest(port, {
        method: 'POST',
        path,
        headers: {
          host: `127.0.0.1:${port}`,
          origin: 'http://evil.example',
          'content-type': 'multipart/form-data; boundary=x',
        },
        body,
      });
      expect(res.status, path).toBe(403);
      expect(JSON.parse(res.body).error.code).toBe('E_FORBIDDEN');
    }
    for (const [method, path, json] of [
      ['POST', '/%61pi/boards', '{"vendor":"x","model":"y","kind":"psu"}'],
      ['DELETE', '/%61pi/boards/1', undefined],
      ['POST', '/%61pi/model/use', '{"name":"benchsight-tiny"}'],
    ] as const) {
      const res = await rawRequest(port, {
        method,
        path,
        headers: { host: `127.0.0.1:${port}`, origin: 'http://evil.example', 'content-type': 'text/plain' },
        ...(json ? { body: json } : {}),
      });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    const left = await boards();
    expect(left).toHaveLength(1);
    expect(left[0]!.references).toHaveLength(0);
  });

  it('DNS rebinding: a Host the daemon is not reached by is refused, even with a matching Origin', async () => {
    const evil = `rebind.evil.example:${port}`;
    for (const [method, path] of [
      ['POST', '/api/boards'],
      ['GET', '/api/boards'],
      ['GET', '/metrics'],
      ['GET', '/'],
      ['GET', '/healthz'],
      ['GET', '/no/such/route'],
    ] as const) {
      const res = await rawRequest(port, {
        method,
        path,
        headers: { host: evil, origin: `http://${evil}`, 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: '{"vendor":"Evil","model":"Rebound","kind":"psu"}' } : {}),
      });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(JSON.parse(res.body).error.message).toContain('server.allowedHosts');
    }
    expect(await boards()).toHaveLength(1);
    // socket.io's handshake (engine.io answers it before the HTTP router): no Origin, only the Host
    const handshake = (host: string) =>
      rawRequest(port, { path: '/socket.io/?EIO=4&transport=polling', headers: { host } });
    expect((await handshake(`127.0.0.1:${port}`)).status).toBe(200);
    expect((await handshake(evil)).status).toBe(403);
  });

  it('answers the names it is reached by: localhost, loopback addresses, server.allowedHosts', async () => {
    for (const host of [
      `localhost:${port}`,
      `127.0.0.1:${port}`,
      `127.0.0.2:${port}`,
      `[::1]:${port}`,
      'bench-3.workshop.lan',
    ]) {
      const res = await rawRequest(port, { path: '/api/status', headers: { host } });
      expect(res.status, host).toBe(200);
    }
    for (const host of [
      '127.0.0.1.evil.example',
      'bench-3.workshop.lan.evil.example',
      'localhost.evil.example',
    ]) {
      expect((await rawRequest(port, { path: '/api/status', headers: { host } })).status, host).toBe(403);
    }
  });

  it('paths outside the dashboard are not found, with a not-found code, and show no file', async () => {
    for (const path of [
      '/..%2f..%2fetc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/../../etc/passwd',
      '/assets/..%2f..%2fpackage.json',
    ]) {
      const res = await rawRequest(port, { path, headers: { host: `127.0.0.1:${port}` } });
      expect(res.status, path).toBe(404);
      expect(JSON.parse(res.body).error.code).toBe('E_NOT_FOUND');
      expect(res.body).not.toContain('root:');
      expect(res.body).not.toContain('"dependencies"');
    }
    const page = await rawRequest(port, { path: '/', headers: { host: `127.0.0.1:${port}` } });
    expect(page.status).toBe(200);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });
});
