import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/main.ts';
import { pattern, startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';

/** A PNG whose header claims width x height, with one row of real data: a decompression bomb. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1 + width * 3))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('bad input gets a clear 4xx, nothing is written, the daemon keeps running', () => {
  let daemon: Daemon;
  let url: string;
  let boardId: number;
  let good: Buffer;

  const fingerprint = async () => {
    const boards = (await (await fetch(`${url}/api/boards`)).json()).boards as {
      id: number;
      references: unknown[];
    }[];
    return JSON.stringify(boards.map((b) => [b.id, b.references.length]));
  };
  const upload = async (path: string, bytes: Uint8Array, name = 'x.jpg', type = 'image/jpeg') => {
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(bytes)], { type }), name);
    const res = await fetch(`${url}${path}`, { method: 'POST', body: form });
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    good = await pattern(71);
    const frames = tempDir('bs-bad-');
    writeFrames(frames, [good], 3);
    ({ daemon, url } = await startTestDaemon(frames, {
      server: { port: 0, maxUploadBytes: 2 * 1024 * 1024 },
    }));
    const created = await fetch(`${url}/api/boards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ vendor: 'Bitmain', model: 'S19', kind: 'hashboard' }),
    });
    boardId = (await created.json()).id;
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it('rejects corrupt, truncated, zero-byte, fake and huge images on upload and on /api/recognize', async () => {
    const before = await fingerprint();
    const truncated = good.subarray(0, Math.floor(good.length / 2));
    const corrupt = Buffer.from(good);
    corrupt.fill(0x55, 200, 2000);
    // a 30000 x 30000 PNG header: a few hundred bytes that would decode to 2.7 GB
    const bomb = pngHeaderOnly(30000, 30000);
    const cases: [string, Uint8Array, number, string][] = [
      ['zero bytes', new Uint8Array(0), 400, 'E_IMAGE_INVALID'],
      ['truncated JPEG', truncated, 400, 'E_IMAGE_INVALID'],
      ['text named .jpg', Buffer.from('#!/bin/sh\nrm -rf /\n'), 400, 'E_IMAGE_INVALID'],
      ['30000x30000 PNG', bomb, 413, 'E_IMAGE_TOO_LARGE'],
      ['oversized upload', Buffer.alloc(3 * 1024 * 1024, 1), 413, 'E_IMAGE_TOO_LARGE'],
    ];
    for (const [what, bytes, status, code] of cases) {
      for (const path of [`/api/boards/${boardId}/references`, '/api/recognize']) {
        const r = await upload(path, bytes);
        expect([what, path, r.status]).toEqual([what, path, status]);
        expect(r.body.error.code, what).toBe(code);
        expect(r.body.error.message.length, what).toBeGreaterThan(10);
      }
    }
    // a corrupt middle may still decode (JPEG is forgiving); it must never be a 5xx
    expect((await upload('/api/recognize', corrupt)).status).toBeLessThan(500);
    expect(await fingerprint()).toBe(before);
  });

  it('rejects malformed JSON, unknown fields, out-of-range and traversal parameters', async () => {
    const before = await fingerprint();
    const json = (method: string, path: string, body: string) =>
      fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json' }, body });
    const cases: [Promise<Response>, number][] = [
      [json('POST', '/api/boards', '{"vendor": "x", '), 400],
      [json('POST', '/api/boards', '{"vendor":"x","model":"y","kind":"psu","price":3}'), 400],
      [json('POST', '/api/boards', '{"vendor":"","model":"y","kind":"psu"}'), 400],
      [json('POST', '/api/boards', `{"vendor":"${'v'.repeat(5000)}","model":"y","kind":"psu"}`), 400],
      [json('POST', '/api/boards', '{"vendor":"x","model":"y","kind":"psu","chipCount":-4}'), 400],
      [json('PATCH', `/api/boards/${boardId}`, '{"kind":"toaster"}'), 400],
      [json('POST', `/api/boards/${boardId}/references`, '{"fromSlot":"../../etc"}'), 404],
      [json('POST', '/api/model/use', '{"name":"../../../etc/passwd"}'), 409],
      [fetch(`${url}/api/recognitions?limit=-1`), 400],
      [fetch(`${url}/api/recognitions?offset=abc`), 400],
      [fetch(`${url}/api/recognitions?board=1%20OR%201=1`), 400],
      [fetch(`${url}/api/recognitions?colour=red`), 400],
      [fetch(`${url}/api/boards/..%2F..%2Fetc%2Fpasswd`), 400],
      [fetch(`${url}/api/references/99999999999999999999/image.jpg`), 400],
      [fetch(`${url}/../../etc/passwd`), 404],
      [fetch(`${url}/%2e%2e/%2e%2e/etc/passwd`), 404],
    ];
    for (const [pending, status] of cases) {
      const res = await pending;
      expect(res.status, res.url).toBe(status);
      const body = await res.text();
      expect(body, res.url).not.toContain('root:x:0:0');
    }
    expect(await fingerprint()).toBe(before);
  });

  it('stores SQL-looking and path-looking names verbatim and finds them by search', async () => {
    const nasty = "'; DROP TABLE boards; -- ../../etc/passwd %_";
    const res = await fetch(`${url}/api/boards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ vendor: 'Evil', model: nasty, kind: 'other' }),
    });
    expect(res.status).toBe(201);
    const found = await (await fetch(`${url}/api/boards?search=${encodeURIComponent('DROP TABLE')}`)).json();
    expect(found.boards.map((b: { model: string }) => b.model)).toEqual([nasty]);
    const wildcard = await (await fetch(`${url}/api/boards?search=${encodeURIComponent('%_')}`)).json();
    expect(wildcard.boards).toHaveLength(1);
    expect((await (await fetch(`${url}/api/boards`)).json()).boards.length).toBe(2);
  });
});
