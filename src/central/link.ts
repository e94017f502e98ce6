import type { Bus } from '../bus.ts';
import { CentralStore } from '../catalog/central/store.ts';
import type { InboundChanges } from '../catalog/central/types.ts';
import { redactUrl } from '../catalog/central/url.ts';
import type { Catalog } from '../catalog/index.ts';
import type { CentralConfig } from '../config/central.ts';
import { BenchsightError, errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { CentralState, CentralStatus } from '../protocol.ts';

export interface CentralLinkOptions {
  config: CentralConfig;
  catalog: Catalog;
  logger: Logger;
  /** Wakes the link at once when this box recognized or enrolled something (daemon only). */
  bus?: Bus;
  /** Catalog changes from other boxes are in SQLite: embed, reload the index, rescan, announce. */
  pulled: () => Promise<void>;
}

/** Outbox rows per transaction, and catalog revisions per pull (references carry their images). */
const SEND_BATCH = 200;
const PULL_BATCH = 100;
const MAX_BACKOFF_MS = 10_000;

/**
 * The one owner of the box's link to the central PostgreSQL. Recognition never waits on it: every
 * row is written to SQLite first (with its outbox entry, by trigger) and this loop sends the outbox
 * in order, pulls the catalog changes other boxes made, and keeps trying, with backoff, while the
 * central side is away or refuses the login. Its status is the one the API, dashboard and /metrics show.
 */
export class CentralLink {
  readonly #o: CentralLinkOptions;
  #store: CentralStore | null = null;
  #loop: Promise<void> | null = null;
  #stopping = false;
  #wake: (() => void) | null = null;
  #woken = false;
  #offBus: (() => void)[] = [];
  #state: CentralState = 'connecting';
  #reason: string | null = null;
  #since = Date.now();
  #sent = 0;
  #pulled = 0;
  #lastSyncAt: number | null = null;
  #attempts = 0;
  #retryInMs: number | null = null;

  constructor(opts: CentralLinkOptions) {
    this.#o = opts;
  }

  get box(): string {
    return this.#o.config.box;
  }

  /** Links the data folder as this box (E_CENTRAL_BOX if it was linked as another), then runs. */
  start(): void {
    this.#o.catalog.centralOutbox.link(this.box);
    const wake = () => this.wake();
    if (this.#o.bus) this.#offBus = [this.#o.bus.on('recognized', wake), this.#o.bus.on('catalog', wake)];
    this.#loop = this.#run();
  }

  /** Look again now (new rows, or a NOTIFY from another box). */
  wake(): void {
    this.#woken = true;
    this.#wake?.();
  }

  status(): CentralStatus {
    return {
      box: this.box,
      url: redactUrl(this.#o.config.url),
      state: this.#state,
      reason: this.#reason,
      since: this.#since,
      pendingUp: this.#pendingUp(),
      sent: this.#sent,
      pulled: this.#pulled,
      lastSyncAt: this.#lastSyncAt,
      attempts: this.#attempts,
      retryInMs: this.#retryInMs,
    };
  }

  /** The connected central store, for shop-wide queries; null while it is not reachable. */
  get store(): CentralStore | null {
    return this.#state === 'connected' && this.#store && !this.#store.lost ? this.#store : null;
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    for (const off of this.#offBus) off();
    this.#offBus = [];
    this.wake();
    await this.#loop;
    this.#loop = null;
    this.#setState('stopped', null);
  }

  #pendingUp(): number {
    try {
      return this.#o.catalog.isOpen ? this.#o.catalog.centralOutbox.pending() : 0;
    } catch {
      return 0;
    }
  }

  #setState(state: CentralState, reason: string | null): void {
    if (state !== this.#state || reason !== this.#reason) {
      this.#state = state;
      this.#reason = reason;
      this.#since = Date.now();
    }
  }

  async #run(): Promise<void> {
    const interval = this.#o.config.syncIntervalMs;
    while (!this.#stopping) {
      let wait = interval;
      try {
        if (!this.#store || this.#store.lost) await this.#connect();
        await this.#exchange();
        this.#lastSyncAt = Date.now();
        this.#attempts = 0;
        this.#retryInMs = null;
      } catch (err) {
        await this.#drop();
        if (this.#stopping) break;
        this.#attempts++;
        wait = Math.min(MAX_BACKOFF_MS, interval * 2 ** Math.min(this.#attempts - 1, 10));
        this.#retryInMs = wait;
        this.#failed(err);
      }
      await this.#sleep(wait);
    }
    await this.#drop();
  }

  async #connect(): Promise<void> {
    await this.#drop();
    const { config } = this.#o;
    const store = await CentralStore.connect(
      { url: config.url, password: config.password, box: config.box },
      () => this.wake(),
    );
    try {
      await store.requireSchema();
      await store.listen(() => this.wake());
    } catch (err) {
      await store.close();
      throw err;
    }
    this.#store = store;
    this.#setState('connected', null);
    this.#o.logger.info(
      { central: redactUrl(config.url), box: config.box },
      'connected to the central PostgreSQL',
    );
  }

  async #drop(): Promise<void> {
    const store = this.#store;
    this.#store = null;
    if (store) await store.close();
  }

  #failed(err: unknown): void {
    const e = err instanceof BenchsightError ? err : null;
    const state: CentralState =
      e?.code === 'E_CENTRAL_AUTH' ? 'refused' : e?.code === 'E_CENTRAL_SCHEMA' ? 'schema' : 'unreachable';
    const reason = errorMessage(err);
    // one log line per change of state, not one per retry
    if (state !== this.#state || reason !== this.#reason)
      this.#o.logger.warn({ state, retryInMs: this.#retryInMs }, reason);
    this.#setState(state, reason);
  }

  /** Sends the whole outbox, in order, then pulls every catalog change past the cursor. */
  async #exchange(): Promise<void> {
    const store = this.#store!;
    const { catalog } = this.#o;
    for (;;) {
      const { changes, lastSeq } = catalog.centralOutbox.next(SEND_BATCH);
      if (lastSeq === 0) break;
      await store.push(this.box, changes);
      // a crash here sends the batch again: every write is keyed, so nothing is stored twice
      catalog.centralOutbox.ack(lastSeq);
      this.#sent += changes.length;
    }
    for (;;) {
      const cursor = catalog.centralApplier.cursor();
      const changes = await store.pull(cursor, PULL_BATCH);
      if (changes.cursor === cursor) break;
      await this.#withBoards(store, changes);
      const applied = catalog.centralApplier.apply(changes);
      const n = applied.boards + applied.references + applied.embeddings + applied.inspectionMaps;
      this.#pulled += n + applied.units;
      // units need no reload: the unit tracker reads them from SQLite at each sighting
      if (n > 0) await this.#o.pulled();
    }
  }

  /** A reference whose board was edited since has its board in a later batch: fetch it now. */
  async #withBoards(store: CentralStore, changes: InboundChanges): Promise<void> {
    const outbox = this.#o.catalog.centralOutbox;
    const named = new Set(changes.boards.map((b) => `${b.key.box}\0${b.key.id}`));
    for (const r of changes.references) {
      const k = `${r.board.box}\0${r.board.id}`;
      if (named.has(k) || outbox.localId('board', r.board) !== undefined) continue;
      const board = await store.board(r.board);
      if (board) changes.boards.push(board);
      named.add(k);
    }
  }

  #sleep(ms: number): Promise<void> {
    if (this.#woken || this.#stopping) {
      this.#woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        this.#wake = null;
        this.#woken = false;
        done();
      };
    });
  }
}
