/**
 * The wire protocol between the daemon and its dashboards: socket.io event name -> payload type, the
 * HTTP API's shapes, and the few constants both sides check against (board kinds and limits, text
 * verdicts). Imported by src/ and by dashboard/, so both sides agree; nothing here runs.
 */

import type { SlotUnit, UnitEventPayload, VerificationFields } from './protocol-api.ts';
import type { InspectedPayload } from './protocol-inspect.ts';

/** What a catalog entry shows. 'empty-bench' is a picture of an empty slot: matching it means "no board". */
export const BOARD_KINDS = ['hashboard', 'control-board', 'psu', 'empty-bench', 'other'] as const;
export type BoardKind = (typeof BOARD_KINDS)[number];

/** The dashboard's languages (its message catalogues); `server.defaultLanguage` is one of them. */
export const DASHBOARD_LANGUAGES = ['en', 'fr-CA'] as const;
export type DashboardLanguage = (typeof DASHBOARD_LANGUAGES)[number];

/** GET /api/dashboard: what the pages (the login page too) need before they show anything. */
export interface DashboardSettings {
  defaultLanguage: DashboardLanguage;
}

/** The longest a board's fields may be: the catalog's schema and the dashboard's form both check these. */
export const BOARD_LIMITS = {
  vendor: 80,
  model: 120,
  chipType: 80,
  chipCount: 10_000,
  notes: 10_000,
  tags: 50,
  tag: 40,
  textPattern: 200,
} as const;

export interface BoardInfo {
  id: number;
  vendor: string;
  model: string;
  kind: BoardKind;
  chipType: string | null;
  chipCount: number | null;
  notes: string;
  tags: string[];
}

export interface Candidate {
  boardId: number;
  vendor: string;
  model: string;
  score: number;
}

export type CameraState = 'starting' | 'online' | 'offline' | 'error' | 'stopped';

/** A model switch in progress: references re-embedded with the target model so far. */
export interface ModelSwitch {
  target: string;
  done: number;
  total: number;
  error: string | null;
}

/** A camera's picture source and its health. */
export interface CameraStatusInfo {
  id: string;
  kind: string;
  state: CameraState;
  reason: string | null;
  since: number;
  retries: number;
  /** Online but the picture is useless (black or frozen for a while), with why. */
  suspect: string | null;
}

/** A camera's frames since start. */
export interface FrameCounts {
  captured: number;
  encoded: number;
  dropped: number;
  skippedByGate: number;
  /** Slot pictures sent to geometric verification (off the frame loop). */
  verified: number;
}

/** One camera of the daemon (a bench): its health, frame rates, gate and slots. */
export interface CameraBench {
  id: string;
  camera: CameraStatusInfo;
  fps: { captured: number; encoded: number };
  frames: FrameCounts;
  gate: { enabled: boolean; lastDiff: number; state: string };
  slots: SlotView[];
}

export interface StatusPayload {
  at: number;
  /** Every camera, in config order, with its slots. */
  cameras: CameraBench[];
  /** The first camera (the one `/api/frame.jpg` shows); `cameras` has them all. */
  camera: CameraStatusInfo;
  fps: { captured: number; encoded: number };
  /** Median over the last frames, ms. */
  timings: { preprocessMs: number; encodeMs: number; matchMs: number };
  model: { id: string; name: string; randomWeights: boolean; providers: string[]; references: number };
  /** The match policy in force: a board is named at this score or above, this far ahead of the next. */
  match: { threshold: number; minMargin: number };
  frames: FrameCounts;
  gate: { enabled: boolean; lastDiff: number; state: string };
  /** History writes and free disk space: 'error' when a write failed (disk full, read-only). */
  storage: { state: 'ok' | 'low' | 'error'; reason: string | null; freeMB: number | null };
  /** Set while `benchsight model use` re-embeds the catalog; recognition continues with the old model. */
  modelSwitch: ModelSwitch | null;
  uptimeS: number;
  /** The MQTT broker connection; null or absent when mqtt is not configured. */
  mqtt?: MqttStatus | null;
  /** Each configured webhook's deliveries. */
  webhooks?: WebhookStatus[];
  /** The link to the shop's central PostgreSQL; null when not configured. */
  central?: CentralStatus | null;
}

/**
 * connected: sending and pulling; connecting: first attempt; unreachable: no answer (retried);
 * refused: the login was refused (wrong user or password, retried slowly); schema: the central
 * schema is missing or older than this box (`benchsight central init`); stopped: stopping.
 */
