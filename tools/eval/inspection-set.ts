/**
 * The synthetic inspection set: hashboard types of a held-out split (never trained on), each with a
 * straight golden reference, good bench views and views carrying one defect with its truth.
 */
import sharp from 'sharp';
import { boardTypeFromSeed } from '../synth/board.ts';
import {
  applicableDefects,
  capacitors,
  type DefectTruth,
  inspectableHashboard,
  partBox,
  removableConnectors,
  withDefect,
} from '../synth/defects.ts';
import { NO_NUISANCE, type Nuisance } from '../synth/nuisance.ts';
import { chipRects } from '../synth/render-chips.ts';
import { renderBenchView } from '../synth/scene.ts';
import type { BoardType, Rect } from '../synth/types.ts';
import { type TypeSplit, typeSeed, viewSeed } from './views.ts';

/** Board types of the inspection rows start here in their split (apart from the recognition rows' boards). */
export const INSPECTION_FIRST = 2000;

/**
 * The bench's usual nuisances for an inspected board: light (exposure, gradient, vignette), blur, a
 * few degrees of rotation, some perspective, a hand or tool now and then; the board put down
 * anywhere on the slot, with its shadow, and the camera's noise and JPEG.
 */
export const INSPECTION_NUISANCE: Nuisance = {
  ...NO_NUISANCE,
  lighting: 0.6,
  blur: 0.3,
  rotation: 0.05,
  skew: 0.3,
  occlusion: 0.3,
  position: 0.5,
  shadow: 0.7,
  noise: 0.4,
  jpeg: 0.3,
};

/** A box in fractions of the board (the reference is the board, photographed straight and cropped). */
export interface FractionBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A box in fractions of the board, clipped to it (a technician draws on the reference). */
export function toBoardFractions(t: BoardType, r: Rect): FractionBox {
  const x = Math.max(0, r.x / t.width);
  const y = Math.max(0, r.y / t.height);
  return {
    x,
    y,
    width: Math.min(1, (r.x + r.w) / t.width) - x,
    height: Math.min(1, (r.y + r.h) / t.height) - y,
  };
}

/** A part a technician marks by hand on the map: connectors and capacitors, with their kind. */
export interface MarkedPart {
  kind: 'connector' | 'component';
  label: string;
  box: FractionBox;
}

export function markedParts(t: BoardType): MarkedPart[] {
  return [
    ...removableConnectors(t).map((c, i) => ({
      kind: 'connector' as const,
      label: `${c.kind} ${i + 1}`,
      box: toBoardFractions(t, partBox(c)),
    })),
    ...capacitors(t).map((c, i) => ({
      kind: 'component' as const,
      label: `capacitor ${i + 1}`,
      box: toBoardFractions(t, partBox(c)),
    })),
  ];
}

/** The box a technician marks around one chip: the chip, or its heatsink when it has one. */
export function markedChip(t: BoardType, chip: number): FractionBox {
  const c = chipRects(t.chips!)[chip]!;
  const o = t.chips!.heatsink?.overhang ?? 0;
  return toBoardFractions(t, { x: c.x - o, y: c.y - o, w: c.w + 2 * o, h: c.h + 2 * o });
}

export interface InspectionView {
  jpeg: Buffer;
  /** null: a good board. */
  defect: DefectTruth | null;
  /** Chips on the board (the map's count less a chip removed). */
  chipsPresent: number;
  /** Frame boxes of the hands, tools and cables over the view. */
  occluders: { x: number; y: number; width: number; height: number }[];
  /** Where they lie, pixel by pixel (1: covered) at OCCLUDER_MASK_SCALE of the frame; null: nothing over it. */
  occluderMask: { width: number; height: number; data: Uint8Array } | null;
  /** Board corners in the frame (top-left, top-right, bottom-right, bottom-left). */
  corners: Array<[number, number]>;
}

export interface InspectionBoard {
  type: BoardType;
  chips: number;
  /** The golden reference: the straight board, cropped to it (JPEG) with its region in the frame. */
  reference: { jpeg: Buffer; region: FractionBox };
  views: InspectionView[];
}

