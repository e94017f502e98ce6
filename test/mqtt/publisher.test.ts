import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Bus } from '../../src/bus.ts';
import { mqttSchema } from '../../src/config/integrations.ts';
import type { CameraView } from '../../src/mqtt/bench-state.ts';
import { MqttPublisher } from '../../src/mqtt/publisher.ts';
import type { BoardInfo, SlotView } from '../../src/protocol.ts';
import { tempDir } from '../helpers/daemon.ts';
import { Broker, clientTls, freePort, makeCertificates, Subscriber } from '../helpers/mosquitto.ts';

const silent = pino({ level: 'silent' });
const BOARD: BoardInfo = {
  id: 7,
  vendor: 'Bitmain',
  model: 'S19j Pro hashboard',
  kind: 'hashboard',
  chipType: 'BM1362',
  chipCount: 126,
  notes: '',
  tags: [],
};

function slotView(slot: string, over: Partial<SlotView> = {}): SlotView {
  return {
    camera: 'bench-1',
    slot,
    rect: { x: 0, y: 0, width: 0.5, height: 1 },
    state: 'pending',
    board: null,
    source: 'vision',
    score: 0,
    margin: 0,
    candidates: [],
    since: 1000,
    verified: false,
    inliers: null,
    outline: null,
    ...over,
  };
}

/** One camera with two slots, as the pipeline would describe it. */
function benchCamera(): CameraView {
  return {
    id: 'bench-1',
    camera: {
      id: 'bench-1',
      kind: 'folder',
      state: 'online',
      reason: null,
      since: 1,
      retries: 0,
      suspect: null,
    },
    fps: { captured: 5, encoded: 5 },
    slots: [slotView('left'), slotView('right')],
  };
}

/** A publisher fed by hand through the bus (the slot's owner and camera would emit these). */
function publisher(url: string, over: Record<string, unknown> = {}) {
  const bus = new Bus();
  const camera = benchCamera();
  const config = mqttSchema.parse({ url, ...over });
  const p = new MqttPublisher({ config, bus, logger: silent, cameras: () => [camera] });
  return { bus, p, camera };
}

