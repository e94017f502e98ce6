import type { InspectionMapJson } from '../protocol.ts';
import { BoardRepository } from './boards.ts';
import { CentralApplier } from './central-apply.ts';
import { CentralOutbox } from './central-outbox.ts';
import { type Database, openDatabase } from './db.ts';
import { EmbeddingRepository } from './embeddings.ts';
import { FeatureRepository, type StoredFeatures } from './features.ts';
import { type InspectionMapInput, InspectionMapRepository } from './inspection-maps.ts';
import { RecognitionTextRepository } from './recognition-text.ts';
import { RecognitionRepository, type SavedInspection } from './recognitions.ts';
import { ReferenceRepository } from './references.ts';
import { CatalogStore } from './store.ts';
import type {
  Board,
  BoardInput,
  BoardPatch,
  BoardSummary,
  EmbeddingInput,
  EmbeddingModelInfo,
  EmbeddingSet,
  NewRecognition,
  NewReference,
  PruneThumbnailsOptions,
  Recognition,
  RecognitionFilter,
  RecognitionPage,
  RecognitionQuery,
  RecognitionText,
  Reference,
} from './types.ts';
import { type UnitHistory, UnitHistoryReader } from './unit-record.ts';
import {
  type Sighting,
  type SightingResult,
  type UnitEdit,
  type UnitFilter,
  UnitRepository,
  type UnitRow,
} from './units.ts';
import { badRequest, notFound } from './validate.ts';

export { checkBackupFile } from './backup-check.ts';
export { DataDirLock } from './data-lock.ts';
export type { Database } from './db.ts';
export { openDatabase, schemaVersion } from './db.ts';
export type { StoredFeatures } from './features.ts';
export { ImportManifestError, type ImportRow, parseImportManifest } from './import.ts';
export { type InspectionMapInput, inspectionMapSchema, regionBoxSchema } from './inspection-maps.ts';
export * from './types.ts';
export type { UnitHistory } from './unit-record.ts';
export type { Sighting, SightingResult, UnitEdit, UnitFilter, UnitRow } from './units.ts';

export interface CatalogOptions {
  /** open an existing database without writing (exports, inspection) */
  readonly?: boolean;
  /** clock for created_at / updated_at; defaults to Date.now */
  now?: () => number;
  /** size quota for the database file (see OpenDatabaseOptions.maxBytes) */
  maxBytes?: number;
}

/** The board catalog and recognition history: the daemon's only door to SQLite. */
export class Catalog extends CatalogStore {
  private readonly boards: BoardRepository;
  private readonly references: ReferenceRepository;
  private readonly embeddings: EmbeddingRepository;
  private readonly features: FeatureRepository;
  private readonly inspectionMaps: InspectionMapRepository;
  private readonly recognitions: RecognitionRepository;
  private readonly recognitionTexts: RecognitionTextRepository;
  private readonly units: UnitRepository;
  private readonly unitHistory: UnitHistoryReader;
  /** The link to a central PostgreSQL, SQLite side: the outbox it sends and the changes it pulls. */
  readonly centralOutbox: CentralOutbox;
  readonly centralApplier: CentralApplier;

  static open(path: string, opts: CatalogOptions = {}): Catalog {
    return new Catalog(
      openDatabase(path, {
        readonly: opts.readonly ?? false,
        ...(opts.maxBytes ? { maxBytes: opts.maxBytes } : {}),
      }),
      opts,
    );
  }

  /** Takes ownership of `db` (already migrated by openDatabase); close() closes it. */
  constructor(db: Database, opts: Pick<CatalogOptions, 'now'> = {}) {
    const now = opts.now ?? Date.now;
    super(db, now);
    this.boards = new BoardRepository(db, now);
    this.references = new ReferenceRepository(db, now);
    this.embeddings = new EmbeddingRepository(db);
    this.features = new FeatureRepository(db);
    this.inspectionMaps = new InspectionMapRepository(db);
    this.recognitions = new RecognitionRepository(db);
    this.recognitionTexts = new RecognitionTextRepository(db);
    this.units = new UnitRepository(db);
    this.unitHistory = new UnitHistoryReader(db);
    this.centralOutbox = new CentralOutbox(db);
    this.centralApplier = new CentralApplier(db, this.centralOutbox);
  }

