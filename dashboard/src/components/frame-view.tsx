import { useEffect, useRef, useState } from 'preact/hooks';
import type { InspectedPayload, SlotView } from '../../../src/protocol.ts';
import { onQuad } from '../../../src/verify/geometry.ts';
import { useT } from '../i18n/context.tsx';
import { useLiveClient } from '../live/hooks.ts';

/** A chip's number from its label ("chip 37" -> "37"); a label without one is shown whole. */
const chipNumber = (label: string) => /(\d+)\s*$/.exec(label)?.[1] ?? label;

/**
 * An inspection laid over the live picture: the heatmap over its slot, and each chip's number where
 * the map's reference puts it (the inspection's outline), coloured by its verdict.
 */
function InspectionOverlay({ inspection, slot }: { inspection: InspectedPayload; slot: SlotView }) {
  const t = useT();
  const { rect } = slot;
  const outline = inspection.outline;
  if (!outline) return null;
  const box = {
    left: `${rect.x * 100}%`,
    top: `${rect.y * 100}%`,
    width: `${rect.width * 100}%`,
    height: `${rect.height * 100}%`,
  };
  return (
    <>
      {inspection.heatmapUrl ? (
        <img class="live-heatmap" style={box} src={inspection.heatmapUrl} alt={t.t('inspect.heatmapAlt')} />
      ) : null}
      {inspection.regions
        .filter((r) => r.kind === 'chip')
        .map((r) => {
          const [sx, sy] = onQuad(outline, r.box.x + r.box.width / 2, r.box.y + r.box.height / 2);
          return (
            <span
              key={r.id}
              class={`chip-number verdict-${r.verdict}`}
              data-testid="chip-number"
              data-slot={slot.slot}
              data-verdict={r.verdict}
              title={t.t(`inspect.verdict.${r.verdict}`, { label: r.label })}
              style={{
                left: `${(rect.x + sx * rect.width) * 100}%`,
                top: `${(rect.y + sy * rect.height) * 100}%`,
              }}
            >
              {chipNumber(r.label)}
            </span>
          );
        })}
    </>
  );
}

/**
 * The streamed camera frame, drawn as it arrives, with the bench slots outlined over it. `notice`: why
 * the picture is not live (it is then dimmed). `inspections`: those to lay over the picture (chip
 * numbers and differences; the slot card's toggle).
 */
export function FrameView({
  camera,
  slots,
  notice,
  inspections = [],
}: {
  camera: string;
  slots: SlotView[];
  notice: string | null;
  inspections?: InspectedPayload[];
}) {
  const t = useT();
  const live = useLiveClient();
  const canvas = useRef<HTMLCanvasElement>(null);
  const caption = useRef<HTMLElement>(null);
  const [hasFrame, setHasFrame] = useState(live.frames.has(camera));

  useEffect(() => live.wantFrames(), [live]);
  useEffect(() => {
    const draw = () => {
      const f = live.frames.get(camera);
      const c = canvas.current;
      if (!f || !c) return;
      if (c.width !== f.width || c.height !== f.height) {
        c.width = f.width;
        c.height = f.height;
      }
      c.getContext('2d')?.drawImage(f.bitmap, 0, 0);
      c.dataset.seq = String(f.seq);
      if (caption.current) {
        caption.current.textContent = t.t('frame.caption', { seq: f.seq, time: t.clock(f.at) });
      }
      setHasFrame(true);
    };
    draw();
    return live.on('frame', draw);
  }, [live, t, camera]);

  return (
    <figure class={`frame${notice ? ' frame-stale' : ''}`}>
      <div class="frame-box" data-camera={camera}>
        <canvas ref={canvas} width={640} height={480} role="img" aria-label={t.t('frame.label')} />
        {slots.map((s) => (
          <div
            key={s.slot}
            class={`slot-box state-${s.state}`}
            style={{
              left: `${s.rect.x * 100}%`,
              top: `${s.rect.y * 100}%`,
              width: `${s.rect.width * 100}%`,
              height: `${s.rect.height * 100}%`,
            }}
          >
            <span class="slot-tag">
              {t.t('frame.slotTag', {
                slot: s.slot,
                what: s.board ? s.board.model : t.t(`state.${s.state}`),
              })}
            </span>
          </div>
        ))}
        <svg class="outlines" viewBox="0 0 1 1" preserveAspectRatio="none" aria-hidden="true">
          {slots.map((s) =>
            s.outline && s.state === 'recognized' ? (
              <polygon
                key={s.slot}
                data-testid="board-outline"
                data-slot={s.slot}
                points={s.outline.map(([x, y]) => `${x},${y}`).join(' ')}
              />
            ) : null,
          )}
        </svg>
        {inspections.map((i) => {
          const slot = slots.find((s) => s.camera === i.camera && s.slot === i.slot);
          return slot ? <InspectionOverlay key={i.slot} inspection={i} slot={slot} /> : null;
        })}
        {notice || !hasFrame ? <div class="frame-note">{notice ?? t.t('frame.waiting')}</div> : null}
      </div>
      <figcaption ref={caption}>{t.t('frame.none')}</figcaption>
    </figure>
  );
}
