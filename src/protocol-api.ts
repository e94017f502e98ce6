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

/** A reference photo of a board, with where to load it. */
export interface ReferenceJson extends Reference {
  imageUrl: string;
  thumbnailUrl: string;
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
}

/**
 * A slot's picture held for a while (POST /api/captures): the enroll dialog shows `imageUrl` and
 * saves exactly that picture with `{"fromCapture": id}`.
 */
export interface CaptureJson {
  id: string;
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
