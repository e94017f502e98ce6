import { io, type Socket } from 'socket.io-client';
import type {
  CameraBench,
  CameraStatusInfo,
  CatalogChangedPayload,
  ClientToServerEvents,
  FramePayload,
  InspectedPayload,
  OcrPayload,
  RecognizedPayload,
  ServerToClientEvents,
  SlotUnit,
  SlotView,
  StatusPayload,
  UnitEventPayload,
} from '../../../src/protocol.ts';
import { Series } from './series.ts';

export type Connection = 'connecting' | 'connected' | 'disconnected';

/** A camera's bench in the status (`camera` omitted: the first camera); undefined before a status. */
export function cameraBench(live: Pick<LiveClient, 'status'>, camera?: string): CameraBench | undefined {
  const cameras = live.status?.cameras ?? [];
  return camera === undefined ? cameras[0] : cameras.find((c) => c.id === camera);
}

/** A camera's source and health (`camera` omitted: the first camera). */
export function cameraStatus(
  live: Pick<LiveClient, 'status'>,
  camera?: string,
): CameraStatusInfo | undefined {
  return cameraBench(live, camera)?.camera ?? (camera === undefined ? live.status?.camera : undefined);
}

/** Slots of different cameras may have the same name: the live state is keyed by both. */
export function slotKey(camera: string, slot: string): string {
  return `${camera}/${slot}`;
}

export interface LiveFrame {
  seq: number;
  at: number;
  width: number;
  height: number;
  bitmap: ImageBitmap;
}

interface Channels {
  /** connection, status or slots changed */
  state: undefined;
  frame: undefined;
  recognized: RecognizedPayload;
  catalog: CatalogChangedPayload;
  unit: UnitEventPayload;
}

type Listener<K extends keyof Channels> = (payload: Channels[K]) => void;

/** After the daemon closes the socket itself (a restart), socket.io does not retry: we do. */
const RECONNECT_AFTER_SERVER_CLOSE_MS = 1000;

/**
 * The dashboard's one socket.io connection and the live state it feeds: snapshot on connect, then
 * status, slot, frame, recognized and catalog events. Components subscribe to a channel.
 */
export class LiveClient {
  connection: Connection = 'connecting';
  status: StatusPayload | null = null;
  slots: SlotView[] = [];
  /** The latest frame of each camera, by camera id. */
  readonly frames = new Map<string, LiveFrame>();
  /** The text read off each slot's current board (OCR), by slotKey. */
  ocr = new Map<string, OcrPayload>();
  /** Slots whose current board is still being read. */
  readonly ocrPending = new Set<string>();
  /** The unit (serial number) on each slot's current board, where known. */
  units = new Map<string, SlotUnit>();
  /** The history row of each slot's current recognition, where this client saw it. */
  readonly recognitionIds = new Map<string, number>();
  /** What the inspection of each slot's current board found (verified boards with a map), by slotKey. */
  readonly inspections = new Map<string, InspectedPayload>();
  /** Whether the daemon reads labels (its snapshot says). */
  ocrEnabled = false;
  disconnectedAt: number | null = null;
  readonly series = new Series(300);
  readonly #socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  readonly #listeners = new Map<keyof Channels, Set<(p: never) => void>>();
  #frameWanters = 0;
  /** Cameras whose frame is being decoded, and the newest frame waiting for each. */
  readonly #decoding = new Set<string>();
  readonly #pending = new Map<string, FramePayload>();

