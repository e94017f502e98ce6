import { fixed } from '../format.ts';
import { useLiveState } from '../live/hooks.ts';
import { CameraBadge, CameraReason } from './connection.tsx';
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
export function StatusPanel() {
  const live = useLiveState();
  const s = live.status;
  return (
    <section class="panel status-panel" aria-label="Camera and pipeline status">
      <div class="status-head">
        <CameraBadge />
        {s ? (
          <span class="muted">
            {s.camera.id} · {s.camera.kind}
            {s.camera.retries > 0 ? ` · ${s.camera.retries} restarts` : ''}
          </span>
        ) : null}
      </div>
      <CameraReason />
      <div class="stats">
        <Stat label="captured" value={s ? fixed(s.fps.captured) : '–'} unit="fps" />
        <Stat label="encoded" value={s ? fixed(s.fps.encoded) : '–'} unit="fps" />
        <Stat label="encode" value={s ? fixed(s.timings.encodeMs) : '–'} unit="ms" />
        <Stat label="match" value={s ? fixed(s.timings.matchMs, 2) : '–'} unit="ms" />
      </div>
      <TimingChart />
      {s && s.storage.state !== 'ok' ? (
        <p class={s.storage.state === 'error' ? 'camera-reason' : 'camera-reason warn'}>
          History storage {s.storage.state === 'error' ? 'failing' : 'low'}: {s.storage.reason}
        </p>
      ) : null}
      {s?.modelSwitch ? (
        <p class="note-warn">
          Switching the model to {s.modelSwitch.target}: {s.modelSwitch.done} of {s.modelSwitch.total}{' '}
          references re-embedded{s.modelSwitch.error ? ` (failed: ${s.modelSwitch.error})` : ''}.
        </p>
      ) : null}
      {s?.model.randomWeights ? (
        <p class="note-warn">
          The model “{s.model.name}” has random weights: only exact copies of enrolled pictures are
          recognized. Install a trained encoder for real use.
        </p>
      ) : null}
    </section>
  );
}