  // Boards

  /** The catalog's boards; `removed`: with those removed since (history and exports still name them). */
  listBoards(opts: { search?: string; removed?: boolean } = {}): BoardSummary[] {
    return this.guard('listing boards', () => this.boards.list(opts.search, opts.removed));
  }

  /** A board of the catalog; `removed`: also one removed since. */
  getBoard(id: number, opts: { removed?: boolean } = {}): Board | undefined {
    return this.guard(`reading board ${id}`, () => this.boards.get(id, opts));
  }

  /** The highest board id ever handed out (ids are never reused); 0: the catalog never held a board. */
  lastBoardId(): number {
    return this.guard('reading board ids', () => this.boards.lastId());
  }

  /** The board with this vendor and model, ignoring case (the same test as the uniqueness rule). */
  findBoard(vendor: string, model: string): Board | undefined {
    return this.guard('finding a board', () => this.boards.findByName(vendor, model));
  }

  createBoard(input: BoardInput): Board {
    return this.guard('creating a board', () => this.boards.create(input));
  }

  /** Throws E_NOT_FOUND when the board does not exist, E_CONFLICT when renaming onto another board. */
  updateBoard(id: number, patch: BoardPatch): Board {
    return this.guard(`updating board ${id}`, () => this.transaction(() => this.boards.update(id, patch)));
  }

  /**
   * Removes the board from the catalog with its references and embeddings. Its row stays, marked
   * removed, so that its recognitions keep naming it; its id is never given to another board.
   */
  deleteBoard(id: number): boolean {
    return this.guard(`removing board ${id}`, () => this.transaction(() => this.boards.remove(id)));
  }

  // References

  /** Stores a reference and, optionally, its embedding and features in one transaction: never a half-enrolled board. */
  addReference(
    ref: NewReference,
    embedding?: EmbeddingInput,
    features?: { config: string; stored: StoredFeatures },
  ): Reference {
    return this.guard(`adding a reference to board ${ref.boardId}`, () =>
      this.transaction(() => {
        if (!this.boards.exists(ref.boardId)) throw notFound(`board ${ref.boardId} does not exist`);
        const reference = this.references.insert(ref);
        if (embedding) this.embeddings.put(reference.id, embedding.modelId, embedding.vector);
        if (features) this.features.put(reference.id, features.config, features.stored);
        return reference;
      }),
    );
  }

  getReference(id: number): Reference | undefined {
    return this.guard(`reading reference ${id}`, () => this.references.get(id));
  }

  listReferences(boardId: number): Reference[] {
    return this.guard(`listing references of board ${boardId}`, () => this.references.listForBoard(boardId));
  }

  /** References (on any board) whose JPEG has this SHA-256: spots an image enrolled before. */
  findReferencesBySha256(sha256: string): Reference[] {
    return this.guard('finding references', () => this.references.findBySha256(sha256));
  }

  getReferenceImage(id: number): Buffer | undefined {
    return this.guard(`reading reference ${id}`, () => this.references.image(id));
  }

  getReferenceThumbnail(id: number): Buffer | undefined {
    return this.guard(`reading reference ${id}`, () => this.references.thumbnail(id));
  }

  /** Deletes the reference and its embeddings; returns what was deleted. */
  deleteReference(id: number): Reference | undefined {
    return this.guard(`deleting reference ${id}`, () => this.references.delete(id));
  }

  // Embeddings

  putEmbedding(referenceId: number, modelId: string, vector: Float32Array): void {
    this.guard(`storing the ${modelId} embedding of reference ${referenceId}`, () => {
      if (!this.references.get(referenceId)) throw notFound(`reference ${referenceId} does not exist`);
      this.embeddings.put(referenceId, modelId, vector);
    });
  }

  getEmbedding(referenceId: number, modelId: string): Float32Array | undefined {
    return this.guard(`reading an embedding`, () => this.embeddings.get(referenceId, modelId));
  }

