/**
 * The HTTP API's records (boards, references, history, models), shared by the daemon and the
 * dashboard; re-exported by protocol.ts, where the live events and limits are defined.
 */
import type { BoardInfo, PartNumberInfo, TextLine, TextVerdict } from './protocol.ts';

/** Where a reference image came from: uploaded, grabbed from a live slot, or a bulk import. */
export const REFERENCE_SOURCES = ['upload', 'live', 'import'] as const;
export type ReferenceSource = (typeof REFERENCE_SOURCES)[number];

/** A reference image of a board, without its bytes. */
export interface Reference {
  id: number;
  boardId: number;
  width: number;
  height: number;
  source: ReferenceSource;
  sourceDetail: string | null;
  /** hex SHA-256 of the JPEG bytes */
  sha256: string;
  createdAt: number;
}

/** How many local features (ORB keypoints) geometric verification found on a reference photo. */
export interface ReferenceFeatureCount {
  keypoints: number;
  /** Too few to verify the board well: a blurred or featureless photo (enrollment warns). */
  few: boolean;
}

/** A reference photo of a board, with where to load it. */
export interface ReferenceJson extends Reference {
  imageUrl: string;
  thumbnailUrl: string;
  /** null: verification is off (match.verify.enabled: false), or the features are not computed yet */
  features: ReferenceFeatureCount | null;
}

export interface BoardJson extends BoardInfo {
  textPattern?: string | null;
  createdAt: number;
  updatedAt: number;
  references: ReferenceJson[];
}

export interface TopKEntry {
  boardId: number;
  score: number;
}

/** Four [x, y] points, fractions of the frame: the board's corners where geometric verification found them. */
export type Outline = [[number, number], [number, number], [number, number], [number, number]];

/** What geometric verification said about a recognition (match.verify). */
export interface VerificationFields {
  /** true: local features confirmed the board (its outline was found) */
  verified: boolean;
  /** inliers of the best board's best reference; null: verification did not run */
  inliers: number | null;
  outline: Outline | null;
}

/** One row of the recognition history: which board was in which slot, when, and how sure the match was. */
export interface Recognition {
  id: number;
  /** ms since the epoch */
  at: number;
  camera: string;
  slot: string;
  /** null: no board matched well enough (unknown) */
  boardId: number | null;
  score: number;
  margin: number;
  topk: TopKEntry[];
  modelId: string;
  hasThumbnail: boolean;
  verified: boolean;
  inliers: number | null;
  outline: Outline | null;
  /** What the inspection found (absent or null: not inspected) */
  chipsExpected?: number | null;
  chipsFound?: number | null;
  /** Chips not judged: a hand, a tool or a cable lay over them (null: not inspected, or before schema 11) */
  chipsHidden?: number | null;
  defects?: RegionDefect[] | null;
}

/** A region an inspection found missing or differing, as history keeps it. */
export interface RegionDefect {
  id: number;
  label: string;
  verdict: 'missing' | 'differs';
}

/**
 * A slot's picture held for a while (POST /api/captures): the enroll dialog shows `imageUrl` and
 * saves exactly that picture with `{"fromCapture": id}`.
 */
export interface CaptureJson {
  id: string;
  /** the camera whose slot it is */
  camera: string;
  slot: string;
  /** ms since the epoch: when the frame was captured, and until when the picture is kept */
  capturedAt: number;
  expiresAt: number;
  imageUrl: string;
}

/** The board a history row names: removedAt is set once it was removed from the catalog. */
export interface HistoryBoard extends BoardInfo {
  removedAt: number | null;
}

export interface RecognitionJson extends Recognition {
  /** The box that recognized it (shop-wide history, `?box=`); absent: this box. */
  box?: string;
  board: HistoryBoard | null;
  thumbnailUrl: string | null;
  /** The text read off the board (OCR); null until read, or with OCR off. */
  text: {
    lines: TextLine[];
    serial: string | null;
    partNumber: PartNumberInfo | null;
    verdict: TextVerdict;
    textOverride: boolean;
    visionBoardId: number | null;
  } | null;
}

export interface RecognitionPage {
  total: number;
  limit: number;
  offset: number;
  items: RecognitionJson[];
  /**
   * Only with `?box=`: 'central' when the shop's history answered; 'local-only' when the central side
   * is not configured or not reachable (this box's rows only), with `reason`.
   */
  source?: 'central' | 'local-only';
  reason?: string | null;
}

/**
 * GET /api/boards/:id/conflicts: fields of a board edited on two boxes apart (later edit wins per field;
 * `kept` is the value that won, `other` the one that lost, each with its box and time). The board's
 * inspection map is one field, `inspectionMap` (later edit wins for the whole map): each value is
 * `{ referenceId, regions }` (referenceId: this box's, null when it does not hold the reference) or
 * null (the map deleted). From the central side; 'local-only' (no rows) with `reason` when it is not
 * reachable or not configured.
 */
