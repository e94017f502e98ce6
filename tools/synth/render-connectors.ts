import { GOLD_PLATING, shade, TIN } from './color.ts';
import { circle, circlePath, n, rect, rectPath } from './svg.ts';
import type { Connector } from './types.ts';

/** Grid of pins (or holes) inside a box, along its long side. */
function pinGrid(c: Connector, fill: string, inset: number, size: number): string {
  const along = Math.max(1, c.pins);
  const across = Math.max(1, c.pinRows);
  const horizontal = c.w >= c.h;
  const long = horizontal ? c.w : c.h;
  const short = horizontal ? c.h : c.w;
  const stepL = (long - 2 * inset) / along;
  const stepS = (short - 2 * inset) / across;
  const s = Math.min(stepL, stepS) * size;
  let d = '';
  for (let i = 0; i < along; i++) {
    for (let j = 0; j < across; j++) {
      const a = inset + (i + 0.5) * stepL - s / 2;
      const b = inset + (j + 0.5) * stepS - s / 2;
      d += horizontal ? rectPath(c.x + a, c.y + b, s, s) : rectPath(c.x + b, c.y + a, s, s);
    }
  }
  return `<path d="${d}" fill="${fill}"/>`;
}

function body(c: Connector, radius = 0.4): string {
  return (
    rect(c.x + 0.6, c.y + 0.8, c.w, c.h, '#000', 'opacity="0.35"') +
    rect(c.x, c.y, c.w, c.h, c.color, `rx="${n(radius)}"`) +
    rect(c.x, c.y, c.w, Math.min(c.h, c.w) * 0.08, shade(c.color, 0.25), 'opacity="0.6"')
  );
}

export function connectorSvg(c: Connector): string {
  const inner = shade(c.color, -0.35);
  switch (c.kind) {
    case 'box-header':
      return (
        body(c) +
        rect(c.x + 1, c.y + 1, c.w - 2, c.h - 2, inner, 'rx="0.3"') +
        pinGrid(c, GOLD_PLATING, 1.4, 0.42) +
        (c.w >= c.h
          ? rect(c.x + c.w / 2 - 2, c.y + c.h - 1, 4, 1, inner)
          : rect(c.x, c.y + c.h / 2 - 2, 1, 4, inner))
      );
    case 'pin-header':
      return body(c) + pinGrid(c, GOLD_PLATING, 0.4, 0.45);
    case 'fan-header':
      return (
        body(c, 0.2) + rect(c.x + 0.6, c.y + 0.6, c.w - 1.2, c.h * 0.55, inner) + pinGrid(c, TIN, 0.8, 0.35)
      );
    case 'edge-fingers': {
      const count = Math.max(4, c.pins);
      const step = c.h / count;
      let d = '';
      for (let i = 0; i < count; i++) d += rectPath(c.x, c.y + i * step + step * 0.15, c.w, step * 0.7);
      return `<path d="${d}" fill="${c.color}"/>`;
    }
    case 'busbar': {
      const r = Math.min(c.w, c.h) * 0.28;
      return (
        body(c, 1) +
        rect(c.x + c.w * 0.15, c.y, c.w * 0.2, c.h, shade(c.color, 0.3), 'opacity="0.5"') +
        circle(c.x + c.w / 2, c.y + c.h * 0.25, r, '#d4d7db') +
        circle(c.x + c.w / 2, c.y + c.h * 0.75, r, '#d4d7db') +
        circle(c.x + c.w / 2, c.y + c.h * 0.25, r * 0.45, '#555a60') +
        circle(c.x + c.w / 2, c.y + c.h * 0.75, r * 0.45, '#555a60')
      );
    }
    case 'screw-terminal': {
      const slots = Math.max(1, c.pins);
      const horizontal = c.w > c.h;
      const step = (horizontal ? c.w : c.h) / slots;
      const r = Math.min(step, horizontal ? c.h : c.w) * 0.3;
      let out = body(c, 0.6);
      for (let i = 0; i < slots; i++) {
        const cx = horizontal ? c.x + (i + 0.5) * step : c.x + c.w * 0.4;
        const cy = horizontal ? c.y + c.h * 0.4 : c.y + (i + 0.5) * step;
        out += circle(cx, cy, r, '#c9cdd2') + rect(cx - r * 0.8, cy - r * 0.15, r * 1.6, r * 0.3, '#4a4f55');
      }
      return out;
    }
    case 'pcie':
      return (
        body(c, 0.5) +
        pinGrid(c, '#050506', 1.2, 0.62) +
        rect(c.x + c.w * 0.3, c.y - 1, c.w * 0.4, 1.2, c.color)
      );
    case 'ac-inlet': {
      const inset = Math.min(c.w, c.h) * 0.18;
      let holes = '';
      for (let i = 0; i < 3; i++)
        holes += rectPath(c.x + c.w * (0.25 + i * 0.22), c.y + c.h * 0.42, c.w * 0.08, c.h * 0.22);
      return (
        body(c, 1) +
        rect(c.x + inset, c.y + inset, c.w - 2 * inset, c.h - 2 * inset, '#050506', 'rx="1"') +
        `<path d="${holes}" fill="#8a8f95"/>`
      );
    }
    case 'rj45': {
      const mouth = c.w * 0.7;
      return (
        body(c, 0.3) +
        rect(c.x + 0.6, c.y + 0.6, c.w - 1.2, c.h - 1.2, shade(c.color, -0.1)) +
        rect(c.x + (c.w - mouth) / 2, c.y + c.h - 4, mouth, 4, '#101012') +
        rect(c.x + 1, c.y + c.h - 3, 2.4, 2, '#37c24a') +
        rect(c.x + c.w - 3.4, c.y + c.h - 3, 2.4, 2, '#f0b41d') +
        rect(c.x + 2, c.y + 3, c.w - 4, 0.6, shade(c.color, 0.3))
      );
    }
    case 'usb':
      return (
        body(c, 0.3) +
        rect(c.x + c.w * 0.18, c.y + c.h - 5, c.w * 0.64, 4, '#121214') +
        rect(c.x + c.w * 0.3, c.y + c.h - 4, c.w * 0.4, 1.5, '#e8e8e0')
      );
    case 'sd-slot': {
      let d = '';
      for (let i = 0; i < 4; i++) d += rectPath(c.x + 1.5, c.y + 2.5 + i * 2.6, c.w - 3, 0.5);
      return body(c, 0.3) + `<path d="${d}" fill="${shade(c.color, -0.25)}"/>`;
    }
    case 'power-jack':
      return (
        body(c, 0.8) +
        `<path d="${circlePath(c.x + c.w / 2, c.y + c.h / 2, Math.min(c.w, c.h) * 0.3)}" fill="#050506"/>`
      );
  }
}
