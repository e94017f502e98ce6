import { rmSync } from 'node:fs';
import { Catalog } from '../../src/catalog/index.ts';
import { WHOLE_FRAME } from '../../src/config/schema.ts';
import { decide, type MatchPolicy } from '../../src/match/decide.ts';
import { EmbeddingIndex } from '../../src/match/embedding-index.ts';
import type { VerifiedDecision, VerifyPolicy } from '../../src/match/verify-decide.ts';
import {
  confirmedByEncoder,
  decideVerified,
  type EncoderConfirmation,
  secondChanceAgrees,
  settled,
  withMutual,
} from '../../src/match/verify-decide.ts';
import { Recognizer } from '../../src/pipeline/recognizer.ts';
import { BoardVerification } from '../../src/pipeline/verification.ts';
import type { Verifier } from '../../src/verify/verifier.ts';
import type { Encoder } from '../../src/vision/encoder.ts';
import type { ModelManifest } from '../../src/vision/manifest.ts';
import { decodeImage } from '../../src/vision/preprocess.ts';
import type { BenchSet } from './bench-set.ts';

/** What recognizing one camera view gave: the nearest board, its score, and the decision. */
export interface Recognition {
  /** Index of the enrolled board this view shows; null for a board that is not enrolled. */
  truth: number | null;
  /** Index of the best-scoring enrolled board. */
  top: number | null;
  score: number;
  margin: number;
  /** The board recognized at the policy's threshold and margin; null: unknown. */
  decided: number | null;
  /** What local features found (verification methods): the best board's index and inliers, the runner-up's. */
  verify?: {
    best: number | null;
    inliers: number;
    runnerUp: number;
    keypoints: number;
    /** The embedding's cosine for the best board (embedding + verification only). */
    cosine?: number | null;
    /** The dense check's agreement of the best board (embedding + verification only); null: none. */
    agreement?: number | null;
    /** The dense check of the runner-up board (embedding + verification only); null: none. */
    runnerUpAgreement?: number | null;
    /**
     * The second chance (embedding + verification only): the decision over the mutual estimates of
     * the encoder's nearest board (withMutual), the dense check of its best board and that board's
     * cosine; absent: none made.
     */
    second?: {
      best: number | null;
      inliers: number;
      runnerUp: number;
      agreement: number | null;
      cosine: number | null;
    };
    pairs?: StudyPair[];
  };
  /** Time to recognize the view (decoded): embedding and/or verification; omitted: not measured. */
  ms?: number;
  /** Embedding methods, a view of an enrolled board: its place in the embedding's ranking of every board (1: first) and its cosine. */
  rank?: number;
  truthScore?: number;
}

/** One reference matched into a view, with its board as a bench-set index (the verification study). */
export interface StudyPair {
  board: number | null;
  inliers: number;
  matches: number;
  referenceKeypoints: number;
  estimated: boolean;
  /** The embedding's cosine for the pair's board (shortlisted boards only). */
  cosine: number | null;
}

/** How a pipeline method decides: the embedding alone, embedding + verification, verification of every board. */
export type PipelineMode = 'embedding' | 'verified' | 'features';

/** One way of recognizing boards: enrolls a bench set's references, then recognizes views. */
export interface Method {
  readonly name: string;
  enroll(set: BenchSet): Promise<void>;
  recognize(jpeg: Buffer, truth: number | null): Promise<Recognition>;
  close(): void;
}

const TOP_K = 5;
const MAX_IMAGE_PIXELS = 50_000_000;

/**
 * The real pipeline: a Catalog on its own SQLite file, enrollment with Recognizer.prepareReference
 * and store, recognition with Recognizer.embed (preprocess + encode) and match (the policy's
 * threshold and margin).
 */
export class PipelineMethod implements Method {
  readonly name: string;
  readonly #catalog: Catalog;
  readonly #recognizer: Recognizer;
  readonly #dbPath: string;
  /** Catalog board id -> board index in the bench set, and back. */
  readonly #index = new Map<number, number>();
  #ids: number[] = [];

  readonly #mode: PipelineMode;
  readonly #verification: BoardVerification | null;
  readonly #confirm: EncoderConfirmation | null;