export interface BoardConflictPage {
  source: 'central' | 'local-only';
  reason: string | null;
  items: {
    field: string;
    kept: unknown;
    keptBox: string;
    keptAt: number;
    other: unknown;
    otherBox: string;
    otherAt: number;
  }[];
}

/** A model known in models/ (GET /api/models). */
export interface ModelInfo {
  name: string;
  id: string;
  description: string;
  installed: boolean;
  active: boolean;
  bytes: number | null;
  embeddingSize: number;
  randomWeights: boolean;
  license: string | null;
  url: string | null;
}

/** A board as the dashboard's forms send it (POST /api/boards, PATCH /api/boards/:id). */
export type BoardInput = Omit<BoardInfo, 'id'> & { textPattern: string | null };

/** Where the API serves a history row's picture (the slot when it was recognized). */
export function recognitionThumbnailPath(id: number): string {
  return `/api/recognitions/${id}/thumbnail.jpg`;
}

/* Units: one physical board (a serial number) across its visits to the bench. */

/** A unit's repair status, as stored; the shop names them in the config (units.statuses). */
export const UNIT_STATUSES = ['received', 'diagnosing', 'repairing', 'testing', 'done', 'returned'] as const;
export type UnitStatus = (typeof UNIT_STATUSES)[number];

export const UNIT_LIMITS = { serial: 64, note: 10_000 } as const;

export interface UnitNote {
  at: number;
  author: string;
  text: string;
}

/** A unit as lists show it; first/last seen and visits come from its visits. */
export interface UnitSummary {
  serial: string;
  boardId: number | null;
  board: BoardInfo | null;
  status: UnitStatus;
  /** the status as the shop names it (units.statuses) */
  statusLabel: string;
  firstSeen: number;
  lastSeen: number;
  visits: number;
  /** a conflict waits for a technician to settle it */
  flagged: boolean;
  lastNote: UnitNote | null;
  /** Only with `?box=`: the box that saw the unit last. */
  box?: string;
}

export interface UnitVisit {
  number: number;
  startedAt: number;
  lastSeenAt: number;
  camera: string | null;
  slot: string | null;
}

export interface UnitStatusChange {
  at: number;
  from: UnitStatus | null;
  status: UnitStatus;
  author: string;
}

export type UnitConflictResolution = 'typed' | 'ocr' | 'unit' | 'seen';

/**
 * serial: OCR read `ocrSerial` and someone typed `typedSerial` for the same recognition (answer
 * 'typed' or 'ocr'); board: the serial was seen on `seenBoard`, not the unit's `unitBoard` (answer
 * 'unit' or 'seen': 'seen' moves the unit to that board type).
 */
export interface UnitConflict {
  id: number;
  kind: 'serial' | 'board';
  at: number;
  recognitionId: number | null;
  typedSerial: string | null;
  ocrSerial: string | null;
  unitBoard: BoardInfo | null;
  seenBoard: BoardInfo | null;
  resolution: UnitConflictResolution | null;
  resolvedAt: number | null;
  resolvedBy: string | null;
}

export interface UnitRecognition {
  id: number;
  at: number;
  camera: string;
  slot: string;
  boardId: number | null;
  source: 'ocr' | 'typed';
  visit: number | null;
  thumbnailUrl: string | null;
}

/** The statuses in workflow order, with the shop's names for them (units.statuses). */
export type UnitStatusNames = { status: UnitStatus; label: string }[];

/** GET /api/units/:serial: the unit's whole record; photos are its recognitions' thumbnails. */
export interface UnitRecord extends UnitSummary {
  statuses: UnitStatusNames;
  visitList: UnitVisit[];
  statusChanges: UnitStatusChange[];
  notes: UnitNote[];
  conflicts: UnitConflict[];
  recognitions: UnitRecognition[];
}

export interface UnitPage {
  statuses: UnitStatusNames;
  total: number;
  limit: number;
  offset: number;
  items: UnitSummary[];
  /** Only with `?box=`: as RecognitionPage's (the shop's units, or this box's only, with why). */
  source?: 'central' | 'local-only';
  reason?: string | null;
}

/** The unit on a slot's board now, for the live card ("Returning board: 3rd visit, last on ..."). */
export interface SlotUnit {
  camera: string;
  slot: string;
  recognitionId: number | null;
  unit: UnitSummary;
  /** this visit's number (1: first time on the bench) */
  visit: number;
  /** the visit before this one ended then, with the unit in that status; null on a first visit */
  previous: { lastSeen: number; status: UnitStatus; statusLabel: string } | null;
}

export interface UnitEventPayload {
  action: 'created' | 'visit' | 'linked' | 'status' | 'note' | 'flagged' | 'resolved';
  unit: UnitSummary;
  /** set when the unit is on a slot (a sighting, or an edit of a unit on the bench) */
  slot: SlotUnit | null;
}
