import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/main.ts';
import type { MqttStatus, RecognizedPayload, StatusPayload } from '../../src/protocol.ts';
import { launchBrowser, type WatchedPage } from '../dashboard/browser.ts';
import { pattern, startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';
import { Broker, Subscriber } from '../helpers/mosquitto.ts';

const SECRET = 'daemon-webhook-secret-0123456789';

async function status(url: string): Promise<StatusPayload> {
  return (await fetch(`${url}/api/status`)).json() as Promise<StatusPayload>;
}

/** Resolves once the daemon's MQTT status satisfies `pred` (status has no event to wait on: polled). */
async function mqttUntil(url: string, pred: (m: MqttStatus) => boolean, what: string): Promise<MqttStatus> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const m = (await status(url)).mqtt;
    if (m && pred(m)) return m;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; mqtt status: ${JSON.stringify(m)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Counts the frames that go through the encoder and the matcher from now on. */
function countFrames(daemon: Daemon): { count: () => number; off: () => void } {
  let frames = 0;
  const off = daemon.pipeline!.onFrameDone(() => frames++);
  return { count: () => frames, off: () => void off() };
}

/** The next recognition of a board on the bus. */
function nextRecognized(daemon: Daemon): Promise<RecognizedPayload> {
  return new Promise((resolve) => {
    const off = daemon.bus.on('recognized', (r) => {
      if (!r.board) return;
      off();
      resolve(r);
    });
  });
}

async function enroll(url: string, picture: Buffer): Promise<number> {
  const created = await fetch(`${url}/api/boards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ vendor: 'Bitmain', model: 'S19j Pro hashboard', kind: 'hashboard' }),
  });
  const board = (await created.json()) as { id: number };
  const form = new FormData();
  form.append('image', new Blob([new Uint8Array(picture)], { type: 'image/jpeg' }), 'a.jpg');
  const res = await fetch(`${url}/api/boards/${board.id}/references`, { method: 'POST', body: form });
  expect(res.status).toBe(201);
  return board.id;
}

/** A bench that keeps changing (a board put down, taken away, again), every frame encoded. */
async function benchFrames(): Promise<{ dir: string; board: Buffer }> {
  const board = await pattern(1);
  const dir = tempDir('bs-mqtt-frames-');
  // each held 1 s at the helper's 10 fps: with the gate off a picture is verified once it has held
  // still for half a second
  writeFrames(dir, [await pattern(2), board], 10);
  return { dir, board };
}

describe('the daemon publishes to a real mosquitto and a webhook; the broker dies and comes back', () => {
  let broker: Broker;
  let sub: Subscriber;
  let daemon: Daemon;
  let url: string;
  let boardId: number;
  let hookServer: Server;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: WatchedPage;
  const hookBodies: { body: string; signature: string }[] = [];

  beforeAll(async () => {
    broker = new Broker(tempDir('bs-mqtt-broker-'));
    await broker.start();
    sub = await Subscriber.connect(broker.url, ['benchsight/#', 'homeassistant/#']);
    hookServer = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        hookBodies.push({
          body: Buffer.concat(chunks).toString(),
          signature: String(req.headers['x-benchsight-signature']),
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hookServer.listen(0, '127.0.0.1', resolve));
    const hookPort = (hookServer.address() as { port: number }).port;
    const { dir, board } = await benchFrames();
    ({ daemon, url } = await startTestDaemon(dir, {
      gate: { enabled: false },
      mqtt: { url: broker.url, clientId: 'bench-test' },
      webhooks: [{ url: `http://127.0.0.1:${hookPort}/bench`, events: ['recognized'], secret: SECRET }],
    }));
    boardId = await enroll(url, board);
    browser = await launchBrowser();
    page = await browser.open(`${url}/#/live`);
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
    await sub?.close();
    await broker?.stop();
    hookServer?.closeAllConnections();
    await new Promise((resolve) => hookServer?.close(resolve));
  });

  it('retained slot state, events, discovery and availability as a subscriber sees them', async () => {
    const state = await sub.next(
      (m) => m.topic === 'benchsight/bench-1/bench/state' && JSON.parse(m.payload).boardId === boardId,
      'the slot state naming the enrolled board',
    );
    expect(JSON.parse(state.payload)).toMatchObject({
      camera: 'bench-1',
      slot: 'bench',
      state: 'recognized',
      vendor: 'Bitmain',
      model: 'S19j Pro hashboard',
      // geometric verification is on by default: the board's references confirmed it
      verified: true,
    });
    expect(JSON.parse(state.payload).inliers).toBeGreaterThanOrEqual(12);
    const event = await sub.next(
      (m) => m.topic === 'benchsight/events' && JSON.parse(m.payload).board?.id === boardId,
      'a recognized event naming the board',
    );
    expect(JSON.parse(event.payload)).toMatchObject({
      camera: 'bench-1',
      slot: 'bench',
      board: { id: boardId },
    });
    await sub.next(
      (m) => m.topic === 'homeassistant/sensor/benchsight/bench-1_bench_board/config',
      'discovery',
    );
    await sub.next((m) => m.topic === 'benchsight/availability' && m.payload === 'online', 'online');
    const camera = await sub.next(
      (m) => m.topic === 'benchsight/bench-1/status' && JSON.parse(m.payload).healthy === true,
      'camera status: healthy',
    );
    expect(JSON.parse(camera.payload)).toMatchObject({ camera: 'bench-1', state: 'online', suspect: null });
    // the camera coming up went out as an event, in the socket event's shape
    const up = await sub.next(
      (m) => m.topic === 'benchsight/events' && JSON.parse(m.payload).event === 'camera',
      'the camera online event',
    );
    expect(JSON.parse(up.payload)).toMatchObject({ camera: 'bench-1', state: 'online', reason: null });
  });

  it('the webhook got the recognition, signed', async () => {
    const named = () => hookBodies.find((h) => JSON.parse(h.body).board?.id === boardId);
    const deadline = Date.now() + 30_000;
    while (!named() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const hook = named()!;
    expect(hook.signature).toBe(`sha256=${createHmac('sha256', SECRET).update(hook.body).digest('hex')}`);
    expect(JSON.parse(hook.body)).toMatchObject({ event: 'recognized', camera: 'bench-1', slot: 'bench' });
    // only the events the hook asked for
    expect(hookBodies.every((h) => JSON.parse(h.body).event === 'recognized')).toBe(true);
    expect(
      hookBodies.every(
        (h) => h.signature === `sha256=${createHmac('sha256', SECRET).update(h.body).digest('hex')}`,
      ),
    ).toBe(true);
  });

  it('broker killed: recognition goes on, events wait; restarted: it reconnects and republishes retained state', async () => {
    await mqttUntil(url, (m) => m.state === 'connected', 'connected');
    const port = broker.port;
    await broker.kill();
    const down = await mqttUntil(url, (m) => m.state === 'connecting', 'the lost connection noticed');
    expect(down.reason).toMatch(/connection lost/);
    // the dashboard's status panel says so too
    const shown = page.page.locator('[data-testid=mqtt-state]');
    await page.page.waitForSelector('[data-testid=mqtt-state][data-state=connecting]');
    expect(await shown.textContent()).toContain('MQTT connecting');

    // with the broker gone, the bench is still watched: frames encoded, the board recognized again
    const frames = countFrames(daemon);
    await nextRecognized(daemon);
    await nextRecognized(daemon);
    frames.off();
    expect(frames.count()).toBeGreaterThan(2);
    const waiting = (await status(url)).mqtt!;
    expect(waiting.state).not.toBe('connected');
    expect(waiting.queued).toBeGreaterThanOrEqual(2);

    await broker.start(port);
    const back = await mqttUntil(
      url,
      (m) => m.state === 'connected' && m.queued === 0,
      'reconnected, queue sent',
    );
    expect(back.connects).toBe(2);
    await page.page.waitForSelector('[data-testid=mqtt-state][data-state=connected]');
    expect(await page.page.locator('[data-testid=webhooks-state]').textContent()).toMatch(
      /Webhooks: [1-9]\d* events? delivered/,
    );
    expect(page.errors).toEqual([]);
    // the broker kept nothing (no persistence): what a newcomer gets was published again
    const fresh = await Subscriber.connect(broker.url, ['benchsight/#', 'homeassistant/#']);
    try {
      const state = await fresh.next(
        (m) => m.topic === 'benchsight/bench-1/bench/state',
        'republished slot state',
      );
      expect(state.retain).toBe(true);
      expect(['recognized', 'empty', 'unknown']).toContain(JSON.parse(state.payload).state);
      const online = await fresh.next(
        (m) => m.topic === 'benchsight/availability',
        'republished availability',
      );
      expect(online).toMatchObject({ payload: 'online', retain: true });
      const config = await fresh.next(
        (m) => m.topic === 'homeassistant/sensor/benchsight/bench-1_bench_board/config',
        'republished discovery config',
      );
      expect(config.retain).toBe(true);
    } finally {
      await fresh.close();
    }
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/benchsight_mqtt_connected 1/);
    expect(metrics).toMatch(/benchsight_mqtt_connects 2/);
    expect(metrics).toMatch(
      /benchsight_webhook_delivered\{webhook="0",url="http:\/\/127\.0\.0\.1:\d+\/bench"\} [1-9]/,
    );
    const s = await status(url);
    expect(s.webhooks?.[0]).toMatchObject({ state: 'ok', abandoned: 0 });
  });
});