  constructor(
    name: string,
    encoder: Encoder,
    manifest: ModelManifest,
    policy: MatchPolicy,
    dbPath: string,
    verify: {
      mode: PipelineMode;
      verifier: Verifier | null;
      policy: VerifyPolicy;
      /** Embedding + verification: under strongInliers the encoder must agree (confirmedByEncoder). */
      confirm?: EncoderConfirmation | null;
    } = {
      mode: 'embedding',
      verifier: null,
      policy: { enabled: false, candidates: 0, minInliers: 0, minRatio: 1 },
    },
  ) {
    this.name = name;
    this.#dbPath = dbPath;
    this.#catalog = Catalog.open(dbPath);
    this.#mode = verify.mode;
    this.#confirm = verify.confirm ?? null;
    this.#verification =
      verify.mode !== 'embedding' && verify.verifier
        ? new BoardVerification({
            catalog: this.#catalog,
            verifier: verify.verifier,
            policy: verify.policy,
            maxImagePixels: MAX_IMAGE_PIXELS,
            // the operating point is chosen from the runner-up's inliers: every one counts
            estimateAll: true,
          })
        : null;
    this.#recognizer = new Recognizer({
      verification: this.#verification,
      encoder,
      manifest,
      catalog: this.#catalog,
      policy,
      topK: TOP_K,
      maxImagePixels: MAX_IMAGE_PIXELS,
    });
  }

  async enroll(set: BenchSet): Promise<void> {
    const ids = set.boards.map((b, i) => {
      const board = this.#catalog.createBoard(b);
      this.#index.set(board.id, i);
      return board.id;
    });
    this.#ids = ids;
    this.#recognizer.reload();
    for (const ref of set.references) {
      const prepared = await this.#recognizer.prepareReference(ref.jpeg);
      this.#recognizer.store(ids[ref.board!]!, prepared, 'upload', null);
    }
  }

  async recognize(jpeg: Buffer, truth: number | null): Promise<Recognition> {
    const raw = await decodeImage(jpeg, { maxPixels: MAX_IMAGE_PIXELS });
    const t0 = performance.now();
    const v = this.#verification;
    if (this.#mode === 'features' && v) {
      const checked = await v.verify(raw, WHOLE_FRAME, [...this.#index.keys()]);
      return this.#verified(truth, 0, 0, checked.decision, checked.run.queryKeypoints, t0);
    }
    const [vector] = await this.#recognizer.embed(raw, [WHOLE_FRAME]);
    const r = this.#recognizer.match(vector!);
    const ranked = this.#rank(vector!, truth);
    if (this.#mode === 'verified' && v) {
      const checked = await v.verify(raw, WHOLE_FRAME, this.#recognizer.shortlist(vector!), undefined, true);
      const fallback = r.decision.candidates[0]?.boardId ?? null;
      const cos = new Map(r.decision.candidates.map((c) => [c.boardId, c.score]));
      for (const s of this.#recognizer.index.searchBoards(vector!, this.#ids.length))
        cos.set(s.boardId, s.score);
      const bestCosine = cos.get(checked.decision.bestBoardId ?? -1) ?? null;
      // the dense check of the best board, and of the runner-up, whatever the operating point (the
      // eval calibrates on them)
      const { bestBoardId, runnerUpBoardId } = checked.decision;
      const agreement = await v.agreement(raw, WHOLE_FRAME, checked.run, bestBoardId);
      const runnerUpAgreement = await v.agreement(raw, WHOLE_FRAME, checked.run, runnerUpBoardId);
      const c = this.#confirm;
      let decided = c
        ? confirmedByEncoder(
            settled(checked.decision, agreement, runnerUpAgreement, c),
            bestCosine,
            c,
            agreement,
          )
        : checked.decision;
      // the second chance's evidence, whatever the first decision (the eval calibrates on it)
      const mutual = withMutual(checked.run);
      let second: NonNullable<Recognition['verify']>['second'];
      if (mutual) {
        const g = decideVerified(mutual, v.policy);
        const a = await v.agreement(raw, WHOLE_FRAME, mutual, g.bestBoardId);
        const cosine = cos.get(g.bestBoardId ?? -1) ?? null;
        second = {
          best: this.#index.get(g.bestBoardId ?? -1) ?? null,
          inliers: g.inliers,
          runnerUp: g.runnerUpInliers,
          agreement: a,
          cosine,
        };
        if (c && decided.boardId === null && g.boardId !== null && secondChanceAgrees(a, cosine, c))
          decided = g;
      }
      const d = { ...decided, bestBoardId: decided.bestBoardId ?? fallback };
      const pairs: StudyPair[] = checked.run.pairs.map((p) => ({
        board: this.#index.get(p.boardId) ?? null,
        inliers: p.inliers,
        matches: p.matches,
        referenceKeypoints: p.referenceKeypoints,
        estimated: p.estimated,
        cosine: cos.get(p.boardId) ?? null,
      }));
      const out = this.#verified(
        truth,
        r.decision.score,
        r.decision.margin,
        d,
        checked.run.queryKeypoints,
        t0,
      );
      return {
        ...out,
        ...ranked,
        verify: {
          ...out.verify!,
          cosine: bestCosine,
          agreement,
          runnerUpAgreement,
          pairs,
          ...(second ? { second } : {}),
        },
      };
    }
    const best = r.decision.candidates[0];
    return {
      ...ranked,
      truth,
      top: best ? (this.#index.get(best.boardId) ?? null) : null,
      score: r.decision.score,
      margin: r.decision.margin,
      decided: r.board ? (this.#index.get(r.board.id) ?? null) : null,
      ms: performance.now() - t0,
    };
  }

  /** Where the true board comes in the embedding's ranking of every enrolled board (a search of the in-memory index: microseconds). */
  #rank(vector: Float32Array, truth: number | null): Pick<Recognition, 'rank' | 'truthScore'> {
    if (truth === null) return {};
    const id = this.#ids[truth];
    const all = this.#recognizer.index.searchBoards(vector, this.#ids.length);
    const at = all.findIndex((s) => s.boardId === id);
    return at < 0 ? { rank: Number.POSITIVE_INFINITY } : { rank: at + 1, truthScore: all[at]!.score };
  }

  #verified(
    truth: number | null,
    score: number,
    margin: number,
    d: VerifiedDecision,
    keypoints: number,
    t0: number,
  ): Recognition {
    const index = (id: number | null) => (id === null ? null : (this.#index.get(id) ?? null));
    return {
      truth,
      top: index(d.bestBoardId),
      score,
      margin,
      decided: index(d.boardId),
      verify: { best: index(d.bestBoardId), inliers: d.inliers, runnerUp: d.runnerUpInliers, keypoints },
      ms: performance.now() - t0,
    };
  }

  close(): void {
    this.#catalog.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(this.#dbPath + suffix, { force: true });
  }
}

const BINS = 8;

/** Trivial baseline: the frame's RGB colour histogram (8x8x8 bins, square-rooted), L2-normalised. */
export async function colourHistogram(jpeg: Buffer): Promise<Float32Array> {
  const raw = await decodeImage(jpeg);
  const h = new Float32Array(BINS * BINS * BINS);
  const d = raw.data;
  for (let i = 0; i < d.length; i += 3) {
    h[((d[i]! >> 5) * BINS + (d[i + 1]! >> 5)) * BINS + (d[i + 2]! >> 5)]! += 1;
  }
  let norm = 0;
  for (let i = 0; i < h.length; i++) {
    h[i] = Math.sqrt(h[i]!);
    norm += h[i]! * h[i]!;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < h.length; i++) h[i]! /= norm;
  return h;
}

/** The colour-histogram baseline, matched with the daemon's own index and decision code. */
export class HistogramMethod implements Method {
  readonly name = 'colour histogram (baseline)';
  readonly #index = new EmbeddingIndex(BINS * BINS * BINS);
  readonly #policy: MatchPolicy;

  constructor(policy: MatchPolicy) {
    this.#policy = policy;
  }

  async enroll(set: BenchSet): Promise<void> {
    for (const [i, ref] of set.references.entries()) {
      this.#index.add(i + 1, ref.board!, await colourHistogram(ref.jpeg));
    }
  }

  async recognize(jpeg: Buffer, truth: number | null): Promise<Recognition> {
    const d = decide(this.#index.searchBoards(await colourHistogram(jpeg), TOP_K), this.#policy);
    return {
      truth,
      top: d.candidates[0]?.boardId ?? null,
      score: d.score,
      margin: d.margin,
      decided: d.boardId,
      ms: 0,
    };
  }

  close(): void {}
}
