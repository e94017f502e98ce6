import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Recognition } from '../../../tools/eval/methods.ts';
import {
  accuracy,
  calibrate,
  decideAt,
  decideVerifiedAt,
  rejection,
  top1,
  verifiedScoreAt,
} from '../../../tools/eval/metrics.ts';
import { writeOperatingPoint } from '../../../tools/eval/run.ts';
import { assertDisjoint, typeSeed } from '../../../tools/eval/views.ts';

const known = (score: number, margin: number, right = true): Recognition => ({
  truth: 0,
  top: right ? 0 : 1,
  score,
  margin,
  decided: null,
});
const unknown = (score: number, margin: number): Recognition => ({
  truth: null,
  top: 2,
  score,
  margin,
  decided: null,
});

describe('eval metrics', () => {
  it('decides as the daemon does: score at least the threshold and margin at least minMargin', () => {
    const p = { threshold: 0.5, minMargin: 0.1 };
    expect(decideAt(known(0.5, 0.1), p)).toBe(0);
    expect(decideAt(known(0.49, 0.3), p)).toBeNull();
    expect(decideAt(known(0.9, 0.05), p)).toBeNull();
  });

  it('picks a threshold between known and unknown scores', () => {
    const ks = [known(0.9, 0.3), known(0.8, 0.2), known(0.75, 0.3)];
    const us = [unknown(0.6, 0.2), unknown(0.5, 0.01)];
    const p = calibrate(ks, us);
    expect(p.threshold).toBeGreaterThan(0.6);
    expect(p.threshold).toBeLessThanOrEqual(0.75);
    expect(p.minMargin).toBe(0);
    const decided = [...ks, ...us].map((r) => ({ ...r, decided: decideAt(r, p) }));
    expect(accuracy(decided.slice(0, 3))).toBe(1);
    expect(rejection(decided.slice(3))).toBe(1);
    expect(top1([known(0.9, 0.3), known(0.9, 0.3, false)])).toBe(0.5);
  });

  it('rejects at least 90% of the unknown boards when a threshold can, even at some accuracy', () => {
    // Ten unknown boards scoring 0.701..0.791, known boards at 0.76, 0.77, 0.78 and 0.9. The balanced
    // optimum (a threshold at 0.76: every known board, 60% of the unknowns rejected) misses the
    // floor, which needs a threshold above 0.78 and then takes the one above 0.79 (all rejected).
    const ks = [known(0.76, 0.3), known(0.77, 0.3), known(0.78, 0.3), known(0.9, 0.3)];
    const us = Array.from({ length: 10 }, (_, i) => unknown(0.701 + i * 0.01, 0.3));
    const free = calibrate(ks, us, 0);
    const floor = calibrate(ks, us);
    const decide = (p: { threshold: number; minMargin: number }) => ({
      known: accuracy(ks.map((r) => ({ ...r, decided: decideAt(r, p) }))),
      unknown: rejection(us.map((r) => ({ ...r, decided: decideAt(r, p) }))),
    });
    expect(decide(floor).unknown).toBeGreaterThanOrEqual(0.9);
    expect(decide(free).unknown).toBeLessThan(0.9);
    expect(decide(free)).toEqual({ known: 1, unknown: 0.6 });
    expect(decide(floor)).toEqual({ known: 0.25, unknown: 1 });
    // No threshold reaches the floor (an unknown board scores 1, as its exact twin would): the best
    // pair overall.
    const hopeless = calibrate([known(0.5, 0.3)], [unknown(1, 0.3)], 0.9);
    expect(hopeless).toEqual(calibrate([known(0.5, 0.3)], [unknown(1, 0.3)], 0));
    expect(hopeless.threshold).toBeLessThanOrEqual(0.5);
  });

  it('keeps training and evaluation board types apart', () => {
    expect(() => assertDisjoint(1, { train: 4000, validation: 600, test: 50, unknown: 50 })).not.toThrow();
    expect(typeSeed(1, 'train', 0)).not.toBe(typeSeed(1, 'test', 0));
  });
});

