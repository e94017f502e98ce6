import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Bus } from '../bus.ts';
import type { MqttConfig } from '../config/integrations.ts';
import { BenchsightError, errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { MqttState, MqttStatus, OutboundEvent } from '../protocol.ts';
import { BenchState, type CameraView } from './bench-state.ts';
import { Outbox, type Outgoing } from './outbox.ts';
import { discoveryConfigs, discoveryFilter, type Topics, topics } from './topics.ts';

const BACKOFF_INITIAL_MS = 500;
const BACKOFF_MAX_MS = 30_000;
/** Messages handed to the client and not yet acknowledged: bounds what a slow broker can pile up. */
const MAX_IN_FLIGHT = 50;
/** How often the cameras' health is checked (a change is published at once). */
const CAMERA_CHECK_MS = 5000;
/** How often the camera status is published even when unchanged (its fps). */
const CAMERA_REFRESH_MS = 60_000;

export interface MqttPublisherOptions {
  config: Readonly<MqttConfig>;
  bus: Bus;
  logger: Logger;
  /** Every camera the daemon watches, with its status and slots, now. */
  cameras: () => CameraView[];
}

/** The broker URL as shown in the status and logs: no credentials. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}

/**
 * Publishes what the benches see to an MQTT broker (and Home Assistant discovery), off the frame
 * loop: bus listeners only record what changed; a broker that is down, refuses the login or drops
 * the connection costs recognition nothing. Reconnects with exponential backoff; retained state goes
 * out again on every connection; events wait in a bounded queue.
 */
export class MqttPublisher {
  readonly #o: MqttPublisherOptions;
  readonly #topics: Topics;
  readonly #outbox: Outbox;
  readonly #state = new BenchState();
  readonly #inFlight = new Map<number, Outgoing>();
  readonly #status: MqttStatus;
  #discovery = new Map<string, string>();
  #client: MqttClient | null = null;
  /** Bumped when a connection ends: acknowledgements of an older connection are ignored. */
  #generation = 0;
  #seq = 0;
  #backoff = BACKOFF_INITIAL_MS;
  #refusal: string | null = null;
  #lastError: string | null = null;
  #retryTimer: NodeJS.Timeout | null = null;
  #cameraTimer: NodeJS.Timeout | null = null;
  #offs: (() => void)[] = [];
  #stopping = false;

  constructor(opts: MqttPublisherOptions) {
    this.#o = opts;
    this.#topics = topics(opts.config.topicPrefix);
    this.#outbox = new Outbox(opts.config.queueSize);
    this.#status = {
      url: safeUrl(opts.config.url),
      state: 'connecting',
      reason: null,
      since: Date.now(),
      connects: 0,
      attempts: 0,
      retryInMs: null,
      published: 0,
      queued: 0,
      dropped: 0,
    };
  }

  status(): MqttStatus {
    return { ...this.#status, queued: this.#outbox.queued, dropped: this.#outbox.dropped };
  }

  /** Returns at once: the first connection is made in the background. */
  start(): void {
    const { config, bus } = this.#o;
    this.#stopping = false;
    // first, so that unreadable TLS files stop the start before anything is subscribed
    const options = this.#clientOptions();
    const t = this.#topics;
    this.#outbox.retain(t.availability, 'online');
    const cameras = this.#o.cameras();
    if (config.discovery) {
      const ids = cameras.map((c) => ({ id: c.id, slots: c.slots.map((s) => s.slot) }));
      this.#discovery = discoveryConfigs({ topics: t, discoveryPrefix: config.discoveryPrefix }, ids);
      for (const [topic, payload] of this.#discovery) this.#outbox.retain(topic, payload);
    }
    for (const camera of cameras) {
      for (const view of camera.slots) this.#retainSlot(this.#state.slot(view));
    }
    this.#checkCameras(true);
    this.#offs = [
      bus.on('slot', (view) => this.#retainSlot(this.#state.slot(view))),
      bus.onOutbound((e) => this.#onEvent(e)),
    ];
    let sinceRefresh = 0;
    this.#cameraTimer = setInterval(() => {
      sinceRefresh += CAMERA_CHECK_MS;
      const force = sinceRefresh >= CAMERA_REFRESH_MS;
      if (force) sinceRefresh = 0;
      this.#checkCameras(force);
    }, CAMERA_CHECK_MS);
    this.#cameraTimer.unref();
    this.#client = connect(config.url, options);
    this.#attach(this.#client);
  }

  /** Says `offline` (retained) when connected, then disconnects; never waits long on a broker. */
  async stop(): Promise<void> {
    this.#stopping = true;
    for (const off of this.#offs) off();
    this.#offs = [];
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    if (this.#cameraTimer) clearInterval(this.#cameraTimer);
    this.#retryTimer = null;
    this.#cameraTimer = null;
    const client = this.#client;
    this.#client = null;
    if (client) {
      if (client.connected) {
        await within(
          1000,
          client.publishAsync(this.#topics.availability, 'offline', { qos: 1, retain: true }),
        );
      }
      await within(1000, client.endAsync(false));
      if (!client.disconnected) await within(1000, client.endAsync(true));
    }
    this.#setState('stopped', null);
  }

  #clientOptions(): IClientOptions {
    const { config } = this.#o;
    const read = (path: string | undefined) => {
      if (path === undefined) return undefined;
      try {
        return readFileSync(path);
      } catch (err) {
        throw new BenchsightError(
          'E_CONFIG',
          `mqtt: cannot read ${path} (${errorMessage(err)}): check mqtt.ca, mqtt.cert and mqtt.key`,
        );
      }
    };
    return {
      clientId:
        config.clientId ??
        `benchsight-${hostname().replace(/[^A-Za-z0-9_-]/g, '')}-${randomBytes(3).toString('hex')}`,
      ...(config.username !== undefined ? { username: config.username } : {}),
      ...(config.password !== undefined ? { password: config.password } : {}),
      clean: true,
      keepalive: 30,
      connectTimeout: 10_000,
      // our own backoff (below) decides when to try again
      reconnectPeriod: 0,
      resubscribe: false,
      queueQoSZero: false,
      will: { topic: this.#topics.availability, payload: Buffer.from('offline'), qos: 1, retain: true },
      ...(config.ca !== undefined ? { ca: read(config.ca) } : {}),
      ...(config.cert !== undefined ? { cert: read(config.cert), key: read(config.key) } : {}),
    };
  }

  #attach(client: MqttClient): void {
    const { config, logger } = this.#o;
    client.on('connect', () => {
      this.#backoff = BACKOFF_INITIAL_MS;
      this.#refusal = null;
      this.#lastError = null;
      this.#status.connects++;
      this.#status.attempts = 0;
      this.#status.retryInMs = null;
      this.#setState('connected', null);
      if (config.discovery) {
        client.subscribe(
          [
            discoveryFilter({ topics: this.#topics, discoveryPrefix: config.discoveryPrefix }),
            `${config.discoveryPrefix}/status`,
          ],
          { qos: 1 },
        );
      }
      this.#outbox.resendRetained();
      this.#pump();
    });
    client.on('message', (topic, payload) => this.#onMessage(topic, payload));
    client.on('error', (err) => {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'number' && (code === 4 || code === 5 || code === 134 || code === 135)) {
        this.#refusal = `the broker refused the login (${err.message}): check mqtt.username and mqtt.password (or BENCHSIGHT_MQTT_PASSWORD)`;
      } else if (typeof code === 'number') {
        this.#refusal = `the broker refused the connection (${err.message}): check mqtt.clientId and the broker's access rules`;
      } else {
        this.#lastError = errorMessage(err);
      }
    });
    client.on('close', () => this.#onClose(logger));
  }

  #onClose(logger: Logger): void {
    this.#generation++;
    if (this.#inFlight.size > 0) this.#outbox.requeue([...this.#inFlight.values()]);
    this.#inFlight.clear();
    if (this.#stopping) return;
    const wasConnected = this.#status.state === 'connected';
    this.#status.attempts++;
    if (this.#refusal) {
      this.#setState('refused', this.#refusal);
    } else {
      const why =
        this.#lastError ?? (wasConnected ? 'the broker closed the connection' : 'no answer from the broker');
      this.#setState('connecting', wasConnected ? `connection lost: ${why}` : `broker unreachable: ${why}`);
    }
    this.#lastError = null;
    if (wasConnected)
      logger.warn(
        { broker: this.#status.url, reason: this.#status.reason },
        'MQTT connection lost; reconnecting',
      );
    if (this.#retryTimer) return;
    const delay = this.#backoff;
    this.#backoff = Math.min(this.#backoff * 2, BACKOFF_MAX_MS);
    this.#status.retryInMs = delay;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.#status.retryInMs = null;
      if (!this.#stopping) this.#client?.reconnect();
    }, delay);
  }

  #setState(state: MqttState, reason: string | null): void {
    const s = this.#status;
    if (s.state === state && s.reason === reason) return;
    const logger = this.#o.logger;
    if (state === 'connected') logger.info({ broker: s.url }, 'MQTT connected');
    else if (state === 'refused' && s.state !== 'refused')
      logger.error({ broker: s.url, reason }, 'MQTT login refused');
    else if (state === 'connecting' && s.state !== 'connecting' && s.state !== 'connected')
      logger.warn({ broker: s.url, reason }, 'MQTT broker unreachable');
    Object.assign(s, { state, reason, since: Date.now() });
  }

  /** Sends what waits, MAX_IN_FLIGHT at a time, while connected. */
  #pump(): void {
    const client = this.#client;
    if (!client?.connected || this.#stopping) return;
    while (this.#inFlight.size < MAX_IN_FLIGHT) {
      const message = this.#outbox.next();
      if (!message) return;
      const id = ++this.#seq;
      const generation = this.#generation;
      this.#inFlight.set(id, message);
      client.publish(message.topic, message.payload, { qos: 1, retain: message.retain }, (err) => {
        if (generation !== this.#generation) return;
        this.#inFlight.delete(id);
        if (err) {
          this.#outbox.requeue([message]);
          return;
        }
        this.#status.published++;
        this.#outbox.sent(message);
        this.#pump();
      });
    }
  }

  #onMessage(topic: string, payload: Buffer): void {
    const { discoveryPrefix } = this.#o.config;
    if (topic === `${discoveryPrefix}/status`) {
      // Home Assistant restarted: it wants the discovery configs and states again
      if (payload.toString() === 'online') this.#outbox.resendRetained();
    } else if (payload.length > 0 && !this.#discovery.has(topic)) {
      // an entity this daemon published before (a slot or camera since removed from the config)
      this.#outbox.retain(topic, '');
    }
    this.#pump();
  }

  #onEvent(e: OutboundEvent): void {
    const s = this.#state;
    if (e.event === 'recognized') this.#retainSlot(s.recognized(e.camera, e.slot, e.recognitionId, e.at));
    else if (e.event === 'cleared') s.cleared(e.camera, e.slot);
    else if (e.event === 'ocr') this.#retainSlot(s.ocr(e));
    else if (e.event === 'unit') this.#retainSlot(s.unit(e));
    else if (e.event === 'inspected') this.#retainSlot(s.inspected(e));
    this.#outbox.event(this.#topics.events, JSON.stringify(e));
    if (e.event === 'camera' || e.event === 'ocr') this.#checkCameras(e.event === 'camera');
    this.#pump();
  }

  #retainSlot(message: ReturnType<BenchState['slot']>): void {
    if (!message) return;
    this.#outbox.retain(this.#topics.slotState(message.camera, message.slot), JSON.stringify(message));
    this.#pump();
  }

  #checkCameras(force: boolean): void {
    for (const camera of this.#o.cameras()) {
      const message = this.#state.camera(camera, force);
      if (message) this.#outbox.retain(this.#topics.cameraStatus(camera.id), JSON.stringify(message));
    }
    this.#pump();
  }
}

/** Waits for `p`, at most `ms`; a rejection counts as done. */
async function within(ms: number, p: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
