import { boardTypeFromSeed } from '../../tools/synth/board.ts';
import { NO_NUISANCE, type Nuisance } from '../../tools/synth/nuisance.ts';
import { chipRects } from '../../tools/synth/render-chips.ts';
import { renderBenchView } from '../../tools/synth/scene.ts';
import type { BoardType, ChipDefects } from '../../tools/synth/types.ts';

/** A synthetic hashboard with bare chips (no heatsink over them), optionally with chip defects. */
export function bareHashboard(seed: number, defects?: ChipDefects): BoardType {
  const t = boardTypeFromSeed(seed, 'hashboard');
  const chips = t.chips!;
  // without the stickers the generator lays over some chips: every chip can be seen and counted
  return { ...t, overlay: [], chips: { ...chips, heatsink: null, ...(defects ? { defects } : {}) } };
}

export const chipCount = (t: BoardType) => t.chips!.rows * t.chips!.cols;

export interface Shot {
  jpeg: Buffer;
  width: number;
  height: number;
  /** The board's bounding box in the frame, pixels. */
  bbox: { x: number; y: number; width: number; height: number };
}

/** An overhead bench view of the board; pose fields override the straight, centred one. */
export async function shoot(
  t: BoardType,
  seed: number,
  o: {
    width: number;
    height: number;
    pxPerMm: number;
    pose?: Record<string, number>;
    nuisance?: Partial<Nuisance>;
  },
): Promise<Shot> {
  const { jpeg, meta } = await renderBenchView(t, seed, {
    width: o.width,
    height: o.height,
    nuisance: { ...NO_NUISANCE, ...o.nuisance },
    background: 'esd-mat',
    pose: {
      cx: o.width / 2,
      cy: o.height / 2,
      angleDeg: 0,
      shear: 0,
      squash: 1,
      pxPerMm: o.pxPerMm,
      ...o.pose,
    },
    quality: 92,
  });
  return { jpeg, width: o.width, height: o.height, bbox: meta.board!.bbox };
}

/** Chip `i`'s box (row-major) in fractions of the board, for a straight view cropped to the board. */
export function chipBox(t: BoardType, i: number) {
  const c = chipRects(t.chips!)[i]!;
  return { x: c.x / t.width, y: c.y / t.height, width: c.w / t.width, height: c.h / t.height };
}
