import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/main.ts';
import { pattern, startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';

/** Deterministic PRNG so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!,
  };
}

const NASTY = [
  '',
  '../../etc/passwd',
  "' OR 1=1 --",
  '%00',
  '\u0000',
  '💥',
  'a'.repeat(3000),
  '-1',
  '1e309',
  'NaN',
  '{}',
  '[]',
];

function mutate(bytes: Buffer, r: ReturnType<typeof rng>): Buffer {
  const out = Buffer.from(bytes.subarray(0, r.next() < 0.3 ? r.int(bytes.length) : bytes.length));
  const flips = r.int(20);
  for (let i = 0; i < flips && out.length; i++) out[r.int(out.length)] = r.int(256);
  return out;
}

describe('fuzz: thousands of random and mutated requests and frames', () => {
  let daemon: Daemon;
  let url: string;
  let good: Buffer;

  beforeAll(async () => {
    good = await pattern(81);
    const frames = tempDir('bs-fuzz-');
    const r = rng(7);
    // a camera that sends mutated frames among good ones
    writeFrames(frames, [good, ...Array.from({ length: 8 }, () => mutate(good, r))], 1);
    ({ daemon, url } = await startTestDaemon(frames, {
      camera: { source: { kind: 'folder', path: frames, fps: 30 } },
      gate: { enabled: false },
    }));
    const res = await fetch(`${url}/api/boards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ vendor: 'Bitmain', model: 'S19', kind: 'hashboard' }),
    });
    const board = await res.json();
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(good)]), 'ref.jpg');
    await fetch(`${url}/api/boards/${board.id}/references`, { method: 'POST', body: form });
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it('answers every request below 500, never writes, and stays healthy', async () => {
    const snapshot = async () => JSON.stringify((await (await fetch(`${url}/api/boards`)).json()).boards);
    const before = await snapshot();
    const r = rng(1234);
    const ids = ['1', '999999', ...NASTY.map(encodeURIComponent)];
    const paths = [
      () => `/api/boards/${r.pick(ids)}`,
      () => `/api/boards/${r.pick(ids)}/references`,
      () => `/api/references/${r.pick(ids)}`,
      () => `/api/references/${r.pick(ids)}/${r.pick(['image.jpg', 'thumbnail.jpg', '..'])}`,
      () =>
        `/api/recognitions?${r.pick(['board', 'limit', 'offset', 'from', 'to', 'format', 'x'])}=${encodeURIComponent(r.pick(NASTY))}`,
      () => `/api/recognitions/${r.pick(ids)}/thumbnail.jpg`,
      () => '/api/recognize',
      () => '/api/model/use',
      () => `/${encodeURIComponent(r.pick(NASTY))}`,
    ];
    // every body is broken in at least one way, so no request may create or change anything
    const bodies = [
      () => JSON.stringify({ vendor: r.pick(NASTY), model: 'm', kind: r.pick(['toaster', 7, null]) }),
      () =>
        JSON.stringify({ vendor: 'v', model: 'm', kind: 'psu', [r.pick(['price', 'id', '__proto__x'])]: 1 }),
      () => JSON.stringify({ fromSlot: r.pick(NASTY) }),
      () => JSON.stringify({ name: r.pick(NASTY) }),
      () => `{"vendor": ${r.pick(NASTY)}`,
      () => r.pick(NASTY),
    ];
    const statuses = new Map<number, number>();
    const N = 2000;
    for (let batch = 0; batch < N / 20; batch++) {
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          const method = r.pick(['GET', 'POST', 'PATCH', 'DELETE', 'PUT'] as const);
          const path = r.pick(paths)();
          let init: RequestInit = { method };
          if (method === 'POST' || method === 'PATCH' || method === 'PUT') {
            if (r.next() < 0.35) {
              const form = new FormData();
              form.append(
                r.pick(['image', 'file', 'x']),
                new Blob([new Uint8Array(mutate(good, r))]),
                r.pick(NASTY) || 'f.jpg',
              );
              if (!path.startsWith('/api/recognize') && !path.endsWith('/references'))
                init = { method, body: form };
              else init = { method: 'POST', body: form };
              if (path.endsWith('/references')) init = { method: 'PUT', body: form };
            } else {
              init = {
                method,
                headers: {
                  'content-type': r.pick([
                    'application/json',
                    'text/plain',
                    'application/x-www-form-urlencoded',
                  ]),
                },
                body: r.pick(bodies)(),
              };
            }
          } else if (method === 'DELETE' && /\/1(\/|$)/.test(path)) {
            init = { method: 'GET' }; // deleting the real board or reference would be a legitimate write
          }
          const res = await fetch(`${url}${path}`, init);
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          expect(res.status, `${init.method} ${path}`).toBeLessThan(500);
          if (init.method !== 'GET' && init.method !== 'PUT' && path !== '/api/recognize') {
            expect(res.status, `${init.method} ${path}`).toBeGreaterThanOrEqual(400);
          }
        }),
      );
    }
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(N);
    expect(await snapshot()).toBe(before);
    const status = await (await fetch(`${url}/api/status`)).json();
    expect(status.camera.state).toBe('online');
    const encoded = status.frames.encoded;
    await new Promise((res) => setTimeout(res, 500));
    expect((await (await fetch(`${url}/api/status`)).json()).frames.encoded).toBeGreaterThan(encoded);
    expect(daemon.catalog!.integrityCheck()).toBe('ok');
  }, 120_000);
});
