import type { MqttState, StatusPayload } from '../../../src/protocol.ts';

const MQTT_LABEL: Record<MqttState, string> = {
  connected: 'connected',
  connecting: 'connecting',
  refused: 'login refused',
  stopped: 'stopped',
};

/** Where the daemon publishes (MQTT broker, webhooks): one line each, more only when something fails. */
export function Integrations({ status }: { status: StatusPayload }) {
  const { mqtt } = status;
  const hooks = status.webhooks ?? [];
  if (!mqtt && hooks.length === 0) return null;
  const failing = hooks.filter((h) => h.state === 'failing');
  const delivered = hooks.reduce((n, h) => n + h.delivered, 0);
  return (
    <div class="integrations" data-testid="integrations">
      {mqtt ? (
        <p
          class={mqtt.state === 'connected' ? 'muted' : 'camera-reason warn'}
          data-testid="mqtt-state"
          data-state={mqtt.state}
        >
          MQTT {MQTT_LABEL[mqtt.state]} · {mqtt.url}
          {mqtt.state !== 'connected' && mqtt.reason ? ` · ${mqtt.reason}` : ''}
          {mqtt.queued > 0 ? ` · ${mqtt.queued} events waiting` : ''}
          {mqtt.dropped > 0 ? ` · ${mqtt.dropped} dropped` : ''}
        </p>
      ) : null}
      {hooks.length > 0 ? (
        <p class={failing.length > 0 ? 'camera-reason warn' : 'muted'} data-testid="webhooks-state">
          Webhooks: {delivered} delivered
          {failing.map((h) => ` · ${h.url} failing: ${h.lastError ?? 'unknown error'}`).join('')}
        </p>
      ) : null}
    </div>
  );
}