describe('decideVerifiedAt (the eval re-deciding recorded verifications at another point)', () => {
  const seen = (inliers: number, cosine: number | null, runnerUp = 0): Recognition => ({
    truth: 3,
    top: 3,
    score: 0.9,
    margin: 0.1,
    decided: 3,
    verify: { best: 3, inliers, runnerUp, keypoints: 900, cosine },
  });
  it("verifiedScoreAt re-decides enrolled and unknown views at a point (the eval's validation and test-at-defaults figures)", () => {
    const stranger = (inliers: number): Recognition => ({ ...seen(inliers, 0.9), truth: null });
    // the fifth enrolled view is given another board than its own: never right
    const known = [
      seen(30, 0.9),
      seen(13, 0.9),
      seen(11, 0.9),
      seen(30, 0.9, 16),
      { ...seen(30, 0.9), truth: 5 },
    ];
    const unknown = [stranger(13), stranger(5), stranger(0), stranger(40)];
    expect(verifiedScoreAt(known, unknown, { minInliers: 12, minRatio: 2 })).toEqual({
      accuracy: 0.4,
      rejection: 0.5,
    });
    expect(verifiedScoreAt(known, unknown, { minInliers: 15, minRatio: 1.5 })).toEqual({
      accuracy: 0.4,
      rejection: 0.75,
    });
    expect(verifiedScoreAt(known, [], { minInliers: 10, minRatio: 1 }).accuracy).toBe(0.8);
  });
  it('asks for the inliers and the lead over the runner-up', () => {
    expect(decideVerifiedAt(seen(30, 0.9), { minInliers: 12, minRatio: 2 })).toBe(3);
    expect(decideVerifiedAt(seen(11, 0.9), { minInliers: 12, minRatio: 2 })).toBeNull();
    expect(decideVerifiedAt(seen(30, 0.9, 16), { minInliers: 12, minRatio: 2 })).toBeNull();
  });
  it('under strongInliers, as the daemon does, also asks the encoder (the best board cosine)', () => {
    const p = { minInliers: 12, minRatio: 2, confirm: { strongInliers: 100, minCosine: 0.87 } };
    expect(decideVerifiedAt(seen(30, 0.9), p)).toBe(3);
    expect(decideVerifiedAt(seen(30, 0.8), p)).toBeNull();
    expect(decideVerifiedAt(seen(30, null), p)).toBeNull();
    expect(decideVerifiedAt(seen(150, 0.2), p)).toBe(3);
    expect(decideVerifiedAt(seen(30, 0.8), { ...p, confirm: { strongInliers: 100, minCosine: null } })).toBe(
      3,
    );
  });
  it('takes a board refused as ambiguous when the dense check settles it, as the daemon does', () => {
    const p = {
      minInliers: 12,
      minRatio: 2,
      confirm: { strongInliers: 100, minCosine: 0.87, minAgreement: 0.9 },
    };
    const close = (agreement: number | null, runnerUpAgreement: number | null): Recognition => {
      const r = seen(40, 0.95, 30);
      return { ...r, verify: { ...r.verify!, agreement, runnerUpAgreement } };
    };
    expect(decideVerifiedAt(close(0.95, 0.3), p)).toBe(3);
    expect(decideVerifiedAt(close(0.95, null), p)).toBe(3);
    expect(decideVerifiedAt(close(0.95, 0.92), p)).toBeNull();
    expect(decideVerifiedAt(close(0.85, 0.1), p)).toBeNull();
    expect(decideVerifiedAt(close(0.95, 0.3), { minInliers: 12, minRatio: 2 })).toBeNull();
    // too few inliers is never settled
    const few = close(0.99, 0);
    expect(decideVerifiedAt({ ...few, verify: { ...few.verify!, inliers: 11 } }, p)).toBeNull();
  });
  it('gives a view the first decision refuses the second chance of its mutual estimates, as the daemon does', () => {
    const p = {
      minInliers: 12,
      minRatio: 2,
      confirm: { strongInliers: 100, minCosine: 0.87, minAgreement: 0.9 },
    };
    type Second = NonNullable<Recognition['verify']>['second'];
    const refused = (second: Second): Recognition => {
      const r = seen(0, 0.95);
      return { ...r, verify: { ...r.verify!, best: null, ...(second ? { second } : {}) } };
    };
    const alike = { best: 3, inliers: 300, runnerUp: 20, agreement: 0.93, cosine: 0.95 };
    expect(decideVerifiedAt(refused(undefined), p)).toBeNull();
    expect(decideVerifiedAt(refused(alike), p)).toBe(3);
    // the dense check and the encoder decide: many mutual inliers alone are not enough
    expect(decideVerifiedAt(refused({ ...alike, agreement: 0.85 }), p)).toBeNull();
    expect(decideVerifiedAt(refused({ ...alike, agreement: null }), p)).toBeNull();
    expect(decideVerifiedAt(refused({ ...alike, cosine: 0.8 }), p)).toBeNull();
    // and the point's inliers and lead are asked of the mutual estimates too
    expect(decideVerifiedAt(refused({ ...alike, inliers: 11, runnerUp: 0 }), p)).toBeNull();
    expect(decideVerifiedAt(refused({ ...alike, inliers: 30, runnerUp: 16 }), p)).toBeNull();
    // without minAgreement (or without the encoder's rule) there is no second chance
    expect(
      decideVerifiedAt(refused(alike), { ...p, confirm: { ...p.confirm, minAgreement: null } }),
    ).toBeNull();
    expect(decideVerifiedAt(refused(alike), { minInliers: 12, minRatio: 2 })).toBeNull();
    // a view the first decision takes keeps its board
    const taken = { ...seen(30, 0.9), verify: { ...seen(30, 0.9).verify!, second: { ...alike, best: 5 } } };
    expect(decideVerifiedAt(taken, p)).toBe(3);
  });
});

describe('writeOperatingPoint (npm run eval -- --write-operating-point)', () => {
  it('writes the threshold and margin and keeps the rest of the operating point (verifyCosine)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'benchsight-op-'));
    try {
      const path = join(dir, 'm.json');
      writeFileSync(
        path,
        JSON.stringify({ id: 'm@1', operatingPoint: { threshold: 0.9, minMargin: 0, verifyCosine: 0.87 } }),
      );
      writeOperatingPoint(path, { threshold: 0.95, minMargin: 0.01 });
      expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
        id: 'm@1',
        operatingPoint: { threshold: 0.95, minMargin: 0.01, verifyCosine: 0.87 },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
