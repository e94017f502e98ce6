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
import { pcbColor, shade } from './color.ts';
import type { ChosenFamily } from './identity.ts';
import { randomCode } from './identity.ts';
import type { Rng } from './rng.ts';
import type { BoardType, Connector, Part } from './types.ts';

function connector(
  kind: Connector['kind'],
  x: number,
  y: number,
  w: number,
  h: number,
  color: string,
  pins = 1,
  pinRows = 1,
): Connector {
  return { t: 'connector', kind, x, y, w, h, pins, pinRows, color };
}

/**
 * Control board: the network/IO edge (RJ45, USB, SD, LEDs, buttons) along the bottom, hashboard
 * headers along the top, fan headers and power input at one end, SoC and memory in the middle.
 */
export function buildControlBoard(rng: Rng, seed: number, family: ChosenFamily): BoardType {
  const width = rng.float(105, 170);
  const height = rng.float(68, 112);
  const { color: pcb, name } = pcbColor(rng.child('pcb'));
  const silkColor = name === 'black' || rng.bool(0.9) ? '#f1f1ea' : '#f0d860';
  const parts: Part[] = [];
  const overlay: Part[] = [];
  const mirror = rng.bool(0.5);
  const mx = (x: number, w: number): number => (mirror ? width - x - w : x);

  parts.push(
    ...traces(
      rng.child('traces'),
      { x: 3, y: 3, w: width - 6, h: height - 6 },
      rng.int(10, 24),
      shade(pcb, 0.12),
    ),
  );

  // IO edge along the bottom.
  const io = rng.child('io');
  let x = 6;
  const rj = connector('rj45', mx(x, 16), height - 21, 16, 21.5, '#c5c9ce');
  parts.push(rj);
  x += 19;
  if (io.bool(0.7)) {
    parts.push(connector('usb', mx(x, 14), height - 15, 14, 15, '#c9cdd2'));
    x += 17;
  }
  if (io.bool(0.8)) {
    parts.push(connector('sd-slot', mx(x, 15), height - 16, 15, 15, '#b9bec4'));
    x += 18;
  }
  const leds = io.int(2, 4);
  for (let i = 0; i < leds; i++) {
    parts.push({
      t: 'led',
      x: mx(x + i * 4, 1.6),
      y: height - 4,
      color: io.pick(['#e8342b', '#2fd14a', '#f2a81d', '#3d7bf0']),
    });
  }
  x += leds * 4 + 3;
  for (let i = 0; i < io.int(1, 2); i++) {
    parts.push({
      t: 'ic',
      role: 'button',
      x: mx(x, 6),
      y: height - 8,
      w: 6,
      h: 6,
      color: '#c9cdd2',
      label: null,
    });
    x += 9;
  }

  // Hashboard headers along the top edge.
  const hb = rng.child('headers');
  const headers = hb.int(3, 4);
  const hw = hb.float(20, 26);
  const span = Math.min(width - 30, headers * (hw + 4));
  const color = hb.pick(['#1b1b1d', '#f0efe8', '#1b1b1d']);
  for (let i = 0; i < headers; i++) {
    parts.push(connector('box-header', mx(8 + (i * span) / headers, hw), 3, hw, 8.5, color, 9, 2));
  }

  // Fan headers and power input at the far end.
  const end = rng.child('end');
  const fans = end.int(2, 4);
  const endX = width - 12;
  for (let i = 0; i < fans; i++) {
    parts.push(
      connector(
        'fan-header',
        mx(endX, 6),
        16 + i * 9,
        6,
        7.5,
        end.pick(['#f2f0e6', '#f2f0e6', '#1b1b1d']),
        4,
        1,
      ),
    );
  }
  parts.push(
    connector(end.bool(0.6) ? 'pcie' : 'power-jack', mx(endX - 14, 10), height - 36, 10, 16, '#18181a', 3, 2),
  );

  // SoC, RAM, flash, crystal, regulators.
  const core = rng.child('core');
  const soc = core.float(11, 17);
  const socX = width * core.float(0.38, 0.55) - soc / 2;
  const socY = height * core.float(0.38, 0.5) - soc / 2;
  const rams = core.int(1, 2);
  for (let i = 0; i < rams; i++) {
    parts.push({
      t: 'ic',
      role: 'ram',
      x: mx(socX + soc + 5 + i * 11, 9),
      y: socY - 1,
      w: 9,
      h: 12.5,
      color: '#202124',
      label: null,
    });
  }
  parts.push({
    t: 'ic',
    role: 'flash',
    x: mx(socX - 17, 11),
    y: socY + 2,
    w: 11,
    h: 9,
    color: '#232326',
    label: null,
  });
  parts.push({
    t: 'ic',
    role: 'crystal',
    x: mx(socX - 7, 5),
    y: socY + soc + 3,
    w: 5,
    h: 3.2,
    color: '#c9cdd2',
    label: null,
  });
  for (let i = 0; i < core.int(2, 5); i++) {
    parts.push({
      t: 'ic',
      role: 'ldo',
      x: mx(core.float(8, width - 20), 4),
      y: core.float(15, height - 30),
      w: 4,
      h: 3,
      color: '#222',
      label: null,
    });
  }
  for (let i = 0; i < core.int(1, 4); i++) {
    const r = core.float(2.5, 4);
    parts.push(electrolytic(core, mx(core.float(10, width - 20), 0), core.float(16, height - 26), r));
  }
  parts.push(
    smdField(
      core,
      { x: 5, y: 14, w: width - 10, h: height - 36 },
      core.int(80, 180),
      core.pick(['#b49b72', '#3a3a3a']),
    ),
  );

  const txt = rng.child('text');
  parts.push(
    silk(mx(txt.float(8, 30), 30), height - 26, txt.float(2.8, 4.2), family.silk, silkColor, { bold: true }),
  );
  parts.push(silk(mx(txt.float(8, 30), 30), 16, 2, family.identity.boardCode, silkColor, { font: 'mono' }));
  parts.push(...designators(txt, { x: 3, y: 12, w: width - 6, h: height - 30 }, txt.int(12, 28), silkColor));

  const st = rng.child('stickers');
  const mac = Array.from({ length: 6 }, () => randomCode(st, 'XX')).join(':');
  overlay.push(
    sticker(
      st,
      {
        x: mx(st.float(10, width * 0.4), 30),
        y: st.float(height * 0.55, height * 0.62),
        w: st.float(24, 32),
        h: st.float(8, 11),
      },
      [mac, serialNumber(st, family.identity.vendor)],
    ),
  );

  const socHeatsink = core.bool(0.5);
  const holes = mountingHoles(rng.child('holes'), width, height, 0);
  return {
    seed,
    kind: 'control-board',
    identity: family.identity,
    width,
    height,
    cornerRadius: rng.float(0.5, 3),
    surface: { material: 'pcb', color: pcb, grain: 0 },
    chips: {
      x: mx(socX, soc),
      y: socY,
      rows: 1,
      cols: 1,
      chipSize: soc,
      pitchX: soc,
      pitchY: soc,
      groupEvery: 0,
      groupGap: 0,
      packageColor: '#1f2023',
      lidColor: core.pick(['#2a2b2f', '#9ea3a9']),
      heatsink: socHeatsink
        ? {
            layout: 'per-chip',
            color: core.pick(['black', 'aluminium'] as const),
            fins: core.pick(['straight', 'pin'] as const),
            finAxis: 'y',
            finPitch: 1.6,
            overhang: 3,
          }
        : null,
    },
    ...clearHoles(parts, overlay, holes, [{ x: mx(socX, soc) - 4, y: socY - 4, w: soc + 8, h: soc + 8 }]),
  };
}
