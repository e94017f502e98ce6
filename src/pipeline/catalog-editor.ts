import type { Bus } from '../bus.ts';
import type { Board, BoardInput, BoardPatch, Catalog, Reference, ReferenceSource } from '../catalog/index.ts';
import type { Rect } from '../config/schema.ts';
import { BenchsightError, errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { CatalogChangedPayload } from '../protocol.ts';
import { type ImportOptions, type ImportResult, importFolder } from './import.ts';
import type { PreparedReference, Recognizer } from './recognizer.ts';

/** An image to enroll as a reference of a board. */
export interface EnrollImage {
  bytes: Buffer;
  source: ReferenceSource;
  /** file name or slot name */
  detail: string | null;
  /** the part of the image that shows the board (a slot); omitted: all of it */
  region?: Rect;
}

export interface CatalogEditorOptions {
  catalog: Catalog;
  /** The active model's recognizer: read at each change, it is replaced when the model is switched. */
  recognizer: () => Recognizer;
  /** Looks at the bench again with the new catalog (daemon only): see BenchPipeline.rescan. */
  rescan?: () => void;
  /** Where `catalog` events go (daemon only). */
  bus?: Bus;
  logger?: Logger;
  /** How often start() looks for changes made by another process (the CLI). */
  pollMs?: number;
}

const DEFAULT_POLL_MS = 2000;

/**
 * The one owner of catalog changes. Every change, whoever asks for it (the HTTP API, the CLI, an
 * import, another process seen by the database poll), goes the same way: write, then bring the live
 * index up to date, then rescan the bench, then announce it as a `catalog` event.
 */
export class CatalogEditor {
  readonly #o: CatalogEditorOptions;
  #poll: NodeJS.Timeout | null = null;
  /** What sync() has taken in: SQLite's data_version and the catalog version; null until start(). */
  #seen: { data: number; catalog: number } | null = null;

  constructor(opts: CatalogEditorOptions) {
    this.#o = opts;
  }

  get #catalog(): Catalog {
    return this.#o.catalog;
  }

  createBoard(input: BoardInput): Board {
    const board = this.#catalog.createBoard(input);
    this.#changed({ reload: true }, [
      { entity: 'board', action: 'created', id: board.id, boardId: board.id },
    ]);
    return board;
  }

  updateBoard(id: number, patch: BoardPatch): Board {
    const board = this.#catalog.updateBoard(id, patch);
    this.#changed({ reload: true }, [{ entity: 'board', action: 'updated', id, boardId: id }]);
    return board;
  }

  /** False when there is no such board. The history keeps naming it (see Catalog.deleteBoard). */
  deleteBoard(id: number): boolean {
    if (!this.#catalog.deleteBoard(id)) return false;
    this.#changed({ reload: true }, [{ entity: 'board', action: 'deleted', id, boardId: id }]);
    return true;
  }

  /**
   * A new board with its reference images, all in one transaction (the images are embedded first, so a
   * bad image leaves nothing behind).
   */
  async addBoard(
    input: BoardInput,
    images: readonly EnrollImage[],
  ): Promise<{ board: Board; references: Reference[] }> {
    const recognizer = this.#o.recognizer();
    const prepared: { p: PreparedReference; image: EnrollImage }[] = [];
    for (const image of images)
      prepared.push({ p: await recognizer.prepareReference(image.bytes, image.region), image });
    const { board, references } = this.#catalog.transaction(() => {
      const b = this.#catalog.createBoard(input);
      return {
        board: b,
        references: prepared.map(({ p, image }) => recognizer.store(b.id, p, image.source, image.detail)),
      };
    });
    this.#changed({ reload: true }, [
      { entity: 'board', action: 'created', id: board.id, boardId: board.id },
      ...references.map(
        (r) => ({ entity: 'reference', action: 'created', id: r.id, boardId: board.id }) as const,
      ),
    ]);
    return { board, references };
  }

  /**
   * Enrolls images as references of a board, all or nothing: every image is decoded and embedded
   * first, then all are stored in one transaction. Throws for the first image that is not usable,
   * naming it; nothing is stored then.
   */
  async enroll(boardId: number, images: readonly EnrollImage[]): Promise<Reference[]> {
    const recognizer = this.#o.recognizer();
    const prepared: {
      prepared: PreparedReference;
      source: EnrollImage['source'];
      sourceDetail: string | null;
    }[] = [];
    for (const [i, image] of images.entries()) {
      try {
        prepared.push({
          prepared: await recognizer.prepareReference(image.bytes, image.region),
          source: image.source,
          sourceDetail: image.detail,
        });
      } catch (err) {
        if (!(err instanceof BenchsightError) || images.length === 1) throw err;
        throw new BenchsightError(
          err.code,
          `${image.detail ?? `image ${i + 1}`}: ${err.message}; nothing was stored`,
          { status: err.status, cause: err },
        );
      }
    }
    // the recognizer adds them to its index once they are committed
    const created = recognizer.storeAll(boardId, prepared);
    this.#changed(
      { reload: false },
      created.map((r) => ({ entity: 'reference', action: 'created', id: r.id, boardId })),
    );
    return created;
  }

  /** The deleted reference, or undefined when there was none. */
  deleteReference(id: number): Reference | undefined {
    const removed = this.#catalog.deleteReference(id);
    if (!removed) return undefined;
    this.#o.recognizer().index.removeReference(id);
    this.#changed({ reload: false }, [
      { entity: 'reference', action: 'deleted', id, boardId: removed.boardId },
    ]);
    return removed;
  }

  /** Imports a folder of images described by boards.yaml or boards.csv (see import.ts). */
  async importFolder(dir: string, opts: ImportOptions = {}): Promise<ImportResult> {
    const result = await importFolder(
      dir,
      { catalog: this.#catalog, recognizer: this.#o.recognizer() },
      opts,
    );
    if (result.boards > 0 || result.updated > 0 || result.references > 0)
      this.#changed({ reload: true }, [{ entity: 'catalog', action: 'reloaded' }]);
    return result;
  }

  /**
   * Catalog changes pulled from the central side (made on another box) are in the catalog: references
   * without a vector for the active model are embedded (and sent up, for the other boxes to reuse),
   * then the index is reloaded, the bench rescanned and the change announced.
   */
  async pulled(): Promise<void> {
    const recognizer = this.#o.recognizer();
    const embedded = await recognizer.reindex();
    if (this.#seen) this.#seen.catalog = this.#catalog.catalogVersion();
    this.#o.rescan?.();
    this.#o.bus?.emit('catalog', { entity: 'catalog', action: 'reloaded' });
    this.#o.logger?.info(
      { references: recognizer.index.size, embedded },
      'catalog changes from the central side loaded',
    );
  }

  /**
   * Watches for changes committed by another process (the CLI, a second daemon) until stop(): sync()
   * runs every few seconds here, and the pipeline calls it with every frame.
   */
  start(): void {
    this.#seen = { data: this.#catalog.externalChanges(), catalog: this.#catalog.catalogVersion() };
    this.#poll = setInterval(() => this.sync(), this.#o.pollMs ?? DEFAULT_POLL_MS);
    this.#poll.unref();
  }

  /**
   * Reloads the live index when another process changed the catalog (boards, references, embeddings);
   * history written by another process changes nothing here. Cheap when nothing changed (one pragma),
   * so the pipeline calls it before matching each frame: a board removed with the CLI is never
   * recognized again once the command has returned. True when it reloaded.
   */
  sync(): boolean {
    if (!this.#seen) return false;
    try {
      const data = this.#catalog.externalChanges();
      if (data === this.#seen.data) return false;
      this.#seen.data = data;
      if (this.#catalog.catalogVersion() === this.#seen.catalog) return false;
      this.#changed({ reload: true }, [{ entity: 'catalog', action: 'reloaded' }]);
      this.#o.logger?.info(
        { references: this.#o.recognizer().index.size },
        'catalog changed outside the daemon; index reloaded',
      );
      return true;
    } catch (err) {
      this.#o.logger?.error({ err: errorMessage(err) }, 'catalog changes made outside the daemon not loaded');
      return false;
    }
  }

  stop(): void {
    if (this.#poll) clearInterval(this.#poll);
    this.#poll = null;
    this.#seen = null;
  }

  /** After a write: index, rescan, announce. */
  #changed(index: { reload: boolean }, events: CatalogChangedPayload[]): void {
    if (index.reload) {
      // read before the reload: whatever it counts, the reload sees
      if (this.#seen) this.#seen.catalog = this.#catalog.catalogVersion();
      this.#o.recognizer().reload();
    }
    this.#o.rescan?.();
    for (const event of events) this.#o.bus?.emit('catalog', event);
  }
}
