import { useEffect, useState } from 'preact/hooks';
import type { CameraState } from '../../../src/protocol.ts';
import { BenchGrid } from '../components/bench-grid.tsx';
import { EnrollDialog } from '../components/enroll-dialog.tsx';
import { FirstRun } from '../components/first-run.tsx';
import { FrameView } from '../components/frame-view.tsx';
import { SlotCard } from '../components/slot-card.tsx';
import { StatusPanel } from '../components/status-panel.tsx';
import type { BoardPrefill } from '../hardware.ts';
import { useT } from '../i18n/context.tsx';
import type { Translator } from '../i18n/translator.ts';
import { cameraStatus, type LiveClient, slotKey } from '../live/client.ts';
import { useLiveState } from '../live/hooks.ts';

function frameNotice(t: Translator, live: LiveClient, camera: string | undefined): string | null {
  if (live.connection !== 'connected') return t.t('live.notLive');
  const cam = cameraStatus(live, camera);
  if (cam && cam.state !== 'online') return t.t('live.noPicture', { state: cam.state });
  return null;
}

/** The camera's state and why, while it gives the cards no picture; null when online or starting. */
function cameraOffline(
  live: LiveClient,
  camera: string,
): { state: CameraState; reason: string | null } | null {
  const cam = cameraStatus(live, camera);
  if (!cam || cam.state === 'online' || cam.state === 'starting') return null;
  return { state: cam.state, reason: cam.reason };
}

/** The bench chosen in the address (#/live?camera=bench-2); null: none. */
function chosenCamera(): string | null {
  const query = window.location.hash.split('?')[1] ?? '';
  return new URLSearchParams(query).get('camera');
}

function useChosenCamera(): string | null {
  const [camera, setCamera] = useState(chosenCamera);
  useEffect(() => {
    const onHash = () => setCamera(chosenCamera());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return camera;
}

/** `set` with `key` in it or not. */
function toggled(set: ReadonlySet<string>, key: string, on: boolean): ReadonlySet<string> {
  const next = new Set(set);
  if (on) next.add(key);
  else next.delete(key);
  return next;
}

/**
 * What is on the bench right now: one large card per slot, the camera picture and its health. With
 * several cameras, a grid of the benches first; a click opens one bench's view.
 */
export function LivePage() {
  const t = useT();
  const live = useLiveState();
  const chosen = useChosenCamera();
  const [enrolling, setEnrolling] = useState<{ camera: string; slot: string; prefill?: BoardPrefill } | null>(
    null,
  );
  // slots whose inspection is laid over the live picture (the card's toggle)
  const [onPicture, setOnPicture] = useState<ReadonlySet<string>>(new Set());
  const cameras = live.status?.cameras ?? [];
  const several = cameras.length > 1;
  if (several && !cameras.some((c) => c.id === chosen)) {
    return (
      <div class={`live-benches${live.connection === 'connected' ? '' : ' live-stale'}`}>
        <h1>{t.t('live.benches')}</h1>
        <FirstRun />
        <BenchGrid cameras={cameras} />
      </div>
    );
  }
  const camera = chosen ?? cameras[0]?.id ?? live.slots[0]?.camera;
  const slots = live.slots.filter((v) => v.camera === camera);
  return (
    <div class={`live-layout${live.connection === 'connected' ? '' : ' live-stale'}`}>
      <h1 class="sr-only">{t.t('live.title')}</h1>
      <div class="live-cards">
        {several ? (
          <a class="button secondary" href="#/live" data-testid="all-benches">
            {t.t('live.allBenches')}
          </a>
        ) : null}
        <FirstRun />
        {slots.length === 0 || camera === undefined ? (
          <p class="panel muted">{t.t('live.waiting')}</p>
        ) : (
          slots.map((v) => {
            const key = slotKey(v.camera, v.slot);
            return (
              <SlotCard
                key={key}
                view={v}
                onEnroll={(slot, prefill) =>
                  setEnrolling(prefill ? { camera, slot, prefill } : { camera, slot })
                }
                ocr={live.ocr.get(key)}
                reading={live.ocrPending.has(key)}
                threshold={live.status?.match.threshold}
                unit={live.units.get(key)}
                recognitionId={live.recognitionIds.get(key)}
                inspection={live.inspections.get(key)}
                onPicture={onPicture.has(key)}
                onTogglePicture={(on) => setOnPicture(toggled(onPicture, key, on))}
                cameraOffline={cameraOffline(live, camera)}
              />
            );
          })
        )}
      </div>
      <div class="live-side">
        {camera !== undefined ? (
          <FrameView
            camera={camera}
            slots={slots}
            notice={frameNotice(t, live, camera)}
            inspections={slots.flatMap((v) => {
              const key = slotKey(v.camera, v.slot);
              const i = live.inspections.get(key);
              return onPicture.has(key) && i ? [i] : [];
            })}
          />
        ) : null}
        <StatusPanel camera={camera} />
      </div>
      {enrolling ? (
        <EnrollDialog
          camera={enrolling.camera}
          slot={enrolling.slot}
          prefill={enrolling.prefill}
          onClose={() => setEnrolling(null)}
        />
      ) : null}
    </div>
  );
}
