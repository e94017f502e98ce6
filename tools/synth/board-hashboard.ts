import {
  clearHoles,
  designators,
  electrolytic,
  mountingHoles,
  serialNumber,
  silk,
  smdField,
  sticker,
  traces,
} from './board-common.ts';
import { COPPER, GOLD_PLATING, pcbColor, shade } from './color.ts';
import type { ChosenFamily } from './identity.ts';
import { randomCode } from './identity.ts';
import type { Rng } from './rng.ts';
import type { BoardType, ChipGrid, Heatsink, Part, Rect } from './types.ts';

function chooseHeatsink(rng: Rng): Heatsink | null {
  const layout = rng.weighted<Heatsink['layout'] | 'none'>([
    ['per-chip', 0.5],
    ['per-row', 0.25],
    ['plate', 0.1],
    ['none', 0.15],
  ]);
  if (layout === 'none') return null;
  const fins = rng.weighted<Heatsink['fins']>([
    ['straight', 0.55],
    ['pin', 0.3],
    ['none', 0.15],
  ]);
  return {
    layout,
    color: rng.weighted<Heatsink['color']>([
      ['aluminium', 0.6],
      ['black', 0.25],
      ['gold', 0.15],
    ]),
    // A plate without fins would read as a blank cover.
    fins: layout === 'plate' && fins === 'none' ? 'straight' : fins,
    finAxis: rng.bool(0.5) ? 'x' : 'y',
    finPitch: rng.float(1.3, 2.6),
    overhang: rng.float(0.5, 2.5),
  };
}

/** Fits rows x cols of chips near `nominal` into `area`, with optional voltage-domain groups. */
function chipGrid(rng: Rng, area: Rect, nominal: number, heatsink: Heatsink | null): ChipGrid {
  const ideal = Math.sqrt((nominal * area.h) / area.w);
  const rows = Math.max(2, Math.min(10, Math.round(ideal * rng.float(0.75, 1.3))));
  const cols = Math.max(4, Math.round(nominal / rows));
  const groupEvery = rng.bool(0.5) ? rng.int(2, 4) : 0;
  const groups = groupEvery > 0 ? Math.floor((cols - 1) / groupEvery) : 0;
  const groupGap = groupEvery > 0 ? rng.float(1.5, 4) : 0;
  const pitchX = (area.w - groups * groupGap) / cols;
  const pitchY = area.h / rows;
  const fill = heatsink?.layout === 'per-chip' ? rng.float(0.5, 0.7) : rng.float(0.55, 0.8);
  const chipSize = Math.max(3, Math.min(pitchX, pitchY) * fill);
  if (heatsink) {
    const room = (Math.min(pitchX, pitchY) - chipSize) / 2;
    heatsink.overhang = Math.max(0.3, Math.min(heatsink.overhang, room * 0.85));
  }
  return {
    x: area.x,
    y: area.y,
    rows,
    cols,
    chipSize,
    pitchX,
    pitchY,
    groupEvery,
    groupGap,
    packageColor: rng.pick(['#2b2c30', '#3a3b3f', '#1f2023']),
    lidColor: rng.pick(['#b5b9be', '#c7cacf', '#9ea3a9', '#2e2f33']),
    heatsink,
  };
}

function powerEnd(rng: Rng, x0: number, endW: number, h: number, parts: Part[]): void {
  const style = rng.pick(['busbar', 'screw-terminal', 'pcie'] as const);
  const cx = x0 + endW / 2;
  if (style === 'busbar') {
    const barW = Math.min(endW * 0.35, rng.float(7, 11));
    const barH = rng.float(0.25, 0.4) * h;
    for (const dy of [-1, 1]) {
      parts.push({
        t: 'connector',
        kind: 'busbar',
        x: cx - barW / 2,
        y: h / 2 + dy * (barH / 2 + 4) - barH / 2,
        w: barW,
        h: barH,
        pins: 2,
        pinRows: 1,
        color: rng.bool(0.7) ? COPPER : '#c8ccd0',
      });
    }
  } else {
    const slots = style === 'pcie' ? rng.int(2, 3) : rng.int(2, 4);
    const bw = Math.min(endW * 0.6, style === 'pcie' ? 10 : 12);
    const bh = slots * (style === 'pcie' ? 8 : 9);
    parts.push({
      t: 'connector',
      kind: style,
      x: cx - bw / 2,
      y: h / 2 - bh / 2,
      w: bw,
      h: bh,
      pins: slots,
      pinRows: style === 'pcie' ? 2 : 1,
      color: style === 'pcie' ? '#18181a' : rng.pick(['#1e6b35', '#1a1a1a', '#1f4fa0']),
    });
  }
  const caps = rng.int(0, 4);
  for (let i = 0; i < caps; i++) {
    const r = rng.float(3, 5);
    parts.push(electrolytic(rng, cx + rng.float(-endW / 4, endW / 4), rng.bool() ? r + 5 : h - r - 5, r));
  }
}