export interface InspectionSetOptions {
  seed: number;
  split: TypeSplit;
  boards: number;
  goodViews: number;
  defectViews: number;
  width: number;
  height: number;
}

/** Hashboard `index` of the inspection rows of a split, made countable (inspectableHashboard). */
export function inspectionType(seed: number, split: TypeSplit, index: number): BoardType {
  return inspectableHashboard(
    boardTypeFromSeed(typeSeed(seed, split, INSPECTION_FIRST + index), 'hashboard'),
  );
}

/** The straight golden reference of an inspection board (the picture its map is drawn on), with the board's region. */
export async function goldenReference(t: BoardType): Promise<InspectionBoard['reference']> {
  const width = 1600;
  const height = 800;
  const pxPerMm = Math.min(1500 / t.width, 740 / t.height);
  const { jpeg, meta } = await renderBenchView(t, viewSeed(t.seed, 'inspection-reference', 0), {
    width,
    height,
    nuisance: NO_NUISANCE,
    background: 'esd-mat',
    pose: { cx: width / 2, cy: height / 2, angleDeg: 0, shear: 0, squash: 1, pxPerMm },
    quality: 92,
  });
  const b = meta.board!.bbox;
  return {
    jpeg,
    region: { x: b.x / width, y: b.y / height, width: b.width / width, height: b.height / height },
  };
}

/** The occluder masks' size, a fraction of the frame's. */
export const OCCLUDER_MASK_SCALE = 0.25;

/** The occluders' own layer (scene.ts) as a mask: covered where it is at least half opaque (not their shadows). */
async function maskOf(layer: string, width: number, height: number): Promise<InspectionView['occluderMask']> {
  const w = Math.round(width * OCCLUDER_MASK_SCALE);
  const h = Math.round(height * OCCLUDER_MASK_SCALE);
  const alpha = await sharp(Buffer.from(layer))
    .resize(w, h, { fit: 'fill' })
    .ensureAlpha()
    .extractChannel(3)
    .raw()
    .toBuffer();
  const data = new Uint8Array(w * h);
  for (let i = 0; i < data.length; i++) data[i] = alpha[i]! >= 128 ? 1 : 0;
  return { width: w, height: h, data };
}

/** Renders the boards of one split: references, good views, and views with one defect each. */
export async function renderInspectionSet(o: InspectionSetOptions): Promise<InspectionBoard[]> {
  const out: InspectionBoard[] = [];
  for (let i = 0; i < o.boards; i++) {
    const t = inspectionType(o.seed, o.split, i);
    const chips = t.chips!.rows * t.chips!.cols;
    // the first defective view of every board has a chip removed (missing-chip recall is the headline)
    const others = applicableDefects(t).filter((k) => k !== 'chip-missing');
    const views: InspectionView[] = [];
    const shoot = async (type: BoardType, purpose: string, v: number, defect: DefectTruth | null) => {
      const { jpeg, meta, occluderLayer } = await renderBenchView(type, viewSeed(t.seed, purpose, v), {
        width: o.width,
        height: o.height,
        nuisance: INSPECTION_NUISANCE,
      });
      views.push({
        jpeg,
        defect,
        chipsPresent: chips - (defect?.kind === 'chip-missing' ? 1 : 0),
        occluders: meta.occluders.map((p) => p.bbox),
        occluderMask: occluderLayer ? await maskOf(occluderLayer, o.width, o.height) : null,
        corners: meta.board!.corners,
      });
    };
    for (let v = 0; v < o.goodViews; v++) await shoot(t, 'inspection-good', v, null);
    for (let v = 0; v < o.defectViews; v++) {
      const kind = v === 0 || others.length === 0 ? 'chip-missing' : others[(i + v) % others.length]!;
      const which = viewSeed(t.seed, 'inspection-defect-place', v) % 1000;
      const { type, truth } = withDefect(t, kind, which);
      await shoot(type, 'inspection-defect', v, truth);
    }
    out.push({ type: t, chips, reference: await goldenReference(t), views });
  }
  return out;
}
