import { describe, expect, it } from 'vitest';
import {
  asksAgreement,
  confirmedByEncoder,
  decideVerified,
  secondChanceAgrees,
  secondChanceAsked,
  settled,
  settlesAmbiguity,
  type VerifiedDecision,
  withMutual,
} from '../../src/match/verify-decide.ts';

const matched = (inliers: number): VerifiedDecision => ({
  boardId: 7,
  bestBoardId: 7,
  runnerUpBoardId: null,
  reason: 'match',
  inliers,
  runnerUpInliers: 0,
  outline: [
    [0, 0],
    [10, 0],
    [10, 10],
    [0, 10],
  ],
});
const rule = { strongInliers: 100, minCosine: 0.87 };

describe('confirmedByEncoder (a board under strongInliers inliers needs the encoder to agree)', () => {
  it('keeps a board with strongInliers inliers or more whatever its cosine', () => {
    expect(confirmedByEncoder(matched(100), 0.2, rule).boardId).toBe(7);
    expect(confirmedByEncoder(matched(400), null, rule).boardId).toBe(7);
  });
  it('keeps a board under strongInliers whose cosine reaches minCosine', () => {
    expect(confirmedByEncoder(matched(30), 0.87, rule)).toEqual(matched(30));
    expect(confirmedByEncoder(matched(30), 0.95, rule).reason).toBe('match');
  });
  it('refuses a board under strongInliers whose cosine is lower, or unknown, as too few inliers', () => {
    const refused = confirmedByEncoder(matched(99), 0.86, rule);
    expect(refused.boardId).toBeNull();
    expect(refused.reason).toBe('too-few-inliers');
    // what the slot matched best is still said
    expect(refused.bestBoardId).toBe(7);
    expect(refused.inliers).toBe(99);
    expect(confirmedByEncoder(matched(30), null, rule).boardId).toBeNull();
  });
  it('changes nothing without a minCosine, nor a decision that is already unknown', () => {
    expect(confirmedByEncoder(matched(13), 0.1, { strongInliers: 100, minCosine: null }).boardId).toBe(7);
    const unknown: VerifiedDecision = { ...matched(5), boardId: null, reason: 'too-few-inliers' };
    expect(confirmedByEncoder(unknown, 0.99, rule)).toEqual(unknown);
  });
});

describe('confirmedByEncoder with the dense check (match.verify.minAgreement, strongAgreement)', () => {
  const dense = { ...rule, minAgreement: 0.9 };
  const strict = { ...dense, strongAgreement: 0.7 };

  it('under strongInliers lets the agreement stand in for a cosine under minCosine', () => {
    expect(confirmedByEncoder(matched(30), 0.5, dense, 0.9).boardId).toBe(7);
    const refused = confirmedByEncoder(matched(30), 0.5, dense, 0.89);
    expect(refused.reason).toBe('too-few-inliers');
    expect(refused.bestBoardId).toBe(7);
    // a cosine that reaches minCosine keeps the board whatever the agreement
    expect(confirmedByEncoder(matched(30), 0.9, dense, 0.1).boardId).toBe(7);
  });
  it('from strongInliers on asks the agreement only with strongAgreement, of a board the encoder doubts: then refuses as not alike', () => {
    expect(confirmedByEncoder(matched(300), 0.2, dense, 0.1).boardId).toBe(7);
    const refused = confirmedByEncoder(matched(300), 0.86, strict, 0.69);
    expect(refused.boardId).toBeNull();
    expect(refused.reason).toBe('not-alike');
    expect(confirmedByEncoder(matched(300), null, strict, 0.69).reason).toBe('not-alike');
    expect(confirmedByEncoder(matched(300), 0.2, strict, 0.7).boardId).toBe(7);
    // the encoder agreeing keeps it whatever the agreement, and so does an encoder with no say
    expect(confirmedByEncoder(matched(300), 0.87, strict, 0.1).boardId).toBe(7);
    expect(confirmedByEncoder(matched(300), 0.2, { ...strict, minCosine: null }, 0.1).boardId).toBe(7);
  });
  it('an agreement of null (nothing to compare) or a minAgreement of null asks nothing', () => {
    expect(confirmedByEncoder(matched(300), 0.2, strict, null).boardId).toBe(7);
    expect(confirmedByEncoder(matched(30), 0.5, dense, null).reason).toBe('too-few-inliers');
    expect(confirmedByEncoder(matched(30), 0.5, { ...rule, minAgreement: null }, 0.99).boardId).toBeNull();
  });
  it('asks for the dense check only where it can change the decision', () => {
    expect(asksAgreement(matched(30), 0.5, dense)).toBe(true);
    expect(asksAgreement(matched(30), 0.9, dense)).toBe(false);
    expect(asksAgreement(matched(300), 0.2, dense)).toBe(false);
    expect(asksAgreement(matched(300), 0.86, strict)).toBe(true);
    expect(asksAgreement(matched(300), 0.99, strict)).toBe(false);
    expect(asksAgreement(matched(30), 0.5, rule)).toBe(false);
    expect(asksAgreement({ ...matched(30), boardId: null }, 0.5, dense)).toBe(false);
    expect(asksAgreement(matched(30), 0.5, { strongInliers: 100, minCosine: null, minAgreement: 0.9 })).toBe(
      false,
    );
  });
});

