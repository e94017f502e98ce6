import type { Catalog } from '../catalog/index.ts';
import { type Rect, WHOLE_FRAME } from '../config/schema.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';
import {
  asksAgreement,
  confirmedByEncoder,
  decideVerified,
  type EncoderConfirmation,
  secondChanceAgrees,
  secondChanceAsked,
  settled,
  settlesAmbiguity,
  type VerifiedDecision,
  type VerifyPolicy,
  withMutual,
} from '../match/verify-decide.ts';
import type { Outline, ReferenceFeatureCount, VerificationFields } from '../protocol.ts';
import { type GreyPicture, greyPicture } from '../verify/agreement-grey.ts';
import {
  decodeFeatures,
  encodeFeatures,
  FEATURE_CONFIG_KEY,
  keypointCount,
  type LocalFeatures,
} from '../verify/features.ts';
import type { Quad } from '../verify/geometry.ts';
import { MUTUAL_BELOW } from '../verify/shortlist.ts';
import type { VerifyRun } from '../verify/types.ts';
import type { Verifier } from '../verify/verifier.ts';
import type { ReferenceFeatures } from '../verify/worker.ts';
import { decodeImage, type RawImage } from '../vision/preprocess.ts';

/** References per board matched against a slot (the first ones enrolled): bounds the cost per board. */
export const REFERENCES_PER_BOARD = 3;
/** References whose grey picture (the dense check's) is kept: about 300 KB each at 640x480. */
const GREYS_KEPT = 24;
/** A reference with fewer keypoints than this is hard to verify: enrollment warns. */
export const FEW_KEYPOINTS = 60;

/** What enrollment shows of a reference's features. */
export function featureCount(keypoints: number): ReferenceFeatureCount {
  return { keypoints, few: keypoints < FEW_KEYPOINTS };
}

export interface BoardVerificationOptions {
  catalog: Catalog;
  verifier: Verifier;
  policy: VerifyPolicy;
  logger?: Pick<Logger, 'warn'>;
  maxImagePixels: number;
  /**
   * Estimate every homography that could change the runner-up board's inliers (the eval calibrates
   * on them); otherwise those that cannot change the policy's decision are skipped.
   */
  estimateAll?: boolean;
}

export interface VerifiedMatch {
  decision: VerifiedDecision;
  run: VerifyRun;
  /** The dense check's agreement with the best board's reference; null: not asked or nothing to compare. */
  agreement: number | null;
  fields: VerificationFields;
}

/** Verification that did not run (switched off, an empty bench, an empty catalog). */
export const NOT_VERIFIED: VerificationFields = Object.freeze({
  verified: false,
  inliers: null,
  outline: null,
});

function round4(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}

/** A quad in the verified picture's pixels as fractions of the frame the region is part of. */
export function outlineInFrame(q: Quad, run: Pick<VerifyRun, 'width' | 'height'>, region: Rect): Outline {
  return q.map(([x, y]) => [
    round4(region.x + (x / run.width) * region.width),
    round4(region.y + (y / run.height) * region.height),
  ]) as Outline;
}

/**
 * The second stage of recognition: the references' local features (kept in the catalog under the
 * feature configuration, computed when missing or unreadable), matched against a slot's picture in
 * the feature worker.
 */
export class BoardVerification {
  readonly #o: BoardVerificationOptions;
  readonly #cache = new Map<number, LocalFeatures>();
  readonly #greys = new Map<number, GreyPicture>();

  constructor(opts: BoardVerificationOptions) {
    this.#o = opts;
  }

  get policy(): Readonly<VerifyPolicy> {
    return this.#o.policy;
  }

  /** The features of a picture being enrolled. */
  extract(image: RawImage, region: Rect): Promise<LocalFeatures> {
    return this.#o.verifier.extract(image, region);
  }

  /** The stored form of a feature set, for Catalog.addReference. */
  stored(f: LocalFeatures) {
    return { config: FEATURE_CONFIG_KEY, stored: { width: f.width, height: f.height, ...encodeFeatures(f) } };
  }

  remember(referenceId: number, f: LocalFeatures): void {
    this.#cache.set(referenceId, f);
  }

  /** The feature count of each reference of a board that has features of this configuration. */
  featureCounts(boardId: number): Map<number, ReferenceFeatureCount> {
    const counts = this.#o.catalog.featureCounts(boardId, FEATURE_CONFIG_KEY);
    return new Map([...counts].map(([id, n]) => [id, featureCount(n)]));
  }

  /** Computes the features of references that have none of this configuration; returns how many. */
  async reindex(onProgress?: (done: number, total: number) => void): Promise<number> {
    const missing = this.#o.catalog.referencesWithoutFeatures(FEATURE_CONFIG_KEY);
    let done = 0;
    onProgress?.(0, missing.length);
    for (const id of missing) {
      await this.#compute(id);
      onProgress?.(++done, missing.length);
    }
    return missing.length;
  }

