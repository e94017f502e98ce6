import type { Catalog } from '../catalog/index.ts';
import type { Board, Reference } from '../catalog/types.ts';
import { type Rect, WHOLE_FRAME } from '../config/schema.ts';
import { decide, type MatchDecision, type MatchPolicy } from '../match/decide.ts';
import { EmbeddingIndex } from '../match/embedding-index.ts';
import type { SlotOutcome } from '../match/smoothing.ts';
import type { EncoderConfirmation } from '../match/verify-decide.ts';
import type { BoardInfo, Candidate, VerificationFields } from '../protocol.ts';
import type { LocalFeatures } from '../verify/features.ts';
import { FEATURE_CONFIG_KEY } from '../verify/features.ts';
import type { Encoder } from '../vision/encoder.ts';
import type { ModelManifest } from '../vision/manifest.ts';
import { cropJpeg, decodeImage, preprocess, type RawImage } from '../vision/preprocess.ts';
import { SerialQueue } from './stats.ts';
import { type BoardVerification, NOT_VERIFIED } from './verification.ts';

export interface MatchResult {
  decision: MatchDecision;
  board: BoardInfo | null;
  outcome: SlotOutcome;
  candidates: Candidate[];
  /** What geometric verification found (NOT_VERIFIED when it did not run). */
  verification: VerificationFields;
}

export interface PreparedReference {
  image: Buffer;
  thumbnail: Buffer;
  width: number;
  height: number;
  vector: Float32Array;
  /** Local features (null where verification is off). */
  features: LocalFeatures | null;
}

export interface RecognizerOptions {
  encoder: Encoder;
  manifest: ModelManifest;
  catalog: Catalog;
  policy: MatchPolicy;
  topK: number;
  maxImagePixels: number;
  /** The second stage (local features); null: the embedding decides alone (match.verify.enabled: false). */
  verification?: BoardVerification | null;
  /** When the encoder must agree with the local features (see confirmedByEncoder); omitted: never. */
  confirm?: EncoderConfirmation;
}

const REFERENCE_MAX_SIDE = 1280;
const THUMBNAIL_WIDTH = 200;

function outcomeOf(board: BoardInfo | null): SlotOutcome {
  if (!board) return { kind: 'unknown' };
  if (board.kind === 'empty-bench') return { kind: 'empty' };
  return { kind: 'board', boardId: board.id };
}

export function toBoardInfo(b: Board): BoardInfo {
  return {
    id: b.id,
    vendor: b.vendor,
    model: b.model,
    kind: b.kind,
    chipType: b.chipType,
    chipCount: b.chipCount,
    notes: b.notes,
    tags: b.tags,
  };
}

/**
 * Owns the active model's view of the catalog: the encoder, the in-memory embedding index and the
 * boards. Frames, uploads and enrollment all go through it, so embeddings always come from the
 * same preprocessing and the index is updated with every enrollment.
 */
export class Recognizer {
  readonly encoder: Encoder;
  readonly manifest: ModelManifest;
  readonly #catalog: Catalog;
  readonly #opts: RecognizerOptions;
  readonly #queue = new SerialQueue();
  readonly index: EmbeddingIndex;
  #boards = new Map<number, BoardInfo>();
  #batch = new Float32Array(0);
  readonly #inputLength: number;

  constructor(opts: RecognizerOptions) {
    this.#opts = opts;
    this.encoder = opts.encoder;
    this.manifest = opts.manifest;
    this.#catalog = opts.catalog;
    this.index = new EmbeddingIndex(opts.encoder.dim);
    const [h, w] = opts.encoder.inputSize;
    this.#inputLength = 3 * h * w;
  }

  /** The match policy in force (threshold and margin). */
  get policy(): Readonly<MatchPolicy> {
    return this.#opts.policy;
  }

  get modelId(): string {
    return this.manifest.id;
  }

  board(id: number): BoardInfo | undefined {
    return this.#boards.get(id);
  }

  /** Reloads boards and the active model's embeddings from the catalog. */
  reload(): void {
    this.#boards = new Map(this.#catalog.listBoards().map((b) => [b.id, toBoardInfo(b)]));
    const set = this.#catalog.loadEmbeddings(this.modelId);
    this.index.load(set.referenceIds, set.boardIds, set.matrix);
  }

  /** The second stage, when verification is on. */
  get verification(): BoardVerification | null {
    return this.#opts.verification ?? null;
  }

  /**
   * Embeds references that have no embedding for the active model yet, then computes the local
   * features of those that have none of the current feature configuration (when verification is on).
   * Progress counts both.
   */
  async reindex(onProgress?: (done: number, total: number) => void): Promise<number> {
    const missing = this.#catalog.referencesWithoutEmbedding(this.modelId);
    const v = this.verification;
    const featuresMissing = v ? this.#catalog.referencesWithoutFeatures(FEATURE_CONFIG_KEY).length : 0;
    const total = missing.length + featuresMissing;
    let done = 0;
    onProgress?.(0, total);
    for (const referenceId of missing) {
      const image = this.#catalog.getReferenceImage(referenceId);
      if (image) {
        const [vector] = await this.embed(image, [WHOLE_FRAME]);
        this.#catalog.putEmbedding(referenceId, this.modelId, vector!);
      }
      onProgress?.(++done, total);
    }
    const computed = v ? await v.reindex((d) => onProgress?.(missing.length + d, total)) : 0;
    this.reload();
    return missing.length + computed;
  }

