import { describe, expect, it } from 'vitest';
import { confirmedByEncoder, type VerifiedDecision } from '../../src/match/verify-decide.ts';

const matched = (inliers: number): VerifiedDecision => ({
  boardId: 7,
  bestBoardId: 7,
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