export const CENTRAL_STATES = [
  'connecting',
  'connected',
  'unreachable',
  'refused',
  'schema',
  'stopped',
] as const;
export type CentralState = (typeof CENTRAL_STATES)[number];

export interface CentralStatus {
  /** This box's name in the shop. */
  box: string;
  /** The central server, without credentials. */
  url: string;
  state: CentralState;
  /** Why it is not connected (what to fix). */
  reason: string | null;
  since: number;
  /** Changes waiting in this box's outbox (history and catalog). */
  pendingUp: number;
  /** Changes sent and stored centrally since start. */
  sent: number;
  /** Catalog rows pulled from other boxes since start. */
  pulled: number;
  /** The last completed exchange (ms), null before the first. */
  lastSyncAt: number | null;
  /** Failed attempts since the last success, and the wait before the next. */
  attempts: number;
  retryInMs: number | null;
}

/**
 * connected: publishing; connecting: first attempt, or again after the broker went away; refused:
 * the broker refused the login (retried with backoff); stopped: the daemon is stopping.
 */
export type MqttState = 'connecting' | 'connected' | 'refused' | 'stopped';

export interface MqttStatus {
  /** The broker, without credentials. */
  url: string;
  state: MqttState;
  /** Why it is not connected. */
  reason: string | null;
  since: number;
  /** Successful connections since start (more than 1: it reconnected). */
  connects: number;
  /** Failed connection attempts since the last success, and the wait before the next (backoff). */
  attempts: number;
  retryInMs: number | null;
  /** Messages the broker acknowledged. */
  published: number;
  /** Events waiting for the broker. */
  queued: number;
  /** Events dropped, the oldest first, because the queue was full while the broker was away. */
  dropped: number;
}

export interface WebhookStatus {
  /** The hook's URL without credentials, query or fragment. */
  url: string;
  /** ok: the last delivery succeeded (or none was due yet); failing: the last attempt failed. */
  state: 'ok' | 'failing';
  delivered: number;
  /** Attempts that failed (each retry counts). */
  failures: number;
  /** Events given up on: a 4xx answer, or every retry failed. */
  abandoned: number;
  /** Events dropped, the oldest first, because the hook's queue was full. */
  dropped: number;
  queued: number;
  lastError: string | null;
  lastErrorAt: number | null;
}

export type SlotState = 'pending' | 'recognized' | 'unknown' | 'empty';

export interface SlotView extends VerificationFields {
  /** The camera whose picture holds the slot. */
  camera: string;
  slot: string;
  /** Fractions of the frame. */
  rect: { x: number; y: number; width: number; height: number };
  state: SlotState;
  board: BoardInfo | null;
  /** Who named `board`: vision (the match), or the text on the board's label, which overrides it. */
  source: 'vision' | 'text';
  /** The visual match's best score and lead (of vision's board, also when the label named another). */
  score: number;
  margin: number;
  candidates: Candidate[];
  since: number;
}

export interface FramePayload {
  /** The camera the frame is from. */
  camera: string;
  seq: number;
  at: number;
  width: number;
  height: number;
  jpeg: ArrayBuffer | Uint8Array;
}

export interface RecognizedPayload extends VerificationFields {
  /** History row id. */
  recognitionId: number | null;
  at: number;
  camera: string;
  slot: string;
  /** null: something is on the bench but it matches no board well enough (unknown). */
  board: BoardInfo | null;
  score: number;
  margin: number;
  candidates: Candidate[];
}

/**
 * How the text read off a board relates to the visual match:
 * - confirmed: the text matches the label pattern of the board vision named;
 * - corrected: the text matches exactly one other board's pattern: the recognition now names that board;
 * - ambiguous: the text matches several other boards' patterns: vision stands;
 * - none: no board's label pattern matches the text (or no board has one).
 */
export const TEXT_VERDICTS = ['confirmed', 'corrected', 'ambiguous', 'none'] as const;
export type TextVerdict = (typeof TEXT_VERDICTS)[number];

/** One line of text read off a board; box: 4 corners as fractions of the slot, clockwise from its top-left. */
export interface TextLine {
  text: string;
  /** mean character confidence, 0..1 */
  confidence: number;
  box: [number, number][];
}

/**
 * A Bitmain hashboard part number read off the silkscreen ("BHB42601"), with the facts of its family
 * from the shipped hardware reference (src/hardware/reference-data.json). A code of the right shape
 * that fits no family has `family` null and makes no claim.
 */
