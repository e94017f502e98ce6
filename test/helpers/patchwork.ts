import sharp from 'sharp';
import { seededRandom as random } from '../../tools/benchmarks/stats.ts';

/**
 * A picture full of corners (boxes, discs and labels in many greys and colours), drawn from a seed:
 * hundreds of ORB keypoints, so a homography fits it to a pixel. From `from` (a fraction of the
 * width) on, the part is drawn from `otherSeed` instead: another revision of the same "board".
 */
export async function patchwork(
  width: number,
  height: number,
  seed: number,
  changed: { from: number; otherSeed: number } | null = null,
): Promise<Buffer> {
  const shapes: string[] = [];
  const draw = (r: () => number, x0: number, x1: number) => {
    const span = x1 - x0;
    for (let i = 0; i < Math.round((span * height) / 900); i++) {
      const x = x0 + r() * span;
      const y = r() * height;
      const fill = `rgb(${Math.floor(r() * 256)},${Math.floor(r() * 256)},${Math.floor(r() * 256)})`;
      const k = r();
      if (k < 0.5) {
        const w = 6 + r() * 40;
        const h = 6 + r() * 40;
        shapes.push(
          `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" fill="${fill}"/>`,
        );
      } else if (k < 0.8) {
        shapes.push(
          `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${(3 + r() * 14).toFixed(1)}" fill="${fill}"/>`,
        );
      } else {
        const label = `U${Math.floor(r() * 900 + 100)}`;
        shapes.push(
          `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-size="${Math.round(10 + r() * 10)}" font-family="sans-serif" fill="${fill}">${label}</text>`,
        );
      }
    }
  };
  const cut = changed ? Math.round(width * changed.from) : width;
  // the whole board first, then its changed part covered and drawn again: the rest stays the same
  draw(random(seed), 0, width);
  if (changed) {
    shapes.push(`<rect x="${cut}" y="0" width="${width - cut}" height="${height}" fill="#1d5a2e"/>`);
    draw(random(changed.otherSeed), cut, width);
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#1d5a2e"/>${shapes.join('')}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 92 }).toBuffer();
}

/** The picture on a grey bench, turned by `angleDeg`, as a `width` x `height` camera view. */
export async function onBench(
  picture: Buffer,
  angleDeg: number,
  width: number,
  height: number,
): Promise<Buffer> {
  const turned = await sharp(picture).rotate(angleDeg, { background: '#5a5a5a' }).toBuffer();
  return sharp(turned)
    .resize(width, height, { fit: 'contain', background: '#5a5a5a' })
    .jpeg({ quality: 88 })
    .toBuffer();
}