  /**
   * Matches `region` of the image against the references of the shortlisted boards, and decides;
   * with `encoder`, a board under strongInliers inliers also needs the encoder's cosine
   * (confirmedByEncoder). With `nearestFirst` (the boards ranked by the encoder, nearest first), the
   * first board's references get a second estimate from mutual matches (MutualRescue).
   */
  async verify(
    image: RawImage,
    region: Rect,
    boardIds: readonly number[],
    encoder?: { cosines: ReadonlyMap<number, number>; confirm: EncoderConfirmation },
    nearestFirst = false,
  ): Promise<VerifiedMatch> {
    const references: ReferenceFeatures[] = [];
    for (const boardId of boardIds) {
      for (const ref of this.#o.catalog.listReferences(boardId).slice(0, REFERENCES_PER_BOARD)) {
        const features = await this.#features(ref.id);
        if (features) references.push({ referenceId: ref.id, boardId, features });
      }
    }
    const { estimateAll, policy } = this.#o;
    // the mutual estimates serve only a second chance: with the encoder's say, made only where its
    // nearest board could take one (without it, the caller decides later: the eval)
    const nearest = boardIds[0];
    const rescue =
      nearestFirst &&
      nearest !== undefined &&
      (!encoder || secondChanceAsked(encoder.cosines.get(nearest) ?? null, encoder.confirm))
        ? { boardId: nearest, below: MUTUAL_BELOW }
        : null;
    let run = await this.#o.verifier.verify(image, region, references, estimateAll ? null : policy, rescue);
    let geometric = decideVerified(run, this.#o.policy);
    let agreement: number | null = null;
    let decision = geometric;
    if (encoder) {
      if (geometric.reason === 'ambiguous' && (encoder.confirm.minAgreement ?? null) !== null) {
        const best = await this.agreement(image, region, run, geometric.bestBoardId);
        agreement = best;
        // the runner-up is compared only when the best board's agreement could settle it
        const runnerUp = settlesAmbiguity(best, null, encoder.confirm)
          ? await this.agreement(image, region, run, geometric.runnerUpBoardId)
          : null;
        geometric = settled(geometric, best, runnerUp, encoder.confirm);
      }
      const cosine = encoder.cosines.get(geometric.boardId ?? -1) ?? null;
      if (agreement === null && asksAgreement(geometric, cosine, encoder.confirm))
        agreement = await this.agreement(image, region, run, geometric.boardId);
      decision = confirmedByEncoder(geometric, cosine, encoder.confirm, agreement);
      const mutual = decision.boardId === null ? withMutual(run) : null;
      if (mutual) {
        const second = decideVerified(mutual, this.#o.policy);
        const secondAgreement =
          second.boardId === null ? null : await this.agreement(image, region, mutual, second.boardId);
        const secondCosine = encoder.cosines.get(second.boardId ?? -1) ?? null;
        if (second.boardId !== null && secondChanceAgrees(secondAgreement, secondCosine, encoder.confirm)) {
          decision = second;
          agreement = secondAgreement;
          run = mutual;
        }
      }
    }
    return {
      decision,
      run,
      agreement,
      fields: {
        verified: decision.boardId !== null,
        inliers: decision.inliers,
        outline:
          decision.boardId !== null && decision.outline
            ? outlineInFrame(decision.outline, run, region)
            : null,
      },
    };
  }

  /** The dense check of a board: its best reference (most inliers, with an outline) against the slot, aligned. */
  async agreement(
    image: RawImage,
    region: Rect,
    run: VerifyRun,
    boardId: number | null,
  ): Promise<number | null> {
    let pair: VerifyRun['pairs'][number] | null = null;
    for (const p of run.pairs)
      if (p.boardId === boardId && p.outline && (!pair || p.inliers > pair.inliers)) pair = p;
    if (!pair?.outline) return null;
    const features = await this.#features(pair.referenceId);
    if (!features) return null;
    const grey = await this.#grey(pair.referenceId, features.width, features.height);
    if (!grey) return null;
    try {
      return (await this.#o.verifier.agree(image, region, grey, pair.outline)).score;
    } catch (err) {
      this.#o.logger?.warn({ reference: pair.referenceId, err: errorMessage(err) }, 'dense check not made');
      return null;
    }
  }

  /** A reference's picture as grey at its feature size (kept for the last few references asked). */
  async #grey(referenceId: number, width: number, height: number): Promise<GreyPicture | null> {
    const kept = this.#greys.get(referenceId);
    if (kept && kept.width === width && kept.height === height) return kept;
    const image = this.#o.catalog.getReferenceImage(referenceId);
    if (!image) return null;
    try {
      const raw = await decodeImage(image, { maxPixels: this.#o.maxImagePixels });
      const grey = await greyPicture(raw, width, height);
      this.#greys.delete(referenceId);
      this.#greys.set(referenceId, grey);
      for (const old of this.#greys.keys()) {
        if (this.#greys.size <= GREYS_KEPT) break;
        this.#greys.delete(old);
      }
      return grey;
    } catch (err) {
      this.#o.logger?.warn({ reference: referenceId, err: errorMessage(err) }, 'reference picture not read');
      return null;
    }
  }

  async #features(referenceId: number): Promise<LocalFeatures | null> {
    const cached = this.#cache.get(referenceId);
    if (cached) return cached;
    const row = this.#o.catalog.getFeatures(referenceId, FEATURE_CONFIG_KEY);
    const decoded = row ? decodeFeatures(row) : null;
    if (decoded) {
      this.#cache.set(referenceId, decoded);
      return decoded;
    }
    if (row) {
      this.#o.logger?.warn(
        { reference: referenceId },
        'stored local features of a reference do not decode: computing them again',
      );
    }
    return this.#compute(referenceId);
  }

  async #compute(referenceId: number): Promise<LocalFeatures | null> {
    const image = this.#o.catalog.getReferenceImage(referenceId);
    if (!image) return null;
    try {
      const raw = await decodeImage(image, { maxPixels: this.#o.maxImagePixels });
      const f = await this.extract(raw, WHOLE_FRAME);
      const { config, stored } = this.stored(f);
      this.#o.catalog.putFeatures(referenceId, config, stored);
      this.#cache.set(referenceId, f);
      if (featureCount(keypointCount(f)).few) {
        this.#o.logger?.warn(
          { reference: referenceId, keypoints: keypointCount(f) },
          'reference has few local features (blurred or featureless picture): verification will be weak',
        );
      }
      return f;
    } catch (err) {
      this.#o.logger?.warn({ reference: referenceId, err: errorMessage(err) }, 'local features not computed');
      return null;
    }
  }
}