describe('settlesAmbiguity (the dense check deciding between boards close in inliers)', () => {
  const dense = { ...rule, minAgreement: 0.9 };
  it('takes the best board when its reference agrees and the runner-up does not, or could not be compared', () => {
    expect(settlesAmbiguity(0.95, 0.4, dense)).toBe(true);
    expect(settlesAmbiguity(0.9, null, dense)).toBe(true);
  });
  it('leaves it ambiguous when both agree, when the best does not, or without minAgreement', () => {
    expect(settlesAmbiguity(0.95, 0.93, dense)).toBe(false);
    expect(settlesAmbiguity(0.89, 0.1, dense)).toBe(false);
    expect(settlesAmbiguity(null, null, dense)).toBe(false);
    expect(settlesAmbiguity(0.99, 0.1, rule)).toBe(false);
    expect(settlesAmbiguity(0.99, 0.1, { ...rule, minAgreement: null })).toBe(false);
  });
  it('settled takes an ambiguous decision for its best board, and leaves any other as it is', () => {
    const ambiguous: VerifiedDecision = {
      ...matched(40),
      boardId: null,
      reason: 'ambiguous',
      runnerUpBoardId: 9,
    };
    expect(settled(ambiguous, 0.95, 0.2, dense)).toMatchObject({ boardId: 7, reason: 'match', inliers: 40 });
    expect(settled(ambiguous, 0.95, 0.95, dense)).toEqual(ambiguous);
    const few: VerifiedDecision = { ...matched(8), boardId: null, reason: 'too-few-inliers' };
    expect(settled(few, 0.99, null, dense)).toEqual(few);
  });
  it('decideVerified names the runner-up board it compares against', () => {
    const pair = (boardId: number, inliers: number) => ({
      referenceId: boardId * 10,
      boardId,
      referenceKeypoints: 500,
      matches: inliers * 2,
      inliers,
      estimated: true,
      outline: matched(0).outline,
    });
    const run = {
      queryKeypoints: 800,
      width: 640,
      height: 480,
      ms: 1,
      pairs: [pair(4, 40), pair(9, 30), pair(4, 12)],
    };
    const d = decideVerified(run, { enabled: true, candidates: 8, minInliers: 12, minRatio: 2 });
    expect(d).toMatchObject({
      boardId: null,
      reason: 'ambiguous',
      bestBoardId: 4,
      runnerUpBoardId: 9,
      runnerUpInliers: 30,
    });
  });
});

