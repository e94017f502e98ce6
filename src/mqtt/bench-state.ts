import { defectList } from '../inspect/verdict.ts';
import type {
  ChipCounts,
  InspectedPayload,
  OcrPayload,
  RegionDefect,
  SlotState,
  SlotView,
  StatusPayload,
  UnitEventPayload,
  UnitStatus,
} from '../protocol.ts';

/** `<prefix>/<camera>/<slot>/state`: the slot's board, as the slot's owner decided it. */
export interface SlotStateMessage {
  camera: string;
  slot: string;
  state: SlotState;
  boardId: number | null;
  vendor: string | null;
  model: string | null;
  /** The visual match's score when the slot took this state. */
  score: number;
  /** Whether local features confirmed the board (geometric verification), and with how many inliers. */
  verified: boolean;
  inliers: number | null;
  /** The board's chips counted by its inspection map (expected, found, missing, differs); null before or without one. */
  chips: ChipCounts | null;
  /** The regions the inspection found missing or different from the golden board. */
  defects: RegionDefect[];
  /** Read off the board's label (OCR), once read; null before, or when none was found. */
  serial: string | null;
  /** Who named the board: vision, or the label's text. */
  source: 'vision' | 'text';
  since: number;
  /** The physical board (unit) on the slot, once its serial is known: this visit and its count. */
  unit: SlotUnitMessage | null;
}

/** A unit as MQTT carries it: its serial, this visit's number, how many visits, its repair status. */
export interface SlotUnitMessage {
  serial: string;
  visit: number;
  visits: number;
  status: UnitStatus;
  statusLabel: string;
  flagged: boolean;
}

/** `<prefix>/<camera>/status`: is the camera usable, and the last serial read on one of its slots. */
export interface CameraStatusMessage {
  camera: string;
  /** Online and the picture is neither black nor frozen. */
  healthy: boolean;
  state: StatusPayload['camera']['state'];
  reason: string | null;
  suspect: string | null;
  since: number;
  fps: StatusPayload['fps'];
  lastSerial: { serial: string; slot: string; boardId: number | null; at: number } | null;
  at: number;
}

/** A camera as the daemon sees it now. */
export interface CameraView {
  id: string;
  camera: StatusPayload['camera'];
  fps: StatusPayload['fps'];
  slots: SlotView[];
}

/**
 * The retained state MQTT publishes, built from what the slot's owner and the camera announce: one
 * message per slot (changed only when its state, board or serial changes, not with every frame's
 * score) and one per camera. Pure bookkeeping: the publisher sends what changed.
 */
export class BenchState {
  readonly #slots = new Map<string, SlotStateMessage>();
  /** Per slot, the recognition whose text may still arrive (an older one's text no longer counts). */
  readonly #current = new Map<string, { recognitionId: number | null; at: number }>();
  readonly #lastSerial = new Map<string, CameraStatusMessage['lastSerial']>();
  readonly #cameras = new Map<string, CameraStatusMessage>();

  /** The slot's message when it changed, else null. */
  slot(view: SlotView): SlotStateMessage | null {
    const key = slotKey(view.camera, view.slot);
    const prev = this.#slots.get(key);
    if (prev && prev.state === view.state && prev.boardId === (view.board?.id ?? null)) return null;
    const next: SlotStateMessage = {
      camera: view.camera,
      slot: view.slot,
      state: view.state,
      boardId: view.board?.id ?? null,
      vendor: view.board?.vendor ?? null,
      model: view.board?.model ?? null,
      score: view.score,
      verified: view.verified,
      inliers: view.inliers,
      chips: view.state === 'recognized' ? (prev?.chips ?? null) : null,
      defects: view.state === 'recognized' ? (prev?.defects ?? []) : [],
      // the same recognition, named by its text now: its serial stays
      serial: view.state === 'recognized' ? (prev?.serial ?? null) : null,
      source: view.source,
      since: view.since,
      unit: view.state === 'recognized' ? (prev?.unit ?? null) : null,
    };
    this.#slots.set(key, next);
    return next;
  }