  /** One embedding per region, encoded as one batch. Regions are fractions of the image. */
  embed(image: Buffer | RawImage, regions: readonly Rect[]): Promise<Float32Array[]> {
    return this.#queue.run(async () => {
      const n = regions.length;
      const needed = n * this.#inputLength;
      if (this.#batch.length !== needed) this.#batch = new Float32Array(needed);
      for (let i = 0; i < n; i++) {
        await preprocess(image, this.manifest, {
          region: regions[i]!,
          out: this.#batch,
          offset: i * this.#inputLength,
        });
      }
      const flat = await this.encoder.encode(this.#batch, n);
      const dim = this.encoder.dim;
      return Array.from({ length: n }, (_, i) => flat.slice(i * dim, (i + 1) * dim));
    });
  }

  match(vector: Float32Array): MatchResult {
    const scores = this.index.searchBoards(vector, this.#opts.topK);
    const decision = decide(scores, this.#opts.policy);
    const candidates: Candidate[] = scores.map((s) => {
      const b = this.#boards.get(s.boardId);
      return { boardId: s.boardId, vendor: b?.vendor ?? '?', model: b?.model ?? '?', score: s.score };
    });
    const board = decision.boardId === null ? null : (this.#boards.get(decision.boardId) ?? null);
    return { decision, board, outcome: outcomeOf(board), candidates, verification: NOT_VERIFIED };
  }

  /**
   * Both stages: the embedding shortlists match.verify.candidates boards, their references' local
   * features decide (see decideVerified). An empty bench is recognized by the embedding alone (it has
   * no board to verify); verification off: match() alone.
   */
  /**
   * The embedding's decision where verification has nothing to add: off, an empty catalog, an empty
   * bench, or no board to verify against (only empty benches enrolled); else null.
   */
  decidedWithoutVerification(vector: Float32Array): MatchResult | null {
    const first = this.match(vector);
    const v = this.verification;
    if (!v || first.decision.reason === 'empty-catalog' || first.outcome.kind === 'empty') return first;
    return this.shortlist(vector).length === 0 ? first : null;
  }

  async recognize(image: RawImage, region: Rect, vector: Float32Array): Promise<MatchResult> {
    const plain = this.decidedWithoutVerification(vector);
    if (plain) return plain;
    const first = this.match(vector);
    const v = this.verification!;
    const scored = this.#shortlistScores(vector);
    const checked = await v.verify(
      image,
      region,
      scored.map((s) => s.boardId),
      this.#opts.confirm
        ? { cosines: new Map(scored.map((s) => [s.boardId, s.score])), confirm: this.#opts.confirm }
        : undefined,
      true,
    );
    const board =
      checked.decision.boardId === null ? null : (this.#boards.get(checked.decision.boardId) ?? null);
    return {
      ...first,
      decision: {
        ...first.decision,
        boardId: board?.id ?? null,
        reason: board ? 'match' : checked.decision.reason,
      },
      board,
      outcome: outcomeOf(board),
      verification: checked.fields,
    };
  }

  /** The boards verification looks at for this embedding: the closest ones, empty benches left out. */
  shortlist(vector: Float32Array): number[] {
    return this.#shortlistScores(vector).map((s) => s.boardId);
  }

  #shortlistScores(vector: Float32Array): { boardId: number; score: number }[] {
    const n = this.verification?.policy.candidates ?? 0;
    return this.index
      .searchBoards(vector, n + 1)
      .filter((s) => this.#boards.get(s.boardId)?.kind !== 'empty-bench')
      .slice(0, n);
  }

  /** Decodes, normalizes, thumbnails and embeds an image; stores nothing. */
  async prepareReference(image: Buffer, region: Rect = WHOLE_FRAME): Promise<PreparedReference> {
    const raw = await decodeImage(image, { maxPixels: this.#opts.maxImagePixels });
    const stored = await cropJpeg(raw, region, { maxSide: REFERENCE_MAX_SIDE, quality: 90 });
    const thumbnail = await cropJpeg(raw, region, { width: THUMBNAIL_WIDTH, quality: 75 });
    const [vector] = await this.embed(raw, [region]);
    const features = (await this.verification?.extract(raw, region)) ?? null;
    return {
      image: stored.jpeg,
      thumbnail: thumbnail.jpeg,
      width: stored.width,
      height: stored.height,
      vector: vector!,
      features,
    };
  }

  /** Stores a prepared reference with its embedding (one transaction) and adds it to the live index. */
  store(
    boardId: number,
    p: PreparedReference,
    source: Reference['source'],
    sourceDetail: string | null,
  ): Reference {
    return this.storeAll(boardId, [{ prepared: p, source, sourceDetail }])[0]!;
  }

  /**
   * Stores prepared references with their embeddings in one transaction, all or none, then adds
   * them to the live index (only once they are committed).
   */
  storeAll(
    boardId: number,
    items: readonly {
      prepared: PreparedReference;
      source: Reference['source'];
      sourceDetail: string | null;
    }[],
  ): Reference[] {
    const references = this.#catalog.transaction(() =>
      items.map(({ prepared: p, source, sourceDetail }) =>
        this.#catalog.addReference(
          {
            boardId,
            image: p.image,
            thumbnail: p.thumbnail,
            width: p.width,
            height: p.height,
            source,
            ...(sourceDetail ? { sourceDetail } : {}),
          },
          { modelId: this.modelId, vector: p.vector },
          p.features && this.verification ? this.verification.stored(p.features) : undefined,
        ),
      ),
    );
    for (const [i, r] of references.entries()) {
      const { vector, features } = items[i]!.prepared;
      this.index.add(r.id, boardId, vector);
      if (features) this.verification?.remember(r.id, features);
    }
    if (!this.#boards.has(boardId)) this.reload();
    return references;
  }
}
