import type { Quad } from '../verify/geometry.ts';
import type { PairResult, VerifyRun } from '../verify/types.ts';

/** The second stage: local features of the slot matched against the shortlisted boards' references. */
export interface VerifyPolicy {
  enabled: boolean;
  /** Boards the embedding shortlists for verification. */
  candidates: number;
  /** Inliers the best board's best reference must have. */
  minInliers: number;
  /** How many times the runner-up board's inliers the best board must have. */
  minRatio: number;
}

/** When the encoder, or the dense check after alignment, must agree with the local features. */
export interface EncoderConfirmation {
  /** Inliers that decide alone (unless the encoder doubts the board and strongAgreement asks the dense check). */
  strongInliers: number;
  /** The cosine a board verified with fewer inliers needs; null: minInliers decides alone. */
  minCosine: number | null;
  /**
   * Under strongInliers, the dense check's agreement (median cell correlation of the aligned
   * pictures, see src/verify/agreement.ts) that stands in for a cosine under minCosine; null: never.
   */
  minAgreement?: number | null;
  /** From strongInliers on, the agreement a board the encoder doubts needs; null: inliers decide alone there. */
  strongAgreement?: number | null;
}

/**
 * A board verified with fewer than strongInliers inliers is kept only when the encoder ranks it
 * close too (its cosine at least minCosine), or the slot's picture brought into the reference's frame
 * agrees with it all over (minAgreement): boards never enrolled that share parts with an enrolled one
 * reach a few dozen inliers, but the encoder sees them as other boards, and they differ where they
 * are not alike. Refused: too-few-inliers. From strongInliers on, a board the encoder doubts needs
 * strongAgreement (another revision of a board maps onto it with hundreds of inliers, but the encoder
 * sees another board and the aligned pictures differ where the revision changed it). Refused:
 * not-alike. An agreement of null (not made, or nothing to compare: a flat reference) asks nothing;
 * neither does a minCosine of null (the encoder has no say).
 */
export function confirmedByEncoder(
  decision: VerifiedDecision,
  cosine: number | null,
  c: EncoderConfirmation,
  agreement: number | null = null,
): VerifiedDecision {
  if (decision.boardId === null) return decision;
  const reason = confirmation(decision.inliers, cosine, agreement, c);
  return reason === 'match' ? decision : { ...decision, boardId: null, reason };
}

function encoderAgrees(cosine: number | null, c: EncoderConfirmation): boolean {
  return c.minCosine === null || (cosine !== null && cosine >= c.minCosine);
}

/** confirmedByEncoder's rule for a board verified with `inliers`: 'match', or why it is refused. */
export function confirmation(
  inliers: number,
  cosine: number | null,
  agreement: number | null,
  c: EncoderConfirmation,
): 'match' | 'too-few-inliers' | 'not-alike' {
  if (encoderAgrees(cosine, c)) return 'match';
  if (inliers >= c.strongInliers) {
    const floor = c.strongAgreement ?? null;
    return floor !== null && agreement !== null && agreement < floor ? 'not-alike' : 'match';
  }
  const floor = c.minAgreement ?? null;
  return floor !== null && agreement !== null && agreement >= floor ? 'match' : 'too-few-inliers';
}

/** Whether confirmedByEncoder would look at the dense check's agreement for this decision. */
export function asksAgreement(
  decision: VerifiedDecision,
  cosine: number | null,
  c: EncoderConfirmation,
): boolean {
  if (decision.boardId === null || encoderAgrees(cosine, c)) return false;
  const floor = decision.inliers >= c.strongInliers ? c.strongAgreement : c.minAgreement;
  return (floor ?? null) !== null;
}

/**
 * Whether the dense check settles a board refused `ambiguous`: its best reference agrees with the
 * slot all over (minAgreement) and the runner-up board's does not (or could not be compared). Boards
 * that repeat one another's parts (rows of one chip, one connector) match each other's references
 * with dozens of inliers, so the lead in inliers can be small where the board is plain to see; two
 * enrolled revisions that both agree stay ambiguous, and so does every board when minAgreement is
 * null.
 */
export function settlesAmbiguity(
  best: number | null,
  runnerUp: number | null,
  c: EncoderConfirmation,
): boolean {
  const floor = c.minAgreement ?? null;
  return floor !== null && best !== null && best >= floor && (runnerUp === null || runnerUp < floor);
}

