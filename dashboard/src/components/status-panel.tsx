import { useT } from '../i18n/context.tsx';
import { cameraBench } from '../live/client.ts';
import { useLiveState } from '../live/hooks.ts';
import { CameraBadge, CameraReason } from './connection.tsx';
import { Integrations } from './integrations.tsx';
import { TimingChart } from './timing-chart.tsx';

function Stat({ label, value, unit }: { label: string; value: string; unit: string }) {
  return (
    <div class="stat">
      <span class="stat-value">
        {value}
        <small> {unit}</small>
      </span>
      <span class="stat-label">{label}</span>
    </div>
  );
}

/** Camera state, rates and timings: is the bench being watched, and how fast. */
export function StatusPanel({ camera }: { camera?: string | undefined }) {
  const t = useT();
  const live = useLiveState();
  const s = live.status;
  const bench = cameraBench(live, camera);
  const cam = bench?.camera ?? s?.camera;
  const rates = bench?.fps ?? s?.fps;
  const none = t.t('common.none');
  const fps = t.t('unit.fps');
  const ms = t.t('unit.ms');
  return (
    <section class="panel status-panel" aria-label={t.t('status.label')}>
      <div class="status-head">
        <CameraBadge camera={camera} />
        {cam ? (
          <span class="muted">
            {cam.id} · {t.t('camera.kind', { kind: cam.kind })}
            {cam.retries > 0 ? ` · ${t.t('status.restarts', { count: cam.retries })}` : ''}
          </span>
        ) : null}
      </div>
      <CameraReason camera={camera} />
      <div class="stats">
        <Stat label={t.t('status.captured')} value={rates ? t.fixed(rates.captured) : none} unit={fps} />
        <Stat label={t.t('status.encoded')} value={rates ? t.fixed(rates.encoded) : none} unit={fps} />
        <Stat label={t.t('status.encode')} value={s ? t.fixed(s.timings.encodeMs) : none} unit={ms} />
        <Stat label={t.t('status.match')} value={s ? t.fixed(s.timings.matchMs, 2) : none} unit={ms} />
      </div>
      <TimingChart />
      {s && s.storage.state !== 'ok' ? (
        <p class={s.storage.state === 'error' ? 'camera-reason' : 'camera-reason warn'}>
          {t.t(s.storage.state === 'error' ? 'status.storageFailing' : 'status.storageLow', {
            reason: s.storage.reason ?? '',
          })}
        </p>
      ) : null}
      {s ? <Integrations status={s} /> : null}
      {s?.modelSwitch ? (
        <p class="note-warn">
          {t.t(s.modelSwitch.error ? 'status.modelSwitchFailed' : 'status.modelSwitch', {
            target: s.modelSwitch.target,
            done: s.modelSwitch.done,
            total: s.modelSwitch.total,
            error: s.modelSwitch.error ?? '',
          })}
        </p>
      ) : null}
      {s?.model.randomWeights ? (
        <p class="note-warn">{t.t('status.randomWeights', { name: s.model.name })}</p>
      ) : null}
    </section>
  );
}