export interface PartNumberInfo {
  /** the code with look-alike characters (O/0, I/1, B/8) resolved, in capitals; a trailing dash kept */
  code: string;
  /** the characters OCR read */
  read: string;
  /** the family's id ("BHB425xx/BHB426xx"); null: no known family */
  family: string | null;
  asicChip: string | null;
  models: string[];
  chipsPerBoard: number | null;
  /** a trailing dash: a sub-revision (often an alternate-cooling board) of the same family */
  subRevision: boolean;
  /** where the family's facts come from */
  source: string | null;
}

/**
 * The text read off a slot's board. OCR runs once per stable recognition, after `recognized` went
 * out; this follows with the same recognitionId (and updates that history row).
 */
export interface OcrPayload {
  recognitionId: number | null;
  /** the recognition's time */
  at: number;
  camera: string;
  slot: string;
  lines: TextLine[];
  /** found with ocr.serialPattern, in capitals */
  serial: string | null;
  /** the hashboard part number in the text, with its family's facts; null: none read */
  partNumber: PartNumberInfo | null;
  /** true when the board the recognition names has a chip type the part number contradicts */
  partNumberConflict: boolean;
  verdict: TextVerdict;
  /** true when text and vision disagree and the text won: `board` is the board the text names */
  textOverride: boolean;
  /** the board the recognition names now */
  board: BoardInfo | null;
  /** the board vision named */
  visionBoard: BoardInfo | null;
  /** the board whose label pattern the text matched */
  textBoard: BoardInfo | null;
  /** OCR time for the slot, ms */
  ms: number;
  /** why OCR failed (lines are empty then); null when it worked */
  error: string | null;
}

export interface ClearedPayload {
  at: number;
  camera: string;
  slot: string;
  previousBoardId: number | null;
  reason: 'empty' | 'changed';
}

export type CatalogChangedPayload =
  | {
      entity: 'board' | 'reference';
      action: 'created' | 'updated' | 'deleted';
      id: number;
      boardId: number;
    }
  /** Many changes at once (an import), or changes another process made (the CLI): read the catalog again. */
  | { entity: 'catalog'; action: 'reloaded' };

/** A camera went online, or offline (absent, unplugged, hung, error): `reason` says why. */
export interface CameraEventPayload {
  at: number;
  camera: string;
  state: 'online' | 'offline';
  reason: string | null;
}

export interface SnapshotPayload {
  status: StatusPayload;
  slots: SlotView[];
  /** the text read off each slot's current board, where OCR has finished */
  ocr?: OcrPayload[];
  /** the unit (serial number) on each slot's current board, where it is known */
  units?: SlotUnit[];
  /** the inspection of each slot's current board (chips counted, defects), where it has finished */
  inspected?: InspectedPayload[];
}

export interface ServerToClientEvents {
  snapshot: (payload: SnapshotPayload) => void;
  status: (payload: StatusPayload) => void;
  frame: (payload: FramePayload) => void;
  slot: (payload: SlotView) => void;
  recognized: (payload: RecognizedPayload) => void;
  ocr: (payload: OcrPayload) => void;
  inspected: (payload: InspectedPayload) => void;
  cleared: (payload: ClearedPayload) => void;
  catalog: (payload: CatalogChangedPayload) => void;
  unit: (payload: UnitEventPayload) => void;
  camera: (payload: CameraEventPayload) => void;
}

export interface ClientToServerEvents {
  /** Turn the frame stream on or off for this client (on by default). */
  'frames:subscribe': (on: boolean) => void;
}

export const EVENT_NAMES = [
  'snapshot',
  'status',
  'frame',
  'slot',
  'recognized',
  'ocr',
  'inspected',
  'cleared',
  'catalog',
  'camera',
  'unit',
] as const;

/** The events the daemon sends out to MQTT (`<prefix>/events`) and webhooks. */
export const OUTBOUND_EVENTS = ['recognized', 'cleared', 'ocr', 'inspected', 'camera', 'unit'] as const;
export type OutboundEventName = (typeof OUTBOUND_EVENTS)[number];

/** An event as MQTT and webhooks send it: its name, and the same fields as the socket.io event. */
export type OutboundEvent = {
  [K in OutboundEventName]: { event: K } & Parameters<ServerToClientEvents[K]>[0];
}[OutboundEventName];

/* The records the catalog stores and the HTTP API sends: the routes build them, the dashboard reads them. */

export * from './protocol-api.ts';

export * from './protocol-inspect.ts';
