import { Counter, Gauge, Registry } from 'prom-client';
import type { Bus } from '../bus.ts';
import {
  type CameraBench,
  CENTRAL_STATES,
  type CentralStatus,
  type MqttStatus,
  type StatusPayload,
  type WebhookStatus,
} from '../protocol.ts';

/**
 * Prometheus metrics. Gauges read the pipeline's status at scrape time, so the frame path does no
 * metric bookkeeping of its own.
 */
type StreamStats = { clients: number; framesSent: number; framesDroppedForSlowClients: number };

export function createMetrics(
  status: () => StatusPayload,
  stream: () => StreamStats,
  bus: Bus,
): { registry: Registry; stop: () => void } {
  const registry = new Registry();
  const gauge = (name: string, help: string, read: (s: StatusPayload) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(status()));
      },
    });
  // one series per camera, labelled `camera`
  const cameraGauge = (name: string, help: string, read: (c: CameraBench) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['camera'],
      registers: [registry],
      collect() {
        for (const c of status().cameras) this.set({ camera: c.id }, read(c));
      },
    });
  cameraGauge('benchsight_camera_online', '1 when the camera delivers frames', (c) =>
    c.camera.state === 'online' ? 1 : 0,
  );
  cameraGauge('benchsight_frames_captured', 'Frames captured since start', (c) => c.frames.captured);
  cameraGauge('benchsight_frames_encoded', 'Frames encoded since start', (c) => c.frames.encoded);
  cameraGauge(
    'benchsight_frames_dropped',
    'Frames dropped because the pipeline was busy',
    (c) => c.frames.dropped,
  );
  cameraGauge(
    'benchsight_frames_skipped_by_gate',
    'Frames skipped as unchanged',
    (c) => c.frames.skippedByGate,
  );
  cameraGauge(
    'benchsight_slot_verifications',
    'Slot pictures sent to geometric verification since start',
    (c) => c.frames.verified,
  );
  cameraGauge('benchsight_capture_fps', 'Captured frames per second', (c) => c.fps.captured);
  cameraGauge('benchsight_encode_fps', 'Encoded frames per second', (c) => c.fps.encoded);
  gauge('benchsight_encode_ms', 'Median encode time per frame, ms', (s) => s.timings.encodeMs);
  gauge('benchsight_match_ms', 'Median match time per slot, ms', (s) => s.timings.matchMs);
  gauge('benchsight_references', 'References in the active model index', (s) => s.model.references);
  const streamGauge = (name: string, help: string, read: (s: StreamStats) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(stream()));
      },
    });
  streamGauge('benchsight_stream_clients', 'Connected dashboard clients', (s) => s.clients);
  streamGauge('benchsight_stream_frames_sent', 'Frames sent to dashboard clients', (s) => s.framesSent);
  streamGauge(
    'benchsight_stream_frames_dropped_slow_clients',
    'Frames skipped for clients whose connection was still busy (dropped, never queued)',
    (s) => s.framesDroppedForSlowClients,
  );
  integrationGauges(registry, status);
  const recognitions = new Counter({
    name: 'benchsight_recognitions_total',
    help: 'Recognition events',
    labelNames: ['result', 'camera'],
    registers: [registry],
  });
  const offRecognized = bus.on('recognized', (r) =>
    recognitions.inc({ result: r.board ? 'board' : 'unknown', camera: r.camera }),
  );
  const offCleared = bus.on('cleared', (c) => recognitions.inc({ result: 'cleared', camera: c.camera }));
  return {
    registry,
    stop: () => {
      offRecognized();
      offCleared();
    },
  };
}

/** The MQTT broker connection (when configured) and each webhook's deliveries, read at scrape time. */
function integrationGauges(registry: Registry, status: () => StatusPayload): void {
  if (status().mqtt) {
    const mqtt = (name: string, help: string, read: (m: MqttStatus) => number) =>
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          const m = status().mqtt;
          if (m) this.set(read(m));
        },
      });
    mqtt('benchsight_mqtt_connected', '1 while connected to the MQTT broker', (m) =>
      m.state === 'connected' ? 1 : 0,
    );
    mqtt('benchsight_mqtt_connects', 'Successful connections to the broker since start', (m) => m.connects);
    mqtt('benchsight_mqtt_published', 'Messages the broker acknowledged', (m) => m.published);
    mqtt('benchsight_mqtt_events_queued', 'Events waiting for the broker', (m) => m.queued);
    mqtt(
      'benchsight_mqtt_events_dropped',
      'Events dropped (oldest first) because the queue was full while the broker was away',
      (m) => m.dropped,
    );
  }
  if (status().central) centralGauges(registry, status);
  const hooks = status().webhooks ?? [];
  if (hooks.length === 0) return;
  const hook = (name: string, help: string, read: (w: WebhookStatus) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['webhook', 'url'],
      registers: [registry],
      collect() {
        (status().webhooks ?? []).forEach((w, i) => {
          this.set({ webhook: String(i), url: w.url }, read(w));
        });
      },
    });
  hook('benchsight_webhook_delivered', 'Events delivered (2xx)', (w) => w.delivered);
  hook('benchsight_webhook_failures', 'Failed delivery attempts (each retry counts)', (w) => w.failures);
  hook('benchsight_webhook_abandoned', 'Events given up on (4xx, or every retry failed)', (w) => w.abandoned);
  hook(
    'benchsight_webhook_dropped',
    'Events dropped (oldest first) because the queue was full',
    (w) => w.dropped,
  );
  hook('benchsight_webhook_queued', 'Events waiting for delivery', (w) => w.queued);
}

/** The link to the central PostgreSQL: state (one series per state, 1 for the current), backlog, totals. */
function centralGauges(registry: Registry, status: () => StatusPayload): void {
  const central = (name: string, help: string, read: (c: CentralStatus) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const c = status().central;
        if (c) this.set(read(c));
      },
    });
  central('benchsight_central_connected', '1 while connected to the central PostgreSQL', (c) =>
    c.state === 'connected' ? 1 : 0,
  );
  central(
    'benchsight_central_outbox_pending',
    'Changes waiting in the outbox for the central side',
    (c) => c.pendingUp,
  );
  central('benchsight_central_sent', 'Changes stored centrally since start', (c) => c.sent);
  central('benchsight_central_pulled', 'Catalog rows pulled from other boxes since start', (c) => c.pulled);
  new Gauge({
    name: 'benchsight_central_state',
    help: 'The central link: 1 for its current state (connecting, connected, unreachable, refused, schema, stopped)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const c = status().central;
      if (!c) return;
      for (const state of CENTRAL_STATES) this.set({ state }, c.state === state ? 1 : 0);
    },
  });
}
