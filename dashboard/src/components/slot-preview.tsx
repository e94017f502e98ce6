import { useEffect, useRef } from 'preact/hooks';
import type { SlotView } from '../../../src/protocol.ts';
import { useLiveClient } from '../live/hooks.ts';

/** The slot's part of the latest frame; `follow` keeps it live, otherwise it is frozen when shown. */
export function SlotPreview({ view, follow, label }: { view: SlotView; follow: boolean; label: string }) {
  const live = useLiveClient();
  const canvas = useRef<HTMLCanvasElement>(null);
  const { x, y, width, height } = view.rect;

  useEffect(() => live.wantFrames(), [live]);
  useEffect(() => {
    const draw = () => {
      const f = live.frames.get(view.camera);
      const c = canvas.current;
      if (!f || !c) return false;
      const sw = Math.max(1, Math.round(width * f.width));
      const sh = Math.max(1, Math.round(height * f.height));
      c.width = sw;
      c.height = sh;
      c.getContext('2d')?.drawImage(f.bitmap, x * f.width, y * f.height, sw, sh, 0, 0, sw, sh);
      c.dataset.seq = String(f.seq);
      return true;
    };
    const drawn = draw();
    if (!follow && drawn) return undefined;
    // Frozen previews still wait for a first frame.
    const off = live.on('frame', () => {
      if (draw() && !follow) off();
    });
    return off;
  }, [live, follow, view.camera, x, y, width, height]);

  return <canvas ref={canvas} class="slot-preview" width={320} height={240} role="img" aria-label={label} />;
}
