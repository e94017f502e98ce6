import {
  type CentralClient,
  type CentralConnectOptions,
  centralError,
  connectCentral,
} from './connection.ts';
import {
  type BoardConflictRow,
  countCentralRecognitions,
  countPendingDown,
  fetchBoard,
  fetchRecognitionThumbnail,
  listBoardConflicts,
  pullChanges,
  queryCentralRecognitions,
} from './pull.ts';
import { CATALOG_CHANNEL, pushChanges } from './push.ts';
import { centralSchemaVersion, migrateCentral, requireCentralSchema } from './schema.ts';
import type {
  CentralBoard,
  CentralRecognition,
  CentralRecognitionQuery,
  CentralUnitQuery,
  CentralUnitSummary,
  InboundChanges,
  OutboundChange,
  ShopKey,
} from './types.ts';
import { countCentralUnitEvents, queryCentralUnits } from './units.ts';

export type { CentralConnectOptions } from './connection.ts';
export type { BoardConflictRow } from './pull.ts';

/**
 * The central PostgreSQL as the rest of benchsight sees it: one connection, every statement in this
 * folder, errors as E_CENTRAL_* with what to fix. Nothing outside src/catalog/central imports pg.
 */
export class CentralStore {
  readonly #client: CentralClient;
  readonly #url: string;
  #lost: Error | null = null;

  private constructor(client: CentralClient, url: string) {
    this.#client = client;
    this.#url = url;
  }

  /** Connects; `lost` hears of a connection that broke while idle (the server stopped). */
  static async connect(
    opts: CentralConnectOptions,
    lost: (err: Error) => void = () => undefined,
  ): Promise<CentralStore> {
    let store: CentralStore | null = null;
    const client = await connectCentral(opts, (err) => {
      if (store) store.#lost = err;
      lost(err);
    });
    store = new CentralStore(client, opts.url);
    return store;
  }

  /** Why this connection is no longer usable; null while it is. */
  get lost(): Error | null {
    return this.#lost;
  }

  async #run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw centralError(err, this.#url);
    }
  }

  schemaVersion(): Promise<number> {
    return this.#run(() => centralSchemaVersion(this.#client));
  }

  requireSchema(): Promise<void> {
    return this.#run(() => requireCentralSchema(this.#client));
  }

  migrate(): Promise<{ from: number; to: number }> {
    return this.#run(() => migrateCentral(this.#client));
  }

  push(box: string, changes: readonly OutboundChange[]): Promise<void> {
    return this.#run(() => pushChanges(this.#client, box, changes));
  }

  pull(cursor: number, maxRows: number): Promise<InboundChanges> {
    return this.#run(() => pullChanges(this.#client, cursor, maxRows));
  }

  board(key: ShopKey): Promise<CentralBoard | undefined> {
    return this.#run(() => fetchBoard(this.#client, key));
  }

  pendingDown(cursor: number): Promise<number> {
    return this.#run(() => countPendingDown(this.#client, cursor));
  }

  recognitions(q: CentralRecognitionQuery): Promise<{ rows: CentralRecognition[]; total: number }> {
    return this.#run(() => queryCentralRecognitions(this.#client, q));
  }

  recognitionThumbnail(box: string, localId: number): Promise<Buffer | null> {
    return this.#run(() => fetchRecognitionThumbnail(this.#client, box, localId));
  }

  countRecognitions(box: string): Promise<number> {
    return this.#run(() => countCentralRecognitions(this.#client, box));
  }

  /** The shop's units (GET /api/units?box=). */
  units(q: CentralUnitQuery): Promise<{ rows: CentralUnitSummary[]; total: number }> {
    return this.#run(() => queryCentralUnits(this.#client, q));
  }

  /** What the central side holds of one unit: its visits, status changes, notes and links. */
  unitEvents(serial: string): ReturnType<typeof countCentralUnitEvents> {
    return this.#run(() => countCentralUnitEvents(this.#client, serial));
  }

  /** Board fields edited on two boxes at once: the kept and the other value (the audit rows). */
  boardConflicts(board?: ShopKey): Promise<BoardConflictRow[]> {
    return this.#run(() => listBoardConflicts(this.#client, board));
  }

  /** Calls `wake` whenever a box commits catalog changes (LISTEN/NOTIFY). */
  listen(wake: (fromBox: string) => void): Promise<void> {
    this.#client.on('notification', (n) => {
      if (n.channel === CATALOG_CHANNEL) wake(n.payload ?? '');
    });
    return this.#run(async () => {
      await this.#client.query(`LISTEN ${CATALOG_CHANNEL}`);
    });
  }

  /** Closes the connection; never waits long on a server that went away. */
  async close(): Promise<void> {
    await Promise.race([
      this.#client.end().catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, 1000).unref()),
    ]);
  }
}