export function buildHashboard(rng: Rng, seed: number, family: ChosenFamily): BoardType {
  const width = rng.float(290, 400);
  const height = width / rng.float(2.1, 3.3);
  const { color: pcb, name } = pcbColor(rng.child('pcb'));
  const silkColor = name === 'black' || rng.bool(0.85) ? '#f1f1ea' : '#f0d860';
  const parts: Part[] = [];
  const overlay: Part[] = [];

  const powerLeft = rng.bool(0.5);
  const endPower = rng.float(22, 38);
  const endSignal = rng.float(14, 26);
  const leftW = powerLeft ? endPower : endSignal;
  const rightW = powerLeft ? endSignal : endPower;
  const stripTop = rng.float(7, 14);
  const stripBottom = rng.bool(0.6) ? rng.float(7, 12) : rng.float(3, 5);
  const area: Rect = {
    x: leftW + 2,
    y: stripTop + 2,
    w: width - leftW - rightW - 4,
    h: height - stripTop - stripBottom - 4,
  };

  parts.push(
    ...traces(
      rng.child('traces'),
      { x: 4, y: 4, w: width - 8, h: height - 8 },
      rng.int(12, 30),
      shade(pcb, 0.12),
    ),
  );
  powerEnd(rng.child('power'), powerLeft ? 0 : width - endPower, endPower, height, parts);

  // Signal connector at the other end (2 x 9 header), edge fingers on some boards.
  const sigX = powerLeft ? width - endSignal : 0;
  const sig = rng.child('signal');
  if (sig.bool(0.25)) {
    parts.push({
      t: 'connector',
      kind: 'edge-fingers',
      x: powerLeft ? width - 6 : 0,
      y: height * 0.3,
      w: 6,
      h: height * 0.4,
      pins: sig.int(10, 20),
      pinRows: 1,
      color: GOLD_PLATING,
    });
  } else {
    const vertical = sig.bool(0.7);
    const [hw, hh] = vertical ? [9, 25] : [25, 9];
    parts.push({
      t: 'connector',
      kind: 'box-header',
      x: sigX + endSignal / 2 - hw / 2,
      y: sig.float(0.25, 0.75) * height - hh / 2,
      w: hw,
      h: hh,
      pins: 9,
      pinRows: 2,
      color: sig.pick(['#1b1b1d', '#f0efe8', '#1b1b1d']),
    });
  }

  // Regulator strip along the top edge: inductors and LDOs per domain.
  const strip = rng.child('strip');
  const inductorSize = Math.min(stripTop - 2, strip.float(4, 7));
  const domains = strip.int(10, 30);
  for (let i = 0; i < domains; i++) {
    const x = area.x + ((i + 0.5) * area.w) / domains;
    parts.push({
      t: 'ic',
      role: 'inductor',
      x: x - inductorSize / 2,
      y: 1.5 + (stripTop - inductorSize) / 2,
      w: inductorSize,
      h: inductorSize,
      color: '#2a2a2c',
      label: null,
    });
  }
  parts.push(
    smdField(
      strip,
      { x: area.x, y: height - stripBottom - 1, w: area.w, h: stripBottom - 1 },
      strip.int(30, 90),
      '#b9a27a',
    ),
  );

  const heatsink = chooseHeatsink(rng.child('heatsink'));
  const grid = chipGrid(rng.child('grid'), area, family.nominalChips, heatsink);
  // Passives around every chip, visible between heatsinks.
  parts.push(
    smdField(
      rng.child('smd'),
      area,
      grid.rows * grid.cols * rng.int(2, 4),
      rng.pick(['#b49b72', '#3a3a3a', '#8a7a60']),
    ),
  );

  // Silkscreen: model name on a free edge, board code, revision, date, designators.
  const txt = rng.child('text');
  const modelSize = txt.float(3.5, 6);
  const modelX = area.x + txt.float(0, area.w * 0.5);
  const onBottom = stripBottom > 6;
  parts.push(
    silk(modelX, onBottom ? height - 2 : stripTop + 0.5, modelSize, family.silk, silkColor, {
      bold: txt.bool(0.6),
    }),
  );
  parts.push(
    silk(
      modelX + txt.float(50, 110),
      onBottom ? height - 2 : stripTop + 0.5,
      txt.float(2, 3),
      family.identity.boardCode,
      silkColor,
      { font: 'mono' },
    ),
  );
  const endX = powerLeft ? width - endSignal / 2 : endSignal / 2;
  parts.push(
    silk(endX + 2.5, height * 0.12, 2.2, `REV ${txt.int(1, 4)}.${txt.int(0, 9)}`, silkColor, { rotate: 90 }),
  );
  parts.push(
    silk(
      endX - 2.5,
      height * 0.62,
      2,
      `${txt.int(2019, 2024)}-${String(txt.int(1, 12)).padStart(2, '0')}`,
      silkColor,
      { rotate: 90, font: 'mono' },
    ),
  );
  parts.push(...designators(txt, { x: 3, y: 3, w: width - 6, h: height - 6 }, txt.int(15, 40), silkColor));

  // Stickers: serial label near one end, sometimes another on the heatsinks.
  const st = rng.child('stickers');
  const serial = serialNumber(st, family.identity.vendor);
  const sw = st.float(28, 45);
  const sh = st.float(9, 16);
  const sx = powerLeft ? area.x + area.w - sw - st.float(0, 40) : area.x + st.float(0, 40);
  const sy = onBottom ? stripTop + 1 : height - stripBottom - sh - 1;
  overlay.push(sticker(st, { x: sx, y: Math.max(1, sy), w: sw, h: sh }, [serial, family.identity.boardCode]));
  if (st.bool(0.4)) {
    const w2 = st.float(18, 30);
    overlay.push(
      sticker(
        st,
        {
          x: area.x + st.float(0, area.w - w2),
          y: area.y + st.float(0, area.h - 12),
          w: w2,
          h: st.float(8, 12),
        },
        [randomCode(st, 'A9-99999'), 'PASS'],
      ),
    );
  }

  const holes = mountingHoles(rng.child('holes'), width, height, rng.int(0, 2));
  return {
    seed,
    kind: 'hashboard',
    identity: family.identity,
    width,
    height,
    cornerRadius: rng.float(0, 4),
    surface: { material: 'pcb', color: pcb, grain: 0 },
    chips: grid,
    ...clearHoles(parts, overlay, holes, [{ x: area.x - 3, y: area.y - 3, w: area.w + 6, h: area.h + 6 }]),
  };
}
