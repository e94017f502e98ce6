import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Bus } from '../../src/bus.ts';
import { webhookSchema } from '../../src/config/integrations.ts';
import { Webhooks } from '../../src/webhooks/index.ts';

const SECRET = 'a-webhook-secret-of-32-characters';

/** What the receiver does with one request. */
type Behaviour = 'ok' | '503' | '400' | 'stall' | 'drop';

interface Received {
  delivery: string;
  event: string;
  signature: string;
  body: string;
  /** The answer it got (null: stalled or dropped, no answer). */
  answered: number | null;
}

/**
 * A local HTTP receiver that answers each request as its script says (then 200), records what it got,
 * and lets a test wait for the n-th request.
 */
class Receiver {
  readonly server: Server;
  readonly got: Received[] = [];
  readonly script: Behaviour[] = [];
  readonly #waiters: { n: number; resolve: () => void }[] = [];
  readonly #stalled: ServerResponse[] = [];

  constructor() {
    this.server = createServer((req, res) => this.#handle(req, res));
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const addr = this.server.address();
    return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/hook?token=abc`;
  }

  /** Resolves once `n` requests arrived in all. */
  requests(n: number): Promise<void> {
    if (this.got.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ n, resolve }));
  }

  async close(): Promise<void> {
    for (const res of this.#stalled) res.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const behaviour = this.script.shift() ?? 'ok';
      const r: Received = {
        delivery: String(req.headers['x-benchsight-delivery']),
        event: String(req.headers['x-benchsight-event']),
        signature: String(req.headers['x-benchsight-signature']),
        body: Buffer.concat(chunks).toString(),
        answered: null,
      };
      this.got.push(r);
      if (behaviour === 'stall') this.#stalled.push(res);
      else if (behaviour === 'drop') req.socket.destroy();
      else {
        r.answered = behaviour === 'ok' ? 200 : Number(behaviour);
        res.writeHead(r.answered).end();
      }
      for (const w of [...this.#waiters]) {
        if (this.got.length >= w.n) {
          this.#waiters.splice(this.#waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    });
  }
}

function cleared(at: number) {
  return { at, camera: 'bench-1', slot: 'left', previousBoardId: null, reason: 'empty' as const };
}

function verifies(r: Received): boolean {
  return r.signature === `sha256=${createHmac('sha256', SECRET).update(r.body).digest('hex')}`;
}

/** Resolves once `read` holds (delivery bookkeeping has no event to wait on: polled every 20 ms). */
async function until(read: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!read()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('webhooks against a local HTTP server that fails, stalls and recovers', () => {
  let receiver: Receiver;
  let url: string;
  let bus: Bus;
  let hooks: Webhooks | null = null;

  function startHooks(over: Record<string, unknown> = {}) {
    const config = webhookSchema.parse({
      url,
      secret: SECRET,
      timeoutMs: 5000,
      backoffInitialMs: 20,
      backoffMaxMs: 100,
      ...over,
    });
    hooks = new Webhooks([config], bus, pino({ level: 'silent' }));
    hooks.start();
    return hooks;
  }

  beforeEach(async () => {
    receiver = new Receiver();
    url = await receiver.listen();
    bus = new Bus();
  });

  afterEach(async () => {
    await hooks?.stop();
    hooks = null;
    await receiver.close();
  });

  it('signs every POST; 5xx, a dropped connection and a stall are retried; a success is never sent again', async () => {
    // the stall ends with the timeout; generous, so that no answered request runs into it on a busy machine
    const h = startHooks({ timeoutMs: 2000 });
    receiver.script.push('503', 'drop', 'stall', 'ok');
    bus.emit('cleared', cleared(1));
    await receiver.requests(4);
    bus.emit('cleared', cleared(2));
    await receiver.requests(5);
    await until(() => h.status()[0]!.delivered === 2, 'two deliveries');

    const got = receiver.got;
    expect(got.every(verifies)).toBe(true);
    expect(JSON.parse(got[0]!.body)).toEqual({ event: 'cleared', ...cleared(1) });
    expect(got[0]!.event).toBe('cleared');
    // the four attempts of the first event carry one delivery id; the next event has its own
    expect(new Set(got.slice(0, 4).map((r) => r.delivery)).size).toBe(1);
    expect(got[4]!.delivery).not.toBe(got[0]!.delivery);
    expect(JSON.parse(got[4]!.body).at).toBe(2);
    // once answered 2xx, a delivery id never comes again
    for (const [i, r] of got.entries()) {
      if (r.answered !== null && r.answered < 300) {
        expect(got.slice(i + 1).filter((later) => later.delivery === r.delivery)).toEqual([]);
      }
    }
    expect(h.status()[0]).toMatchObject({
      url: url.replace('?token=abc', ''),
      state: 'ok',
      delivered: 2,
      failures: 3,
      abandoned: 0,
      queued: 0,
    });
    expect(h.status()[0]!.lastError).toMatch(/no answer within 2000 ms/);
  });

  it('a 4xx is not retried; every retry failing gives up; events the hook did not ask for are not sent', async () => {
    const h = startHooks({ retries: 2, events: ['cleared'] });
    receiver.script.push('400', '503', '503', '503');
    bus.emit('camera', { at: 0, camera: 'bench-1', state: 'offline', reason: 'unplugged' });
    bus.emit('cleared', cleared(1));
    bus.emit('cleared', cleared(2));
    bus.emit('cleared', cleared(3));
    await receiver.requests(5);
    await until(() => h.status()[0]!.delivered === 1, 'the third event delivered');
    const ats = receiver.got.map((r) => JSON.parse(r.body).at);
    // 1: 400, given up at once; 2: 503 three times (1 + 2 retries), given up; 3: delivered
    expect(ats).toEqual([1, 2, 2, 2, 3]);
    expect(receiver.got.some((r) => r.event === 'camera')).toBe(false);
    expect(h.status()[0]).toMatchObject({ state: 'ok', delivered: 1, failures: 4, abandoned: 2 });
  });

  it('a stalled receiver: the queue is bounded, the oldest events are dropped and counted', async () => {
    const h = startHooks({ queueSize: 2, timeoutMs: 60_000 });
    receiver.script.push('stall');
    bus.emit('cleared', cleared(0));
    await receiver.requests(1);
    for (let i = 1; i <= 6; i++) bus.emit('cleared', cleared(i));
    expect(h.status()[0]).toMatchObject({ queued: 2, dropped: 4 });
  });
});
