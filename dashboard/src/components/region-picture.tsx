import { useRef, useState } from 'preact/hooks';
import type { InspectionRegion, ReferenceJson, RegionBox } from '../api.ts';
import { useT } from '../i18n/context.tsx';

/** A press that moves less than this (CSS pixels) is a click, not a box. */
const CLICK_PX = 4;

interface Drag {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** the region pressed on (a click on it removes it) */
  regionId: number | null;
}

const clamp = (v: number) => Math.min(1, Math.max(0, v));

function boxOf(d: Drag): RegionBox {
  return {
    x: Math.min(d.x0, d.x1),
    y: Math.min(d.y0, d.y1),
    width: Math.abs(d.x1 - d.x0),
    height: Math.abs(d.y1 - d.y0),
  };
}

/** A label this long is cut on the picture (the list of regions is the map itself). */
const SHOWN_LABEL = 20;

/** What the picture writes on a region: a chip's number ("chip 37": 37), another region's label. */
function markOf(r: InspectionRegion): string {
  const n = r.kind === 'chip' ? /(\d+)\s*$/.exec(r.label)?.[1] : undefined;
  if (n) return n;
  return r.label.length > SHOWN_LABEL ? `${r.label.slice(0, SHOWN_LABEL - 1)}…` : r.label;
}

/**
 * The stored reference picture with the map's regions over it, in the reference's own pixels (the
 * API's fractions times its size). When editable, a drag draws a box and a click on a region removes it.
 */
export function RegionPicture(props: {
  reference: ReferenceJson;
  regions: InspectionRegion[];
  /** the box drawn last, not yet used */
  drawn: RegionBox | null;
  editable: boolean;
  onDraw: (box: RegionBox) => void;
  onRemove: (id: number) => void;
}) {
  const t = useT();
  const svg = useRef<SVGSVGElement>(null);
  const [drag, setDrag] = useState<Drag | null>(null);
  const { width: W, height: H } = props.reference;

  const at = (e: PointerEvent) => {
    const r = svg.current!.getBoundingClientRect();
    return { x: clamp((e.clientX - r.left) / r.width), y: clamp((e.clientY - r.top) / r.height), r };
  };

  function down(e: PointerEvent) {
    if (!props.editable || e.button !== 0) return;
    e.preventDefault();
    svg.current!.setPointerCapture(e.pointerId);
    const p = at(e);
    const id = (e.target as Element).getAttribute('data-region-id');
    setDrag({ x0: p.x, y0: p.y, x1: p.x, y1: p.y, regionId: id === null ? null : Number(id) });
  }
  function move(e: PointerEvent) {
    if (!drag) return;
    const p = at(e);
    setDrag({ ...drag, x1: p.x, y1: p.y });
  }
  function up(e: PointerEvent) {
    if (!drag) return;
    const p = at(e);
    const done = { ...drag, x1: p.x, y1: p.y };
    setDrag(null);
    const moved = Math.max(Math.abs(done.x1 - done.x0) * p.r.width, Math.abs(done.y1 - done.y0) * p.r.height);
    if (moved < CLICK_PX) {
      if (done.regionId !== null) props.onRemove(done.regionId);
      return;
    }
    props.onDraw(boxOf(done));
  }

  const rect = (b: RegionBox) => ({ x: b.x * W, y: b.y * H, width: b.width * W, height: b.height * H });
  const live = drag ? boxOf(drag) : props.drawn;
  return (
    <div class="region-picture">
      <img
        src={props.reference.imageUrl}
        alt={t.t('inspectionMap.pictureAlt', { id: props.reference.id })}
        draggable={false}
      />
      <svg
        ref={svg}
        viewBox={`0 0 ${W} ${H}`}
        class={props.editable ? 'editable' : undefined}
        data-testid="region-canvas"
        onPointerDown={down}
        onPointerMove={move}
        onPointerUp={up}
        onPointerCancel={() => setDrag(null)}
      >
        <title>{t.t(props.editable ? 'inspectionMap.canvasEditable' : 'inspectionMap.canvas')}</title>
        {props.regions.map((r) => {
          const b = rect(r.box);
          const mark = markOf(r);
          // fits the box: about 0.55 em a character across, half the box's height at most
          const size = Math.max(8, Math.min(b.height * 0.45, (b.width * 1.6) / Math.max(2, mark.length)));
          return (
            <g key={r.id} class={`region region-${r.kind}`}>
              <rect
                {...b}
                data-region-id={r.id}
                data-testid="region"
                aria-label={t.t(props.editable ? 'inspectionMap.removeRegion' : 'inspectionMap.region', {
                  label: r.label,
                })}
              />
              <text x={b.x + b.width / 2} y={b.y + b.height / 2} font-size={size}>
                {mark}
              </text>
            </g>
          );
        })}
        {live ? <rect class="region-drawn" data-testid="region-drawn" {...rect(live)} /> : null}
      </svg>
    </div>
  );
}
