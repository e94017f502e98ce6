import { useState } from 'preact/hooks';
import type { CameraState } from '../../../src/protocol.ts';
import { EnrollDialog } from '../components/enroll-dialog.tsx';
import { FirstRun } from '../components/first-run.tsx';
import { FrameView } from '../components/frame-view.tsx';
import { SlotCard } from '../components/slot-card.tsx';
import { StatusPanel } from '../components/status-panel.tsx';
import type { BoardPrefill } from '../hardware.ts';
import { useT } from '../i18n/context.tsx';
import type { Translator } from '../i18n/translator.ts';
import type { LiveClient } from '../live/client.ts';
import { useLiveState } from '../live/hooks.ts';

function frameNotice(t: Translator, live: LiveClient): string | null {
  if (live.connection !== 'connected') return t.t('live.notLive');
  const cam = live.status?.camera;
  if (cam && cam.state !== 'online') return t.t('live.noPicture', { state: cam.state });
  return null;
}

/** The camera's state and why, while it gives the cards no picture; null when online or starting. */
function cameraOffline(live: LiveClient): { state: CameraState; reason: string | null } | null {
  const cam = live.status?.camera;
  if (!cam || cam.state === 'online' || cam.state === 'starting') return null;
  return { state: cam.state, reason: cam.reason };
}

/** What is on the bench right now: one large card per slot, the camera picture and its health. */
export function LivePage() {
  const t = useT();
  const live = useLiveState();
  const [enrolling, setEnrolling] = useState<{ slot: string; prefill?: BoardPrefill } | null>(null);
  return (
    <div class={`live-layout${live.connection === 'connected' ? '' : ' live-stale'}`}>
      <h1 class="sr-only">{t.t('live.title')}</h1>
      <div class="live-cards">
        <FirstRun />
        {live.slots.length === 0 ? (
          <p class="panel muted">{t.t('live.waiting')}</p>
        ) : (
          live.slots.map((v) => (
            <SlotCard
              key={v.slot}
              view={v}
              onEnroll={(slot, prefill) => setEnrolling(prefill ? { slot, prefill } : { slot })}
              ocr={live.ocr.get(v.slot)}
              reading={live.ocrPending.has(v.slot)}
              threshold={live.status?.match.threshold}
              unit={live.units.get(v.slot)}
              recognitionId={live.recognitionIds.get(v.slot)}
              cameraOffline={cameraOffline(live)}
            />
          ))
        )}
      </div>
      <div class="live-side">
        <FrameView slots={live.slots} notice={frameNotice(t, live)} />
        <StatusPanel />
      </div>
      {enrolling ? (
        <EnrollDialog slot={enrolling.slot} prefill={enrolling.prefill} onClose={() => setEnrolling(null)} />
      ) : null}
    </div>
  );
}
