import { createHmac, randomUUID } from 'node:crypto';
import type { WebhookConfig } from '../config/integrations.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { OutboundEvent, WebhookStatus } from '../protocol.ts';

interface Delivery {
  /** Sent as X-Benchsight-Delivery, the same on every attempt: a receiver can drop repeats. */
  id: string;
  event: OutboundEvent['event'];
  body: string;
}

type Attempt = { ok: true } | { ok: false; retry: boolean; error: string };

/** The signature header's value: HMAC-SHA256 of the exact body bytes, hex. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** A hook's URL as the status, logs and metrics show it: no credentials, query or fragment. */
export function hookLabel(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

/**
 * One webhook: events it asked for wait in a bounded queue (the oldest dropped and counted when
 * full) and are POSTed one at a time, in order, signed. A 5xx answer, a network error or a timeout is
 * retried with exponential backoff; a 4xx answer is not (the receiver said no). A delivery that got a
 * 2xx is never sent again.
 */
export class Webhook {
  readonly #config: Readonly<WebhookConfig>;
  readonly #logger: Logger;
  readonly #status: WebhookStatus;
  readonly #queue: Delivery[] = [];
  readonly #stop = new AbortController();
  #running: Promise<void> | null = null;

  constructor(config: Readonly<WebhookConfig>, logger: Logger) {
    this.#config = config;
    this.#logger = logger;
    this.#status = {
      url: hookLabel(config.url),
      state: 'ok',
      delivered: 0,
      failures: 0,
      abandoned: 0,
      dropped: 0,
      queued: 0,
      lastError: null,
      lastErrorAt: null,
    };
  }

  status(): WebhookStatus {
    return { ...this.#status, queued: this.#queue.length };
  }

  /** Queues the event if the hook asked for it; returns at once. */
  send(event: OutboundEvent): void {
    if (this.#stop.signal.aborted || !this.#config.events.includes(event.event)) return;
    if (this.#queue.length >= this.#config.queueSize) {
      this.#queue.shift();
      this.#status.dropped++;
    }
    this.#queue.push({ id: randomUUID(), event: event.event, body: JSON.stringify(event) });
    this.#running ??= this.#drain();
  }

  /** Aborts the request in progress and drops what waits. */
  async stop(): Promise<void> {
    this.#stop.abort();
    this.#queue.length = 0;
    await this.#running;
  }

  async #drain(): Promise<void> {
    try {
      for (let d = this.#queue.shift(); d; d = this.#queue.shift()) await this.#deliver(d);
    } finally {
      this.#running = null;
    }
  }

  async #deliver(d: Delivery): Promise<void> {
    const c = this.#config;
    let wait = c.backoffInitialMs;
    for (let attempt = 0; ; attempt++) {
      if (this.#stop.signal.aborted) return;
      const result = await this.#post(d);
      if (result.ok) {
        this.#status.delivered++;
        this.#status.state = 'ok';
        return;
      }
      if (this.#stop.signal.aborted) return;
      this.#status.failures++;
      this.#status.state = 'failing';
      this.#status.lastError = result.error;
      this.#status.lastErrorAt = Date.now();
      if (!result.retry || attempt >= c.retries) {
        this.#status.abandoned++;
        this.#logger.warn(
          { webhook: this.#status.url, event: d.event, error: result.error, attempts: attempt + 1 },
          'webhook delivery given up',
        );
        return;
      }
      await sleep(wait, this.#stop.signal);
      wait = Math.min(wait * 2, c.backoffMaxMs);
    }
  }

  async #post(d: Delivery): Promise<Attempt> {
    const c = this.#config;
    try {
      const res = await fetch(c.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'benchsight',
          'x-benchsight-event': d.event,
          'x-benchsight-delivery': d.id,
          'x-benchsight-signature': signBody(c.secret, d.body),
        },
        body: d.body,
        redirect: 'manual',
        signal: AbortSignal.any([this.#stop.signal, AbortSignal.timeout(c.timeoutMs)]),
      });
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return { ok: true };
      if (res.status >= 500) return { ok: false, retry: true, error: `HTTP ${res.status}` };
      const hint = res.status >= 300 && res.status < 400 ? ' (a redirect: configure the final URL)' : '';
      return { ok: false, retry: false, error: `HTTP ${res.status}${hint}` };
    } catch (err) {
      const timedOut = err instanceof DOMException && err.name === 'TimeoutError';
      const cause = (err as { cause?: unknown }).cause;
      const error = timedOut
        ? `no answer within ${c.timeoutMs} ms`
        : cause
          ? `${errorMessage(err)}: ${errorMessage(cause)}`
          : errorMessage(err);
      return { ok: false, retry: true, error };
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