describe('the second chance from mutual estimates', () => {
  const square = matched(0).outline!;
  const moved = square.map(([x, y]) => [x + 5, y]) as typeof square;
  const pair = (
    boardId: number,
    inliers: number,
    mutual?: { inliers: number; outline: typeof square | null },
  ) => ({
    referenceId: boardId * 10 + inliers,
    boardId,
    referenceKeypoints: 500,
    matches: inliers * 2,
    inliers,
    estimated: true,
    outline: inliers > 0 ? square : null,
    ...(mutual ? { mutual } : {}),
  });
  const run = (pairs: ReturnType<typeof pair>[]) => ({
    queryKeypoints: 800,
    width: 640,
    height: 480,
    ms: 1,
    pairs,
  });
  const policy = { enabled: true, candidates: 8, minInliers: 12, minRatio: 2 };

  it('withMutual takes a mutual estimate with an outline and more inliers, and nothing else', () => {
    expect(withMutual(run([pair(4, 0), pair(9, 6)]))).toBeNull();
    // fewer inliers, or no outline a board can have: no second chance
    expect(
      withMutual(
        run([pair(4, 20, { inliers: 15, outline: moved }), pair(4, 0, { inliers: 0, outline: null })]),
      ),
    ).toBeNull();
    const second = withMutual(run([pair(4, 0, { inliers: 300, outline: moved }), pair(9, 6)]))!;
    expect(second.pairs[0]).toMatchObject({ boardId: 4, inliers: 300, outline: moved });
    expect(second.pairs[1]).toMatchObject({ boardId: 9, inliers: 6, outline: square });
    const d = decideVerified(second, policy);
    expect(d).toMatchObject({ boardId: 4, reason: 'match', inliers: 300, outline: moved });
    // the first decision is left as it was
    expect(
      decideVerified(run([pair(4, 0, { inliers: 300, outline: moved }), pair(9, 6)]), policy).boardId,
    ).toBeNull();
  });
  it('secondChanceAgrees asks the dense check for minAgreement and the encoder for minCosine, and never without minAgreement', () => {
    const c = { strongInliers: 100, minCosine: 0.87, minAgreement: 0.9 };
    expect(secondChanceAgrees(0.9, 0.87, c)).toBe(true);
    expect(secondChanceAgrees(0.89, 0.99, c)).toBe(false);
    expect(secondChanceAgrees(null, 0.99, c)).toBe(false);
    // the encoder must agree too: a board it doubts is not taken however alike the pictures
    expect(secondChanceAgrees(0.99, 0.86, c)).toBe(false);
    expect(secondChanceAgrees(0.99, null, c)).toBe(false);
    // a model without a minCosine leaves the dense check alone to decide
    expect(secondChanceAgrees(0.95, null, { ...c, minCosine: null })).toBe(true);
    expect(secondChanceAgrees(0.99, 0.99, { ...c, minAgreement: null })).toBe(false);
    expect(secondChanceAgrees(0.99, 0.99, { strongInliers: 100, minCosine: 0.87 })).toBe(false);
  });

  it('secondChanceAsked: whether any agreement could give a board of this cosine a second chance', () => {
    const c = { strongInliers: 100, minCosine: 0.87, minAgreement: 0.9 };
    expect(secondChanceAsked(0.87, c)).toBe(true);
    expect(secondChanceAsked(0.86, c)).toBe(false);
    expect(secondChanceAsked(null, c)).toBe(false);
    expect(secondChanceAsked(0.2, { ...c, minCosine: null })).toBe(true);
    expect(secondChanceAsked(0.99, { ...c, minAgreement: null })).toBe(false);
    // never asked where secondChanceAgrees could not hold, whatever the agreement
    for (const cos of [null, 0.5, 0.86, 0.87, 0.99])
      for (const cc of [c, { ...c, minCosine: null }, { ...c, minAgreement: null }])
        if (!secondChanceAsked(cos, cc)) expect(secondChanceAgrees(1, cos, cc)).toBe(false);
  });
});