  constructor(url?: string) {
    this.#socket = io(url ?? window.location.origin, { reconnectionDelay: 500, reconnectionDelayMax: 3000 });
    const s = this.#socket;
    s.on('connect', () => {
      this.connection = 'connected';
      this.disconnectedAt = null;
      s.emit('frames:subscribe', this.#framesOn());
      this.#emit('state', undefined);
    });
    s.on('disconnect', (reason) => {
      this.connection = 'disconnected';
      this.disconnectedAt ??= Date.now();
      if (reason === 'io server disconnect') setTimeout(() => s.connect(), RECONNECT_AFTER_SERVER_CLOSE_MS);
      this.#emit('state', undefined);
    });
    s.on('connect_error', () => {
      this.connection = 'disconnected';
      this.disconnectedAt ??= Date.now();
      this.#emit('state', undefined);
    });
    s.on('snapshot', (p) => {
      this.status = p.status;
      this.slots = p.slots;
      this.ocrEnabled = p.ocr !== undefined;
      this.ocr = new Map((p.ocr ?? []).map((o) => [slotKey(o.camera, o.slot), o]));
      this.units = new Map((p.units ?? []).map((u) => [slotKey(u.camera, u.slot), u]));
      this.inspections.clear();
      for (const i of p.inspected ?? []) if (i.verified) this.inspections.set(slotKey(i.camera, i.slot), i);
      this.recognitionIds.clear();
      for (const [key, o] of [...this.ocr, ...this.units, ...this.inspections])
        if (o.recognitionId !== null) this.recognitionIds.set(key, o.recognitionId);
      this.ocrPending.clear();
      this.series.push(p.status);
      this.#emit('state', undefined);
    });
    s.on('status', (p) => {
      this.status = p;
      this.series.push(p);
      this.#emit('state', undefined);
    });
    s.on('slot', (p) => {
      const same = (v: SlotView) => v.slot === p.slot && v.camera === p.camera;
      this.slots = this.slots.some(same) ? this.slots.map((v) => (same(v) ? p : v)) : [...this.slots, p];
      this.#emit('state', undefined);
    });
    s.on('recognized', (p) => {
      const key = slotKey(p.camera, p.slot);
      this.ocr.delete(key);
      this.units.delete(key);
      this.inspections.delete(key);
      if (p.recognitionId === null) this.recognitionIds.delete(key);
      else this.recognitionIds.set(key, p.recognitionId);
      if (this.ocrEnabled) this.ocrPending.add(key);
      this.#emit('recognized', p);
      this.#emit('state', undefined);
    });
    s.on('ocr', (p) => {
      const key = slotKey(p.camera, p.slot);
      this.ocrPending.delete(key);
      this.ocr.set(key, p);
      this.#emit('state', undefined);
    });
    s.on('inspected', (p) => {
      const key = slotKey(p.camera, p.slot);
      // an inspection of an older recognition of the slot (a board since changed) is not its board's
      const current = this.recognitionIds.get(key);
      if (!p.verified || (current !== undefined && p.recognitionId !== current)) return;
      this.inspections.set(key, p);
      this.#emit('state', undefined);
    });
    s.on('cleared', (p) => {
      const key = slotKey(p.camera, p.slot);
      this.inspections.delete(key);
      this.ocr.delete(key);
      this.units.delete(key);
      this.recognitionIds.delete(key);
      this.ocrPending.delete(key);
      this.#emit('state', undefined);
    });
    s.on('catalog', (p) => this.#emit('catalog', p));
    s.on('unit', (p) => {
      if (p.slot) this.units.set(slotKey(p.slot.camera, p.slot.slot), p.slot);
      this.#emit('unit', p);
      this.#emit('state', undefined);
    });
    s.on('frame', (p) => this.#onFrame(p));
    document.addEventListener('visibilitychange', () => this.#sendFramePreference());
  }

  on<K extends keyof Channels>(channel: K, fn: Listener<K>): () => void {
    let set = this.#listeners.get(channel);
    if (!set) {
      set = new Set();
      this.#listeners.set(channel, set);
    }
    set.add(fn as (p: never) => void);
    return () => set.delete(fn as (p: never) => void);
  }

  /** Frames are streamed only while some view shows them and the tab is visible. */
  wantFrames(): () => void {
    this.#frameWanters++;
    this.#sendFramePreference();
    return () => {
      this.#frameWanters--;
      this.#sendFramePreference();
    };
  }

  #framesOn(): boolean {
    return this.#frameWanters > 0 && document.visibilityState !== 'hidden';
  }

  #sendFramePreference(): void {
    if (this.#socket.connected) this.#socket.emit('frames:subscribe', this.#framesOn());
  }

  #emit<K extends keyof Channels>(channel: K, payload: Channels[K]): void {
    for (const fn of this.#listeners.get(channel) ?? []) (fn as Listener<K>)(payload);
  }

  /**
   * Decodes off the main thread; a frame arriving meanwhile replaces any older one of its camera still
   * waiting.
   */
  #onFrame(p: FramePayload): void {
    const camera = p.camera;
    if (this.#decoding.has(camera)) {
      this.#pending.set(camera, p);
      return;
    }
    this.#decoding.add(camera);
    createImageBitmap(new Blob([p.jpeg as BlobPart], { type: 'image/jpeg' }))
      .then((bitmap) => {
        this.frames.get(camera)?.bitmap.close();
        this.frames.set(camera, { seq: p.seq, at: p.at, width: p.width, height: p.height, bitmap });
        this.#emit('frame', undefined);
      })
      .catch(() => undefined)
      .finally(() => {
        this.#decoding.delete(camera);
        const next = this.#pending.get(camera);
        this.#pending.delete(camera);
        if (next) this.#onFrame(next);
      });
  }
}
