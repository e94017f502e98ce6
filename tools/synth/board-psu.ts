import { barcode, serialNumber, silk } from './board-common.ts';
import { shade } from './color.ts';
import type { ChosenFamily } from './identity.ts';
import type { Rng } from './rng.ts';
import type { BoardType, Part } from './types.ts';

const METALS = [
  { color: '#b9bdc2', grain: 0.8 },
  { color: '#a7acb2', grain: 0.6 },
  { color: '#4a4d52', grain: 0.2 },
  { color: '#26272a', grain: 0.1 },
  { color: '#d0d3d6', grain: 0.9 },
];

/**
 * PSU seen from above: a metal box with a fan grille at one end, a rating plate, vents, screws,
 * output terminals (PCIe sockets or copper lugs) on the far end and an AC inlet.
 */
export function buildPsu(rng: Rng, seed: number, family: ChosenFamily): BoardType {
  const width = rng.float(200, 300);
  const height = rng.float(92, 150);
  const metal = rng.pick(METALS);
  const ink = metal.grain > 0.5 ? '#2a2b2e' : '#d8d9dc';
  const parts: Part[] = [];
  const overlay: Part[] = [];
  const fanLeft = rng.bool(0.5);
  const fx = (x: number, w: number): number => (fanLeft ? x : width - x - w);

  parts.push({
    t: 'panel',
    x: 3,
    y: 3,
    w: width - 6,
    h: height - 6,
    color: shade(metal.color, rng.float(-0.06, 0.06)),
    radius: 2,
    bevel: rng.float(0.08, 0.2),
  });

  // Fan grille(s) near one end.
  const fan = rng.child('fan');
  const fans = fan.bool(0.2) ? 2 : 1;
  const r = Math.min(height / (2 * fans) - 6, fan.float(0.3, 0.42) * height);
  for (let i = 0; i < fans; i++) {
    const cy = fans === 1 ? height / 2 : height * (0.27 + 0.46 * i);
    parts.push({
      t: 'fan-grille',
      x: fx(r + 10, 0),
      y: cy,
      r,
      rings: fan.int(3, 6),
      spokes: fan.pick([0, 3, 4, 5]),
      blades: fan.int(5, 9),
      color: fan.pick(['#2a2a2c', '#9aa0a6', metal.color]),
    });
  }

  // Output terminals on the far end.
  const out = rng.child('out');
  if (out.bool(0.6)) {
    const sockets = out.int(5, 10);
    const cols = sockets > 6 ? 2 : 1;
    const perCol = Math.ceil(sockets / cols);
    const sh = Math.min(14, (height - 16) / perCol - 1.5);
    for (let i = 0; i < sockets; i++) {
      const col = Math.floor(i / perCol);
      const row = i % perCol;
      parts.push({
        t: 'connector',
        kind: 'pcie',
        x: fx(width - 8 - 15 * (col + 1), 13),
        y: 8 + row * (sh + 1.5),
        w: 13,
        h: sh,
        pins: 3,
        pinRows: 2,
        color: '#151517',
      });
    }
  } else {
    for (const [i, cover] of ['#c0262b', '#1a1a1a'].entries()) {
      parts.push({
        t: 'connector',
        kind: 'screw-terminal',
        x: fx(width - 30, 20),
        y: height * (0.2 + 0.38 * i),
        w: 20,
        h: height * 0.22,
        pins: 1,
        pinRows: 1,
        color: cover,
      });
    }
  }

  // AC inlet next to the fan, vents in the middle.
  parts.push({
    t: 'connector',
    kind: 'ac-inlet',
    x: fx(2 * r + 16, 14),
    y: height - 28,
    w: 14,
    h: 22,
    pins: 3,
    pinRows: 1,
    color: '#141416',
  });
  const vents = rng.child('vents');
  const vx = 2 * r + 36;
  const vw = width - vx - 55;
  if (vw > 20) {
    parts.push({
      t: 'vents',
      x: fx(vx, vw),
      y: vents.float(6, 12),
      w: vw,
      h: vents.float(12, 22),
      style: vents.pick(['slots', 'holes']),
      pitch: vents.float(3, 5),
      size: vents.float(8, 14),
      axis: 'y',
    });
  }

  // Screws along the edges.
  const screws = rng.child('screws');
  const head = screws.pick(['phillips', 'torx', 'hex'] as const);
  const screwColor = screws.pick(['#cfd3d7', '#2a2a2c', '#b9bdc2']);
  for (const [sx, sy] of [
    [6, 6],
    [width - 6, 6],
    [6, height - 6],
    [width - 6, height - 6],
    [width / 2, 6],
    [width / 2, height - 6],
  ] as const) {
    parts.push({ t: 'screw', x: sx, y: sy, r: 2.2, head, color: screwColor });
  }

  // Rating plate and brand.
  const plate = rng.child('plate');
  const pw = Math.min(vw > 20 ? vw : width * 0.4, plate.float(70, 110));
  const ph = plate.float(0.42, 0.55) * height;
  const px = fx(vx + plate.float(0, Math.max(0, vw - pw)), pw);
  const py = height - ph - plate.float(6, 14);
  const watts = plate.pick([1600, 2100, 3300, 3600, 3900]);
  overlay.push({
    t: 'sticker',
    x: px,
    y: py,
    w: pw,
    h: ph,
    paper: plate.pick(['#f4f4f0', '#d9dcdf', '#ecebe4']),
    ink: '#1a1a1a',
    lines: [
      family.identity.vendor.toUpperCase(),
      `MODEL: ${family.identity.model}`,
      'INPUT: 200-240V~ 16A 50/60Hz',
      `OUTPUT: ${plate.pick(['12V', '12-15V', '12-21V'])} ${Math.round(watts / 12)}A`,
      `MAX ${watts}W`,
      `S/N ${serialNumber(plate, family.identity.vendor)}`,
    ],
    barcode: barcode(plate, 60),
    matrix: plate.bool(0.5) ? 12 : 0,
    matrixSeed: plate.seedValue(),
  });
  parts.push(silk(px, py - 3, plate.float(5, 8), family.silk, ink, { bold: true }));

  return {
    seed,
    kind: 'psu',
    identity: family.identity,
    width,
    height,
    cornerRadius: rng.float(1, 4),
    surface: { material: 'metal', color: metal.color, grain: metal.grain },
    holes: [],
    chips: null,
    parts,
    overlay,
  };
}