/** Resolves once `read` holds (the publisher's status has no events to wait on: polled every 20 ms). */
async function until(read: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!read()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('MQTT publisher against a real mosquitto (driven through the bus, MQTT.js subscriber)', () => {
  let broker: Broker;
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    broker = new Broker(tempDir('bs-mqtt-'));
    await broker.start();
  });

  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });

  afterAll(async () => {
    await broker?.stop();
  });

  it('publishes availability, discovery configs, retained slot state, events and the camera status', async () => {
    // an entity of a slot since removed from the config, left on the broker by an earlier run
    const stale = 'homeassistant/sensor/benchsight/bench-1_old_board/config';
    const seed = await Subscriber.connect(broker.url, ['seed/none']);
    await seed.client.publishAsync(stale, JSON.stringify({ name: 'old board' }), { qos: 1, retain: true });
    await seed.close();

    const sub = await Subscriber.connect(broker.url, ['benchsight/#', 'homeassistant/#']);
    stops.push(() => sub.close());
    const { bus, p } = publisher(broker.url);
    p.start();
    stops.push(() => p.stop());

    const online = await sub.next((m) => m.topic === 'benchsight/availability', 'availability');
    expect(online.payload).toBe('online');
    // the retained copy a newcomer gets
    const late = await Subscriber.connect(broker.url, ['benchsight/availability']);
    expect((await late.next(() => true, 'retained availability')).retain).toBe(true);
    await late.close();

    const board = JSON.parse(
      (
        await sub.next(
          (m) => m.topic === 'homeassistant/sensor/benchsight/bench-1_left_board/config',
          'left slot sensor config',
        )
      ).payload,
    );
    expect(board).toMatchObject({
      state_topic: 'benchsight/bench-1/left/state',
      json_attributes_topic: 'benchsight/bench-1/left/state',
      availability_topic: 'benchsight/availability',
      unique_id: 'benchsight_bench-1_left_board',
      device: { identifiers: ['benchsight_bench-1'] },
    });
    const health = JSON.parse(
      (
        await sub.next(
          (m) => m.topic === 'homeassistant/binary_sensor/benchsight/bench-1_health/config',
          'health config',
        )
      ).payload,
    );
    expect(health.state_topic).toBe('benchsight/bench-1/status');
    const serial = JSON.parse(
      (
        await sub.next(
          (m) => m.topic === 'homeassistant/sensor/benchsight/bench-1_last_serial/config',
          'serial config',
        )
      ).payload,
    );
    expect(serial.state_topic).toBe('benchsight/bench-1/status');
    // the removed slot's entity is removed from Home Assistant: an empty retained config
    expect(
      (await sub.next((m) => m.topic === stale && m.payload === '', 'empty config for the removed slot'))
        .topic,
    ).toBe(stale);

    const pending = JSON.parse(
      (await sub.next((m) => m.topic === 'benchsight/bench-1/right/state', 'right slot state')).payload,
    );
    expect(pending).toMatchObject({
      camera: 'bench-1',
      slot: 'right',
      state: 'pending',
      boardId: null,
      verified: false,
    });

    // the slot's owner: a recognition, its slot change, then the label's text
    bus.emit('recognized', {
      verified: false,
      inliers: null,
      outline: null,
      recognitionId: 41,
      at: 5000,
      camera: 'bench-1',
      slot: 'left',
      board: BOARD,
      score: 0.93,
      margin: 0.2,
      candidates: [],
    });
    bus.emit('slot', slotView('left', { state: 'recognized', board: BOARD, score: 0.93, since: 5001 }));
    const state = JSON.parse(
      (
        await sub.next(
          (m) => m.topic === 'benchsight/bench-1/left/state' && m.payload.includes('"recognized"'),
          'recognized state',
        )
      ).payload,
    );
    expect(state).toEqual({
      camera: 'bench-1',
      slot: 'left',
      state: 'recognized',
      boardId: 7,
      vendor: 'Bitmain',
      model: 'S19j Pro hashboard',
      score: 0.93,
      verified: false,
      inliers: null,
      chips: null,
      defects: [],
      serial: null,
      source: 'vision',
      since: 5001,
      unit: null,
    });
    // the same board with every frame's new score: no new state message
    bus.emit('slot', slotView('left', { state: 'recognized', board: BOARD, score: 0.94, since: 5001 }));
    bus.emit('ocr', {
      recognitionId: 41,
      at: 5000,
      camera: 'bench-1',
      slot: 'left',
      lines: [],
      serial: 'HKYTZ2BBCJDJ0A2C3',
      partNumber: null,
      partNumberConflict: false,
      verdict: 'confirmed',
      textOverride: false,
      board: BOARD,
      visionBoard: BOARD,
      textBoard: BOARD,
      ms: 120,
      error: null,
    });
    const withSerial = await sub.next(
      (m) => m.topic === 'benchsight/bench-1/left/state' && m.payload.includes('HKYTZ2BBCJDJ0A2C3'),
      'state with the serial',
    );
    expect(JSON.parse(withSerial.payload).score).toBe(0.93);
    const status = await sub.next(
      (m) => m.topic === 'benchsight/bench-1/status' && m.payload.includes('HKYTZ2BBCJDJ0A2C3'),
      'camera status with the last serial',
    );
    expect(JSON.parse(status.payload)).toMatchObject({
      camera: 'bench-1',
      healthy: true,
      state: 'online',
      lastSerial: { serial: 'HKYTZ2BBCJDJ0A2C3', slot: 'left', boardId: 7 },
    });
    const leftStates = sub.messages.filter((m) => m.topic === 'benchsight/bench-1/left/state');
    expect(leftStates.map((m) => JSON.parse(m.payload).state)).toEqual([
      'pending',
      'recognized',
      'recognized',
    ]);
    // the unit (physical board) on the slot: its serial and visit count in the slot's state and the events
    const unit = {
      serial: 'HKYTZ2BBCJDJ0A2C3',
      boardId: 7,
      board: BOARD,
      status: 'received' as const,
      statusLabel: 'received',
      firstSeen: 1000,
      lastSeen: 5000,
      visits: 2,
      flagged: false,
      lastNote: null,
    };
    bus.emit('unit', {
      action: 'visit',
      unit,
      slot: { camera: 'bench-1', slot: 'left', recognitionId: 41, unit, visit: 2, previous: null },
    });
    const withUnit = await sub.next(
      (m) => m.topic === 'benchsight/bench-1/left/state' && m.payload.includes('"visits":2'),
      'state with the unit',
    );
    expect(JSON.parse(withUnit.payload).unit).toEqual({
      serial: 'HKYTZ2BBCJDJ0A2C3',
      visit: 2,
      visits: 2,
      status: 'received',
      statusLabel: 'received',
      flagged: false,
    });
    const unitEvent = await sub.next(
      (m) => m.topic === 'benchsight/events' && JSON.parse(m.payload).event === 'unit',
      'unit event',
    );
    expect(JSON.parse(unitEvent.payload)).toMatchObject({ action: 'visit', unit: { visits: 2 } });

    bus.emit('cleared', { at: 6000, camera: 'bench-1', slot: 'left', previousBoardId: 7, reason: 'empty' });
    bus.emit('camera', { at: 6001, camera: 'bench-1', state: 'offline', reason: 'no frame for 5 s' });
    await sub.next(
      (m) => m.topic === 'benchsight/events' && JSON.parse(m.payload).event === 'camera',
      'camera event',
    );
    const events = sub.messages.filter((m) => m.topic === 'benchsight/events').map((m) => m.payload);
    expect(events.map((e) => JSON.parse(e).event)).toEqual([
      'recognized',
      'ocr',
      'unit',
      'cleared',
      'camera',
    ]);
    expect(JSON.parse(events[0]!)).toMatchObject({
      event: 'recognized',
      recognitionId: 41,
      slot: 'left',
      board: { id: 7 },
    });
    expect(JSON.parse(events[4]!)).toEqual({
      event: 'camera',
      at: 6001,
      camera: 'bench-1',
      state: 'offline',
      reason: 'no frame for 5 s',
    });
    expect(sub.messages.filter((m) => m.topic === 'benchsight/events').every((m) => !m.retain)).toBe(true);
    expect(p.status()).toMatchObject({ state: 'connected', connects: 1, dropped: 0 });
  });

  it('says offline by its last will when its process dies without a word', async () => {
    const sub = await Subscriber.connect(broker.url, ['will-test/availability']);
    stops.push(() => sub.close());
    const { spawn } = await import('node:child_process');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', new URL('./publisher-child.ts', import.meta.url).pathname, broker.url, 'will-test'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    stops.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    await sub.next((m) => m.payload === 'online', 'the child says online');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const offline = await sub.next((m) => m.payload === 'offline', 'the last will');
    expect(offline.topic).toBe('will-test/availability');
  });

  it('a refused login: a clear status, backoff, a bounded event queue (oldest dropped); once allowed, the newest events go out', async () => {
    const locked = new Broker(tempDir('bs-mqtt-auth-'), { users: { watcher: 'watcher-password' } });
    await locked.start();
    stops.push(() => locked.stop());
    const sub = await Subscriber.connect(locked.url, ['benchsight/#'], {
      username: 'watcher',
      password: 'watcher-password',
    });
    stops.push(() => sub.close());
    const { bus, p } = publisher(locked.url, { username: 'bench', password: 'not-yet-valid', queueSize: 3 });
    p.start();
    stops.push(() => p.stop());
    await until(
      () => p.status().state === 'refused' && p.status().attempts >= 2 && p.status().retryInMs !== null,
      'two refused attempts',
    );
    const s = p.status();
    expect(s.reason).toContain('refused the login');
    expect(s.reason).toContain('mqtt.password');
    // backoff: the wait doubles with each refusal (no reconnect storm)
    expect(s.retryInMs).toBe(500 * 2 ** (s.attempts - 1));
    for (let i = 0; i < 10; i++) {
      bus.emit('cleared', { at: i, camera: 'bench-1', slot: 'left', previousBoardId: null, reason: 'empty' });
    }
    expect(p.status()).toMatchObject({ queued: 3, dropped: 7 });

    locked.setUsers({ watcher: 'watcher-password', bench: 'not-yet-valid' });
    await sub.next(
      (m) => m.topic === 'benchsight/events' && JSON.parse(m.payload).at === 9,
      'the newest event',
    );
    const ats = sub.messages
      .filter((m) => m.topic === 'benchsight/events')
      .map((m) => JSON.parse(m.payload).at);
    expect(ats).toEqual([7, 8, 9]);
    expect(p.status()).toMatchObject({ state: 'connected', reason: null, queued: 0, dropped: 7 });
  });

  it('TLS (mqtts://): connects with the CA and client certificate paths; without the CA it says why', async () => {
    const certs = makeCertificates(tempDir('bs-mqtt-certs-'));
    const secure = new Broker(tempDir('bs-mqtt-tls-'), { tls: certs });
    await secure.start();
    stops.push(() => secure.stop());
    const sub = await Subscriber.connect(secure.url, ['tls/availability'], clientTls(certs));
    stops.push(() => sub.close());
    const { p } = publisher(secure.url, {
      topicPrefix: 'tls',
      discovery: false,
      ca: certs.ca,
      cert: certs.clientCert,
      key: certs.clientKey,
    });
    p.start();
    stops.push(() => p.stop());
    expect((await sub.next((m) => m.payload === 'online', 'online over TLS')).topic).toBe('tls/availability');
    expect(p.status().state).toBe('connected');

    const { p: untrusting } = publisher(secure.url, { topicPrefix: 'tls2', discovery: false });
    untrusting.start();
    stops.push(() => untrusting.stop());
    await until(
      () => untrusting.status().attempts >= 1 && untrusting.status().retryInMs !== null,
      'a failed TLS attempt',
    );
    expect(untrusting.status().reason).toMatch(/certificate/i);
  });

  it('a broker that is not there: start returns at once and the status says why', async () => {
    const port = await freePort();
    const { p } = publisher(`mqtt://127.0.0.1:${port}`);
    p.start();
    stops.push(() => p.stop());
    expect(p.status().state).toBe('connecting');
    await until(() => p.status().attempts >= 1, 'a failed attempt');
    expect(p.status().reason).toMatch(/broker unreachable: .*ECONNREFUSED/);
  });
});
