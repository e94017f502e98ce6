import type {
  BoardKind,
  InspectionRegion,
  Outline,
  ReferenceSource,
  RegionDefect,
  UnitStatus,
} from '../../protocol.ts';

/**
 * What a box and the central PostgreSQL exchange. A board or reference is named shop-wide by the box
 * that made it and its id there; recognitions by their box and local id (the idempotent keys: a row
 * sent twice is stored once).
 */
export interface ShopKey {
  box: string;
  id: number;
}

/** The fields of a board that an edit changes; later edit wins per field. */
export interface BoardFields {
  vendor: string;
  model: string;
  kind: BoardKind;
  chipType: string | null;
  chipCount: number | null;
  notes: string;
  tags: string[];
  textPattern: string | null;
  removedAt: number | null;
}

export const BOARD_FIELDS = [
  'vendor',
  'model',
  'kind',
  'chipType',
  'chipCount',
  'notes',
  'tags',
  'textPattern',
  'removedAt',
] as const satisfies readonly (keyof BoardFields)[];

export interface CentralBoard {
  key: ShopKey;
  fields: BoardFields;
  createdAt: number;
  /** ms of the edit this state comes from */
  at: number;
}

export interface CentralReference {
  key: ShopKey;
  board: ShopKey;
  image: Buffer;
  thumbnail: Buffer;
  width: number;
  height: number;
  source: ReferenceSource;
  sourceDetail: string | null;
  sha256: string;
  createdAt: number;
}

export interface CentralEmbedding {
  reference: ShopKey;
  modelId: string;
  dim: number;
  /** dim float32 values, little-endian */
  vector: Buffer;
}

export interface CentralTopK {
  board: ShopKey | null;
  score: number;
}

/** The text read off the board (OCR), as stored locally. */
export interface CentralRecognitionText {
  lines: unknown[];
  text: string;
  serial: string | null;
  verdict: string;
  partNumber: string | null;
}

export interface CentralRecognition {
  box: string;
  localId: number;
  at: number;
  camera: string;
  slot: string;
  board: ShopKey | null;
  score: number;
  margin: number;
  topk: CentralTopK[];
  modelId: string;
  thumbnail: Buffer | null;
  /** Set by the shop-wide history query, which leaves the bytes out (fetched one at a time). */
  hasThumbnail?: boolean;
  text: CentralRecognitionText | null;
  /** Geometric verification as the box decided it (null: it did not run); synced with the row. */
  verified: boolean | null;
  inliers: number | null;
  outline: Outline | null;
  /** What the inspection found, as the box stored it (null: not inspected); sent again once it ran. */
  chipsExpected: number | null;
  chipsFound: number | null;
  /** Chips not judged, under a hand or a tool (null: not inspected, or a box before schema 11). */
  chipsHidden: number | null;
  defects: RegionDefect[] | null;
}

/** One version of a board's inspection map: the regions drawn on one reference, named shop-wide. */
export interface CentralMapVersion {
  reference: ShopKey;
  regions: InspectionRegion[];
}

/**
 * A board's inspection map (one per board, named by its board), as set by the edit at `at` on `box`;
 * `map` null: deleted (with its reference, or on its own). Later edit wins for the whole map.
 */
export interface CentralInspectionMap {
  board: ShopKey;
  map: CentralMapVersion | null;
  at: number;
  box: string;
}

/** One queued change of the outbox, read with the row as it is now. */
export type OutboundChange = { seq: number } & (
  | { entity: 'board'; board: CentralBoard; before: BoardFields | null }
  | { entity: 'reference'; reference: CentralReference }
  | { entity: 'reference-deleted'; key: ShopKey; at: number }
  | { entity: 'embedding'; embedding: CentralEmbedding }
  | { entity: 'recognition'; recognition: CentralRecognition }
  | { entity: 'unit'; unit: CentralUnit }
  | { entity: 'unit-visit'; visit: CentralUnitVisit }
  | { entity: 'unit-status'; statusChange: CentralUnitStatus }
  | { entity: 'unit-note'; note: CentralUnitNote }
  | { entity: 'unit-link'; link: CentralUnitLink }
  | { entity: 'inspection-map'; inspectionMap: CentralInspectionMap; before: CentralMapVersion | null }
);

/**
 * A unit (a physical board), named shop-wide by its serial. `board`: the board type it was seen as,
 * set by the edit at `boardAt` (later edit wins).
 */
export interface CentralUnit {
  serial: string;
  board: ShopKey | null;
  boardAt: number;
  createdAt: number;
}

/** A stay on a bench; sent again each time it is extended (the central side keeps the latest end). */
export interface CentralUnitVisit {
  key: ShopKey;
  serial: string;
  startedAt: number;
  lastSeenAt: number;
  camera: string | null;
  slot: string | null;
}

/** Status changes and notes are append-only events: every box's are kept. */
export interface CentralUnitStatus {
  key: ShopKey;
  serial: string;
  at: number;
  from: UnitStatus | null;
  status: UnitStatus;
  author: string;
}

export interface CentralUnitNote {
  key: ShopKey;
  serial: string;
  at: number;
  author: string;
  text: string;
}

/** A recognition of `box` (its local id) that saw the unit: history, sent up only. */
export interface CentralUnitLink {
  box: string;
  recognitionId: number;
  serial: string;
  source: 'ocr' | 'typed';
  visit: ShopKey | null;
  at: number;
}

/** Unit changes past a box's cursor; `units` carry the shop's current status. */
export interface InboundUnits {
  units: (CentralUnit & { status: UnitStatus })[];
  visits: CentralUnitVisit[];
  statusChanges: CentralUnitStatus[];
  notes: CentralUnitNote[];
}

/** Catalog changes the central side holds past a box's cursor, in revision order per table. */
export interface InboundChanges {
  boards: CentralBoard[];
  references: (CentralReference & { deletedAt: number | null })[];
  embeddings: CentralEmbedding[];
  units: InboundUnits;
  inspectionMaps: CentralInspectionMap[];
  /** the revision these bring the box up to */
  cursor: number;
}

export interface CentralRecognitionQuery {
  /** one box; '*' for the whole shop */
  box: string;
  camera?: string;
  slot?: string;
  board?: ShopKey | null;
  from?: number;
  to?: number;
  /** inspected rows with defects (true) or inspected clean (false) */
  defects?: boolean;
  limit: number;
  offset: number;
}

export interface CentralUnitQuery {
  /** units seen on one box; '*' for the whole shop */
  box: string;
  /** part of the serial (normalized) */
  serial?: string;
  board?: ShopKey;
  status?: UnitStatus;
  returning?: boolean;
  limit: number;
  offset: number;
}

/** A unit as the shop-wide Units page lists it; `box`: the box that saw it last. */
export interface CentralUnitSummary {
  serial: string;
  board: ShopKey | null;
  status: UnitStatus;
  firstSeen: number;
  lastSeen: number;
  visits: number;
  lastNote: { at: number; author: string; text: string } | null;
  box: string;
}
