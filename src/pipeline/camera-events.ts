import type { Bus } from '../bus.ts';
import type { CameraStatus, FrameSource } from '../capture/types.ts';

/**
 * Announces a camera going online or offline on the bus (`camera`), from its source's status: one
 * event per change between delivering frames and not (offline and error are both "offline"; a
 * camera that never came up is announced offline once). Returns the unsubscribe function.
 */
export function announceCamera(camera: string, source: Pick<FrameSource, 'onStatus'>, bus: Bus): () => void {
  let last: 'online' | 'offline' | null = null;
  return source.onStatus((s: CameraStatus) => {
    if (s.state === 'starting' || s.state === 'stopped') return;
    const state = s.state === 'online' ? 'online' : 'offline';
    if (state === last) return;
    last = state;
    bus.emit('camera', { at: Date.now(), camera, state, reason: s.reason });
  });
}
