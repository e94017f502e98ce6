import type {
  BoardKind,
  PartNumberInfo,
  Recognition,
  ReferenceSource,
  TextLine,
  TextVerdict,
  TopKEntry,
  VerificationFields,
} from '../protocol.ts';

// The records the API also sends are defined once, in protocol.ts.
export {
  BOARD_KINDS,
  type BoardKind,
  REFERENCE_SOURCES,
  type Recognition,
  type Reference,
  type ReferenceSource,
  type TextLine,
  type TextVerdict,
  type TopKEntry,
} from '../protocol.ts';

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
  /** When the board was removed from the catalog (ms since the epoch); null: it is in the catalog. */
  removedAt: number | null;
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

export interface NewRecognition {
  at: number;
  camera: string;
  slot: string;
  boardId: number | null;
  score: number;
  margin: number;
  topk: TopKEntry[];
  modelId: string;
  /** what geometric verification found; omitted: it did not run */
  verification?: VerificationFields;
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
  /** the hashboard part number read off the board starts with this, ignoring case ("BHB426") */
  part?: string;
  /** true: inspected boards with a region missing or differing; false: inspected boards without */
  defects?: boolean;
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
  /** The hashboard part number in the text, with its family's facts as shown; null: none read. */
  partNumber: PartNumberInfo | null;
}
