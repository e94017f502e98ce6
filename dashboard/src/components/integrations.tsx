import type { StatusPayload } from '../../../src/protocol.ts';
import { useT } from '../i18n/context.tsx';

/**
 * Where the daemon publishes (MQTT broker, webhooks, the shop's central PostgreSQL): one line each,
 * more only when something fails.
 */
export function Integrations({ status }: { status: StatusPayload }) {
  const t = useT();
  const { mqtt, central } = status;
  const hooks = status.webhooks ?? [];
  if (!mqtt && !central && hooks.length === 0) return null;
  const failing = hooks.filter((h) => h.state === 'failing');
  const delivered = hooks.reduce((n, h) => n + h.delivered, 0);
  const parts = (head: string, ...rest: (string | null)[]) => [head, ...rest.filter((p) => p)].join(' · ');
  return (
    <div class="integrations" data-testid="integrations">
      {mqtt ? (
        <p
          class={mqtt.state === 'connected' ? 'muted' : 'camera-reason warn'}
          data-testid="mqtt-state"
          data-state={mqtt.state}
        >
          {parts(
            t.t('status.mqtt', { state: mqtt.state, url: mqtt.url }),
            mqtt.state !== 'connected' ? mqtt.reason : null,
            mqtt.queued > 0 ? t.t('status.mqttQueued', { count: mqtt.queued }) : null,
            mqtt.dropped > 0 ? t.t('status.mqttDropped', { count: mqtt.dropped }) : null,
          )}
        </p>
      ) : null}
      {central ? (
        <p
          class={central.state === 'connected' ? 'muted' : 'camera-reason warn'}
          data-testid="central-state"
          data-state={central.state}
        >
          {parts(
            t.t('status.central', { state: central.state, box: central.box, url: central.url }),
            central.state !== 'connected' ? central.reason : null,
            central.pendingUp > 0 ? t.t('status.centralPending', { count: central.pendingUp }) : null,
          )}
        </p>
      ) : null}
      {hooks.length > 0 ? (
        <p class={failing.length > 0 ? 'camera-reason warn' : 'muted'} data-testid="webhooks-state">
          {parts(
            t.t('status.webhooks', { count: delivered }),
            ...failing.map((h) => t.t('status.webhookFailing', { url: h.url, error: h.lastError ?? '' })),
          )}
        </p>
      ) : null}
    </div>
  );
}