  /** A new recognition of the slot: its serial is unknown until its text is read (the message, if it had one). */
  recognized(
    camera: string,
    slot: string,
    recognitionId: number | null,
    at: number,
  ): SlotStateMessage | null {
    this.#current.set(slotKey(camera, slot), { recognitionId, at });
    const prev = this.#slots.get(slotKey(camera, slot));
    if (!prev || (prev.serial === null && prev.unit === null && prev.chips === null)) return null;
    prev.serial = null;
    prev.unit = null;
    prev.chips = null;
    prev.defects = [];
    return prev;
  }

  /** The slot's message when a unit event names the unit on it (its serial, visit, status), else null. */
  unit(p: UnitEventPayload): SlotStateMessage | null {
    if (p.slot === null) return null;
    const message = this.#slots.get(slotKey(p.slot.camera, p.slot.slot));
    const current = this.#current.get(slotKey(p.slot.camera, p.slot.slot));
    if (!message || (current && current.recognitionId !== p.slot.recognitionId)) return null;
    const unit: SlotUnitMessage = {
      serial: p.unit.serial,
      visit: p.slot.visit,
      visits: p.unit.visits,
      status: p.unit.status,
      statusLabel: p.unit.statusLabel,
      flagged: p.unit.flagged,
    };
    const prev = message.unit;
    if (
      prev &&
      prev.serial === unit.serial &&
      prev.visit === unit.visit &&
      prev.visits === unit.visits &&
      prev.status === unit.status &&
      prev.flagged === unit.flagged
    )
      return null;
    message.unit = unit;
    // a serial typed for the board counts as its serial too, until OCR reads one
    message.serial ??= unit.serial;
    return message;
  }

  /** The slot's message when the inspection of its current board counted its chips, else null. */
  inspected(p: InspectedPayload): SlotStateMessage | null {
    const current = this.#current.get(slotKey(p.camera, p.slot));
    const message = this.#slots.get(slotKey(p.camera, p.slot));
    if (
      !p.verified ||
      !message ||
      !current ||
      current.recognitionId !== p.recognitionId ||
      current.at !== p.at
    )
      return null;
    message.chips = p.counts.chips;
    message.defects = defectList(p.regions);
    return message;
  }

  cleared(camera: string, slot: string): void {
    this.#current.delete(slotKey(camera, slot));
  }

  /** The slot's message when the text of its current board brought a new serial, else null. */
  ocr(p: OcrPayload): SlotStateMessage | null {
    const key = slotKey(p.camera, p.slot);
    const current = this.#current.get(key);
    if (!current || current.recognitionId !== p.recognitionId || current.at !== p.at) return null;
    if (p.serial !== null) {
      this.#lastSerial.set(p.camera, {
        serial: p.serial,
        slot: p.slot,
        boardId: p.board?.id ?? null,
        at: p.at,
      });
    }
    const message = this.#slots.get(key);
    if (!message || message.serial === p.serial) return null;
    message.serial = p.serial;
    return message;
  }

  /** The camera's message when its health, state or last serial changed (or `force`), else null. */
  camera(view: Omit<CameraView, 'slots'>, force = false): CameraStatusMessage | null {
    const c = view.camera;
    const next: CameraStatusMessage = {
      camera: view.id,
      healthy: c.state === 'online' && c.suspect === null,
      state: c.state,
      reason: c.reason,
      suspect: c.suspect,
      since: c.since,
      fps: view.fps,
      lastSerial: this.#lastSerial.get(view.id) ?? null,
      at: Date.now(),
    };
    const prev = this.#cameras.get(view.id);
    const same =
      prev &&
      prev.healthy === next.healthy &&
      prev.state === next.state &&
      prev.reason === next.reason &&
      prev.suspect === next.suspect &&
      prev.lastSerial === next.lastSerial;
    if (same && !force) return null;
    this.#cameras.set(view.id, next);
    return next;
  }
}

function slotKey(camera: string, slot: string): string {
  return `${camera}/${slot}`;
}
