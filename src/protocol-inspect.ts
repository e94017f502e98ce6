/* Inspection (issue 14): inspection maps, their chip proposals, and what an inspection found; re-exported by protocol.ts. */

import type { BoardInfo } from './protocol.ts';

/** What an inspection region shows (an inspection map's regions, issue 14). */
export const REGION_KINDS = ['chip', 'connector', 'heatsink', 'component', 'label'] as const;
export type RegionKind = (typeof REGION_KINDS)[number];

/** A box in fractions (0-1) of the reference photograph it is drawn on. */
export interface RegionBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface InspectionRegion {
  id: number;
  kind: RegionKind;
  label: string;
  box: RegionBox;
}

/** GET /api/boards/:id/inspection-map: the regions drawn on one reference of the board. */
export interface InspectionMapJson {
  boardId: number;
  referenceId: number;
  regions: InspectionRegion[];
  updatedAt: number;
}

/** POST /api/boards/:id/inspection-map/detect: chips that look like the marked one, in reading order. */
export interface ChipProposal {
  referenceId: number;
  regions: InspectionRegion[];
  found: number;
  /** The board's chipCount; null when the catalog does not state it. */
  expected: number | null;
  /** found differs from expected (shown before the map is saved). */
  mismatch: boolean;
  /**
   * Boxes that also matched the marked chip but were left out of `regions` (see leftOutBy); 0 when
   * none were.
   */
  leftOut: number;
  /**
   * Why they were left out: 'score', they scored clearly below the board's chipCount best ones (a
   * gap in score right after them); 'lattice', they lie off the rows and columns the chips sit on
   * (leaving exactly chipCount); null when none were.
   */
  leftOutBy: 'score' | 'lattice' | null;
}

/** hidden: under a hand, a tool or a cable lying over the board (not judged, not a defect). */
export const REGION_VERDICTS = ['present', 'missing', 'differs', 'hidden'] as const;
export type RegionVerdict = (typeof REGION_VERDICTS)[number];

export interface InspectedRegion extends InspectionRegion {
  verdict: RegionVerdict;
  /** Normalised cross-correlation with the golden reference (1: identical, 0 or below: unrelated). */
  score: number;
}

export interface ChipCounts {
  expected: number | null;
  found: number;
  missing: number;
  differs: number;
  /** Chips under something lying over the board: neither found nor missing. */
  hidden: number;
}

/** POST /api/inspect, and the `inspected` event's inspection. */
export interface InspectionJson {
  board: BoardInfo | null;
  verified: boolean;
  /** Why nothing was inspected (unverified, no map); null when it was. */
  reason: string | null;
  regions: InspectedRegion[];
  counts: { chips: ChipCounts };
  /** The difference over the picture (PNG, the frame's aspect, transparent where alike); null: none. */
  heatmapUrl: string | null;
  /**
   * The corners of the map's reference (top-left, top-right, bottom-right, bottom-left) in the
   * inspected picture (the slot), as fractions of it: a region's box maps through them onto the
   * picture (the dashboard's chip numbers). null when nothing was compared.
   */
  outline: [number, number][] | null;
  ms: number;
}

/** A slot's verified board inspected against its map (once per verified recognition, off the frame loop). */
export interface InspectedPayload extends InspectionJson {
  recognitionId: number | null;
  at: number;
  camera: string;
  slot: string;
  /** The inspection failed (the feature worker); the rest is empty. */
  error: string | null;
}