describe('the daemon with a wrong MQTT password (real mosquitto with a password file)', () => {
  let broker: Broker;
  let daemon: Daemon;
  let url: string;

  beforeAll(async () => {
    broker = new Broker(tempDir('bs-mqtt-auth-'), { users: { bench: 'the-right-password' } });
    await broker.start();
    const { dir, board } = await benchFrames();
    ({ daemon, url } = await startTestDaemon(dir, {
      gate: { enabled: false },
      mqtt: { url: broker.url, username: 'bench', password: 'a-wrong-password' },
    }));
    await enroll(url, board);
  });

  afterAll(async () => {
    await daemon?.stop();
    await broker?.stop();
  });

  it('a clear status, attempts spaced by a growing backoff, and recognition unaffected', async () => {
    const refused = await mqttUntil(
      url,
      (m) => m.state === 'refused' && m.attempts >= 2 && m.retryInMs !== null,
      'two refusals',
    );
    expect(refused.reason).toMatch(/refused the login .*check mqtt\.username and mqtt\.password/);
    expect(refused.connects).toBe(0);
    expect(refused.retryInMs).toBe(500 * 2 ** (refused.attempts - 1));
    const r = await nextRecognized(daemon);
    expect(r.board).not.toBeNull();
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/benchsight_mqtt_connected 0/);
  });
});