  /** Every vector of one model as one matrix, ordered by reference id. */
  loadEmbeddings(modelId: string): EmbeddingSet {
    return this.guard(`loading the ${modelId} embeddings`, () => this.embeddings.load(modelId));
  }

  /** Reference ids that still need an embedding from this model (after a model switch, or a failed encode). */
  referencesWithoutEmbedding(modelId: string): number[] {
    return this.guard('listing references to embed', () => this.embeddings.referencesWithout(modelId));
  }

  countEmbeddings(modelId: string): number {
    return this.guard('counting embeddings', () => this.embeddings.count(modelId));
  }

  deleteEmbeddingsForModel(modelId: string): number {
    return this.guard(`deleting the ${modelId} embeddings`, () => this.embeddings.deleteForModel(modelId));
  }

  /** The models that have embeddings stored, with their dimension and vector count. */
  listEmbeddingModels(): EmbeddingModelInfo[] {
    return this.guard('listing embedding models', () => this.embeddings.models());
  }

  // Local features (keyed by the feature configuration)

  putFeatures(referenceId: number, config: string, stored: StoredFeatures): void {
    this.guard(`storing the features of reference ${referenceId}`, () => {
      if (!this.references.get(referenceId)) throw notFound(`reference ${referenceId} does not exist`);
      this.features.put(referenceId, config, stored);
    });
  }

  getFeatures(referenceId: number, config: string): StoredFeatures | undefined {
    return this.guard(`reading the features of reference ${referenceId}`, () =>
      this.features.get(referenceId, config),
    );
  }

  /** Keypoints per reference of a board (those with features of this configuration), descriptors unread. */
  featureCounts(boardId: number, config: string): Map<number, number> {
    return this.guard(`counting the features of board ${boardId}`, () =>
      this.features.countsForBoard(boardId, config),
    );
  }

  /** Reference ids that have no features of this configuration yet. */
  referencesWithoutFeatures(config: string): number[] {
    return this.guard('listing references without features', () => this.features.referencesWithout(config));
  }

  // Inspection maps

  /** Keeps what the inspection of a history row found (chips expected, found and hidden, the defects). */
  saveInspection(recognitionId: number, i: SavedInspection): boolean {
    return this.guard(`storing the inspection of recognition ${recognitionId}`, () =>
      this.recognitions.saveInspection(recognitionId, i),
    );
  }

  getInspectionMap(boardId: number): InspectionMapJson | undefined {
    return this.guard(`reading the inspection map of board ${boardId}`, () =>
      this.inspectionMaps.get(boardId),
    );
  }

  /** Replaces a board's map (already validated by inspectionMapSchema); the reference must be the board's. */
  putInspectionMap(boardId: number, map: InspectionMapInput): InspectionMapJson {
    return this.guard(`storing the inspection map of board ${boardId}`, () =>
      this.transaction(() => {
        if (!this.boards.exists(boardId)) throw notFound(`board ${boardId} does not exist`);
        const ref = this.references.get(map.referenceId);
        if (ref?.boardId !== boardId) {
          throw badRequest(
            `reference ${map.referenceId} is not a reference of board ${boardId}: draw the map on one of the board's own references`,
          );
        }
        this.inspectionMaps.put(boardId, map, this.now());
        return this.inspectionMaps.get(boardId)!;
      }),
    );
  }

  deleteInspectionMap(boardId: number): boolean {
    return this.guard(`removing the inspection map of board ${boardId}`, () =>
      this.inspectionMaps.delete(boardId),
    );
  }

  // Recognitions

  insertRecognition(r: NewRecognition): Recognition {
    return this.guard(`recording a recognition for slot ${r.slot}`, () => this.recognitions.insert(r));
  }

  /** Newest first; `total` counts every row the filter matches. */
  queryRecognitions(q: RecognitionQuery): RecognitionPage {
    return this.guard('querying recognitions', () => this.recognitions.query(q));
  }

  /** Matching recognitions per day (day number since the epoch, days shifted by `shiftMs`), oldest first. */
  countRecognitionsPerDay(filter: RecognitionFilter = {}, shiftMs = 0): { day: number; count: number }[] {
    return this.guard('counting recognitions per day', () => this.recognitions.countPerDay(filter, shiftMs));
  }

