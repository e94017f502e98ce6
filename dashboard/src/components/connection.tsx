import { useT } from '../i18n/context.tsx';
import { cameraStatus } from '../live/client.ts';
import { useLiveState } from '../live/hooks.ts';

/** Shown while the socket is down: the daemon is restarting or unreachable; socket.io keeps retrying. */
export function ConnectionBanner() {
  const t = useT();
  const live = useLiveState();
  if (live.connection !== 'disconnected') return null;
  const since = live.disconnectedAt ? t.clock(live.disconnectedAt) : '';
  return (
    <div class="banner banner-offline" role="alert" data-testid="disconnected">
      <strong>{t.t('connection.lost')}</strong>
      <span>{t.t('connection.retrying', { time: since })}</span>
    </div>
  );
}

/** A camera's state (`camera`: its id; omitted: the first camera). */
export function CameraBadge({ camera }: { camera?: string | undefined }) {
  const t = useT();
  const live = useLiveState();
  const cam = cameraStatus(live, camera);
  if (live.connection !== 'connected' || !cam) {
    return (
      <span class="badge badge-off" data-testid="camera-badge" data-state="unknown">
        {t.t('camera.unknown')}
      </span>
    );
  }
  const online = cam.state === 'online';
  const look = !online ? 'badge-off' : cam.suspect ? 'badge-warn' : 'badge-on';
  return (
    <span class={`badge ${look}`} data-testid="camera-badge" data-state={cam.state}>
      <span class="dot" aria-hidden="true" />
      {!online
        ? t.t('camera.state', { state: cam.state })
        : t.t(cam.suspect ? 'camera.suspect' : 'camera.online')}
    </span>
  );
}

/** Why the camera is not delivering (or its picture is useless), in the daemon's words. */
export function CameraReason({ camera }: { camera?: string | undefined }) {
  const live = useLiveState();
  const cam = cameraStatus(live, camera);
  const reason = cam?.state === 'online' ? cam.suspect : cam?.reason;
  if (live.connection !== 'connected' || !reason) return null;
  return (
    <p class={cam?.state === 'online' ? 'camera-reason warn' : 'camera-reason'} data-testid="camera-reason">
      {reason}
    </p>
  );
}