/** A decision refused `ambiguous` taken for its best board when the dense check settles it (settlesAmbiguity). */
export function settled(
  decision: VerifiedDecision,
  best: number | null,
  runnerUp: number | null,
  c: EncoderConfirmation,
): VerifiedDecision {
  if (decision.reason !== 'ambiguous' || !settlesAmbiguity(best, runnerUp, c)) return decision;
  return { ...decision, boardId: decision.bestBoardId, reason: 'match' };
}

/**
 * The run as the mutual estimates see it (PairResult.mutual, made for the encoder's nearest board
 * when the ratio test found it few inliers): each pair whose mutual estimate has an outline and more
 * inliers takes it. Null when no pair's does: there is no second chance to give.
 */
export function withMutual(run: VerifyRun): VerifyRun | null {
  let changed = false;
  const pairs = run.pairs.map((p) => {
    const m = p.mutual;
    if (!m?.outline || m.inliers <= p.inliers) return p;
    changed = true;
    return { ...p, inliers: m.inliers, outline: m.outline };
  });
  return changed ? { ...run, pairs } : null;
}

/**
 * The second chance of a slot refused on the ratio test's matches: the decision over its mutual
 * estimates (withMutual), when it names a board, is taken if both other signals agree: the encoder
 * (the board's cosine at least minCosine) and the dense check (that board's aligned picture agreeing
 * with the slot all over, minAgreement). Mutual matches pair a hashboard's repeated chips with chips
 * of any board of the same pitch, and guided matching then lines up whole grids: boards never
 * enrolled reach a hundred inliers and more, so inliers say nothing here. Null minAgreement: no
 * second chance.
 */
export function secondChanceAgrees(
  agreement: number | null,
  cosine: number | null,
  c: EncoderConfirmation,
): boolean {
  return secondChanceAsked(cosine, c) && agreement !== null && agreement >= c.minAgreement!;
}

/**
 * Whether a second chance could name a board of this cosine at all (secondChanceAgrees, whatever
 * the dense check says): minAgreement is set and the encoder agrees. Where it could not, the mutual
 * estimates that would feed it are not worth making (a board never enrolled, most of the time: the
 * encoder doubts it).
 */
export function secondChanceAsked(cosine: number | null, c: EncoderConfirmation): boolean {
  return (c.minAgreement ?? null) !== null && encoderAgrees(cosine, c);
}

/** Fewer keypoints than this in the slot's picture: nothing to verify (blank, uniform, tiny). */
export const MIN_QUERY_KEYPOINTS = 12;

export type VerifyReason = 'match' | 'no-features' | 'too-few-inliers' | 'ambiguous' | 'not-alike';

export interface VerifiedDecision {
  boardId: number | null;
  /** The board with the most inliers, accepted or not; null: no reference matched at all. */
  bestBoardId: number | null;
  /** The board with the most inliers after it; null: none matched. */
  runnerUpBoardId: number | null;
  reason: VerifyReason;
  /** The best board's best reference. */
  inliers: number;
  runnerUpInliers: number;
  /** The best reference's corners in the verified picture (feature-size pixels); null: none. */
  outline: Quad | null;
}

/** Best pair per board, best board first. */
function bestPerBoard(pairs: readonly PairResult[]): PairResult[] {
  const best = new Map<number, PairResult>();
  for (const p of pairs) {
    const b = best.get(p.boardId);
    if (!b || p.inliers > b.inliers) best.set(p.boardId, p);
  }
  return [...best.values()].sort((a, b) => b.inliers - a.inliers);
}

/**
 * The board is the one whose reference the slot's picture maps onto with enough inliers and clearly
 * more than any other board's: the embedding only chose whom to ask.
 */
export function decideVerified(run: VerifyRun, policy: VerifyPolicy): VerifiedDecision {
  const [best, runnerUp] = bestPerBoard(run.pairs);
  const inliers = best?.inliers ?? 0;
  const runnerUpInliers = runnerUp?.inliers ?? 0;
  const base = {
    inliers,
    runnerUpInliers,
    outline: best?.outline ?? null,
    bestBoardId: best && inliers > 0 ? best.boardId : null,
    runnerUpBoardId: runnerUp && runnerUpInliers > 0 ? runnerUp.boardId : null,
  };
  if (run.queryKeypoints < MIN_QUERY_KEYPOINTS) {
    return { ...base, boardId: null, reason: 'no-features', outline: null };
  }
  if (!best || inliers < policy.minInliers) return { ...base, boardId: null, reason: 'too-few-inliers' };
  if (inliers < policy.minRatio * runnerUpInliers) return { ...base, boardId: null, reason: 'ambiguous' };
  return { ...base, boardId: best.boardId, reason: 'match' };
}
