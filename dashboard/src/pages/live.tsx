import { useState } from 'preact/hooks';
import { EnrollDialog } from '../components/enroll-dialog.tsx';
import { FrameView } from '../components/frame-view.tsx';
import { SlotCard } from '../components/slot-card.tsx';
import { StatusPanel } from '../components/status-panel.tsx';
import type { LiveClient } from '../live/client.ts';
import { useLiveState } from '../live/hooks.ts';

function frameNotice(live: LiveClient): string | null {
  if (live.connection !== 'connected') return 'Not live: no connection to the daemon';
  const cam = live.status?.camera;
  if (cam && cam.state !== 'online') return `No live picture: camera ${cam.state}`;
  return null;
}

/** What is on the bench right now: one large card per slot, the camera picture and its health. */
export function LivePage() {
  const live = useLiveState();
  const [enrollSlot, setEnrollSlot] = useState<string | null>(null);
  return (
    <div class={`live-layout${live.connection === 'connected' ? '' : ' live-stale'}`}>
      <h1 class="sr-only">Live bench</h1>
      <div class="live-cards">
        {live.slots.length === 0 ? (
          <p class="panel muted">Waiting for the daemon's first snapshot…</p>
        ) : (
          live.slots.map((v) => (
            <SlotCard
              key={v.slot}
              view={v}
              onEnroll={setEnrollSlot}
              ocr={live.ocr.get(v.slot)}
              reading={live.ocrPending.has(v.slot)}
              threshold={live.status?.match.threshold}
            />
          ))
        )}
      </div>
      <div class="live-side">
        <FrameView slots={live.slots} notice={frameNotice(live)} />
        <StatusPanel />
      </div>
      {enrollSlot ? <EnrollDialog slot={enrollSlot} onClose={() => setEnrollSlot(null)} /> : null}
    </div>
  );
}
