import { io, type Socket } from 'socket.io-client';
import type {
  CatalogChangedPayload,
  ClientToServerEvents,
  FramePayload,
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
  frame: LiveFrame | null = null;
  /** The text read off each slot's current board (OCR), by slot. */
  ocr = new Map<string, OcrPayload>();
  /** Slots whose current board is still being read. */
  readonly ocrPending = new Set<string>();
  /** The unit (serial number) on each slot's current board, where known. */
  units = new Map<string, SlotUnit>();
  /** The history row of each slot's current recognition, where this client saw it. */
  readonly recognitionIds = new Map<string, number>();
  /** Whether the daemon reads labels (its snapshot says). */
  ocrEnabled = false;
  disconnectedAt: number | null = null;
  readonly series = new Series(300);
  readonly #socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  readonly #listeners = new Map<keyof Channels, Set<(p: never) => void>>();
  #frameWanters = 0;
  #decoding = false;
  #pending: FramePayload | null = null;

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
      this.ocr = new Map((p.ocr ?? []).map((o) => [o.slot, o]));
      this.units = new Map((p.units ?? []).map((u) => [u.slot, u]));
      this.recognitionIds.clear();
      for (const o of [...this.ocr.values(), ...this.units.values()])
        if (o.recognitionId !== null) this.recognitionIds.set(o.slot, o.recognitionId);
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
      this.slots = this.slots.some((v) => v.slot === p.slot)
        ? this.slots.map((v) => (v.slot === p.slot ? p : v))
        : [...this.slots, p];
      this.#emit('state', undefined);
    });
    s.on('recognized', (p) => {
      this.ocr.delete(p.slot);
      this.units.delete(p.slot);
      if (p.recognitionId === null) this.recognitionIds.delete(p.slot);
      else this.recognitionIds.set(p.slot, p.recognitionId);
      if (this.ocrEnabled) this.ocrPending.add(p.slot);
      this.#emit('recognized', p);
      this.#emit('state', undefined);
    });
    s.on('ocr', (p) => {
      this.ocrPending.delete(p.slot);
      this.ocr.set(p.slot, p);
      this.#emit('state', undefined);
    });
    s.on('cleared', (p) => {
      this.ocr.delete(p.slot);
      this.units.delete(p.slot);
      this.recognitionIds.delete(p.slot);
      this.ocrPending.delete(p.slot);
      this.#emit('state', undefined);
    });
    s.on('catalog', (p) => this.#emit('catalog', p));
    s.on('unit', (p) => {
      if (p.slot) this.units.set(p.slot.slot, p.slot);
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

  /** Decodes off the main thread; a frame arriving meanwhile replaces any older one still waiting. */
  #onFrame(p: FramePayload): void {
    if (this.#decoding) {
      this.#pending = p;
      return;
    }
    this.#decoding = true;
    createImageBitmap(new Blob([p.jpeg as BlobPart], { type: 'image/jpeg' }))
      .then((bitmap) => {
        this.frame?.bitmap.close();
        this.frame = { seq: p.seq, at: p.at, width: p.width, height: p.height, bitmap };
        this.#emit('frame', undefined);
      })
      .catch(() => undefined)
      .finally(() => {
        this.#decoding = false;
        const next = this.#pending;
        this.#pending = null;
        if (next) this.#onFrame(next);
      });
  }
}
