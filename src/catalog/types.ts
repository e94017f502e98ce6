/** What a catalog entry shows. 'empty-bench' is a picture of an empty slot: matching it means "no board". */
export const BOARD_KINDS = ['hashboard', 'control-board', 'psu', 'empty-bench', 'other'] as const;
export type BoardKind = (typeof BOARD_KINDS)[number];

/** Where a reference image came from: uploaded, grabbed from a live slot, or a bulk import. */
export const REFERENCE_SOURCES = ['upload', 'live', 'import'] as const;
export type ReferenceSource = (typeof REFERENCE_SOURCES)[number];

export interface Board {
  id: number;
  vendor: string;
  model: string;
  kind: BoardKind;
  chipType: string | null;
  chipCount: number | null;
  notes: string;
  tags: string[];
  /** Regular expression (case-insensitive) the board's printed label matches; null: none. */
  textPattern: string | null;
  /** ms since the epoch */
  createdAt: number;
  /** ms since the epoch */
  updatedAt: number;
}

export interface BoardSummary extends Board {
  referenceCount: number;
}

export interface BoardInput {
  vendor: string;
  model: string;
  kind: BoardKind;
  chipType?: string | null;
  chipCount?: number | null;
  notes?: string;
  tags?: string[];
  textPattern?: string | null;
}

export type BoardPatch = Partial<BoardInput>;

/** A reference image of a board, without its bytes (see Catalog.getReferenceImage / getReferenceThumbnail). */
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

export interface NewReference {
  boardId: number;
  /** JPEG bytes */
  image: Buffer;
  /** small JPEG */
  thumbnail: Buffer;
  width: number;
  height: number;
  source: ReferenceSource;
  /** file name or slot name */
  sourceDetail?: string | null;
}

export interface EmbeddingInput {
  modelId: string;
  vector: Float32Array;
}

export interface TopKEntry {
  boardId: number;
  score: number;
}

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
}

export interface NewRecognition {
  at: number;
  camera: string;
  slot: string;
  boardId: number | null;
  score: number;
  margin: number;
  topk: TopKEntry[];
  modelId: string;
  /** small JPEG of the slot */
  thumbnail?: Buffer | null;
}

export interface RecognitionFilter {
  /** a board id, or null for unknown recognitions only; omitted: all */
  boardId?: number | null;
  camera?: string;
  slot?: string;
  /** inclusive, ms */
  from?: number;
  /** inclusive, ms */
  to?: number;
  /** the serial read off the board, exactly (ignoring case) */
  serial?: string;
  /** text read off the board (or its serial) contains this, ignoring case */
  text?: string;
}

export interface RecognitionQuery extends RecognitionFilter {
  limit: number;
  offset: number;
}

export interface RecognitionPage {
  /** newest first */
  rows: Recognition[];
  /** rows matching the filter, ignoring limit/offset */
  total: number;
}

export interface PruneThumbnailsOptions {
  /** drop thumbnails of recognitions with `at` before this (ms) */
  olderThan?: number;
  /** then drop the oldest thumbnails until the rest take at most this many bytes */
  maxTotalBytes?: number;
}

/** Every stored vector of one model, as one row-major matrix ready for cosine top-k. */
export interface EmbeddingSet {
  modelId: string;
  /** 0 when the model has no vectors */
  dim: number;
  referenceIds: Int32Array;
  boardIds: Int32Array;
  /** referenceIds.length * dim floats, row i belongs to referenceIds[i] */
  matrix: Float32Array;
}

export interface EmbeddingModelInfo {
  modelId: string;
  dim: number;
  count: number;
}

/** How the text read off a board relates to the visual match (see src/ocr/text-match.ts). */
export type TextVerdict = 'confirmed' | 'corrected' | 'ambiguous' | 'none';

/** One line of text read off a board; box corners are fractions of the slot, clockwise from top-left. */
export interface TextLine {
  text: string;
  confidence: number;
  box: [number, number][];
}

/** The text read off the board of one recognition (OCR), stored once OCR of its slot finishes. */
export interface RecognitionText {
  recognitionId: number;
  lines: TextLine[];
  serial: string | null;
  verdict: TextVerdict;
  /** The board vision named before the text was read. */
  visionBoardId: number | null;
  /** The board whose textPattern the text matched (confirmed or corrected). */
  textBoardId: number | null;
  /** OCR time for the slot, ms. */
  ms: number;
}