  getRecognition(id: number): Recognition | undefined {
    return this.guard(`reading recognition ${id}`, () => this.recognitions.get(id));
  }

  getRecognitionThumbnail(id: number): Buffer | undefined {
    return this.guard(`reading recognition ${id}`, () => this.recognitions.thumbnail(id));
  }

  /** Every matching recognition, newest first, read in batches (for CSV export of long histories). */
  iterateRecognitions(filter: RecognitionFilter = {}): IterableIterator<Recognition> {
    return this.guard('reading recognitions', () => this.recognitions.iterate(filter));
  }

  /** Drops thumbnails older than `olderThan`, then the oldest until at most `maxTotalBytes` remain. */
  pruneRecognitionThumbnails(opts: PruneThumbnailsOptions): number {
    return this.guard('pruning recognition thumbnails', () => this.recognitions.pruneThumbnails(opts));
  }

  /**
   * Stores the text read off a recognition's board (OCR); a 'corrected' verdict moves the recognition
   * to the board the text named, in the same transaction.
   */
  saveRecognitionText(t: RecognitionText): void {
    this.guard(`recording the text of recognition ${t.recognitionId}`, () =>
      this.transaction(() => this.recognitionTexts.save(t)),
    );
  }

  getRecognitionText(recognitionId: number): RecognitionText | undefined {
    return this.guard(`reading the text of recognition ${recognitionId}`, () =>
      this.recognitionTexts.get(recognitionId),
    );
  }

  /** The texts of these recognitions (those that have one), by recognition id. */
  recognitionTextsFor(ids: readonly number[]): Map<number, RecognitionText> {
    return this.guard('reading recognition texts', () => this.recognitionTexts.forRecognitions(ids));
  }

  // Units

  /** A unit seen on the bench: found or created, its visit and the recognition recorded, in one transaction. */
  sightUnit(s: Sighting): SightingResult {
    return this.guard(`recording unit ${s.serial}`, () => this.transaction(() => this.units.sight(s)));
  }

  unitDeparted(unitId: number, at: number): void {
    this.guard(`recording unit ${unitId} leaving the bench`, () => this.units.departed(unitId, at));
  }

  getUnit(serial: string): UnitRow | undefined {
    return this.guard(`reading unit ${serial}`, () => {
      const id = this.units.idOf(serial);
      return id === undefined ? undefined : this.units.get(id);
    });
  }

  getUnitById(id: number): UnitRow | undefined {
    return this.guard(`reading unit ${id}`, () => this.units.get(id));
  }

  /** Most recently seen first; `total` counts every unit the filter matches. */
  queryUnits(filter: UnitFilter, limit: number, offset: number): { rows: UnitRow[]; total: number } {
    return this.guard('querying units', () => this.units.page(filter, limit, offset));
  }

  getUnitHistory(unitId: number, maxRecognitions = 200): UnitHistory {
    return this.guard(`reading the history of unit ${unitId}`, () =>
      this.unitHistory.read(unitId, maxRecognitions),
    );
  }

  /**
   * Status, note and conflict answer of one unit, in one transaction: each is appended to the unit's
   * log (nothing earlier is overwritten), so edits made at the same time all stay. E_NOT_FOUND for an
   * unknown serial.
   */
  editUnit(serial: string, edit: UnitEdit, author: string): UnitRow {
    return this.guard(`editing unit ${serial}`, () =>
      this.transaction(() => {
        const id = this.units.idOf(serial);
        if (id === undefined) throw notFound(`unit ${serial} does not exist`);
        const at = this.now();
        if (edit.status !== undefined && edit.status !== this.units.get(id)!.status)
          this.units.setStatus(id, edit.status, author, at);
        if (edit.note !== undefined) this.units.addNote(id, edit.note, author, at);
        if (edit.resolve)
          this.units.resolveConflict(id, edit.resolve.conflictId, edit.resolve.answer, author, at);
        return this.units.get(id)!;
      }),
    );
  }
}
