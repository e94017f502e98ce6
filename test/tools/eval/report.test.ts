import { describe, expect, it } from 'vitest';
import { VERIFY_DEFAULTS } from '../../../src/config/schema.ts';
import { formatReport } from '../../../tools/eval/report.ts';
import type { EvalOptions, EvalResult, MethodResult } from '../../../tools/eval/run.ts';

const nuisance = (v: number) => ({
  lighting: { top1: 1, accuracy: v },
  rotation: { top1: 1, accuracy: v },
  occlusion: { top1: 1, accuracy: v },
  blur: { top1: 1, accuracy: v },
  clutter: { top1: 1, accuracy: v },
});

const verified: MethodResult = {
  name: 'tiny + verification',
  policy: { threshold: 0, minMargin: 0 },
  manifestPolicy: null,
  top1: 1,
  accuracy: 0.955,
  rejection: 0.95,
  nuisance: nuisance(0.9),
  encode: null,
  verifyPoint: { minInliers: 15, minRatio: 1.5 },
  msPerSlot: 100,
  validation: {
    chosen: { accuracy: 0.985, rejection: 0.995 },
    defaults: { accuracy: 0.98, rejection: 0.995 },
  },
  testAtDefaults: {
    accuracy: 0.95,
    rejection: 0.96,
    nuisance: { lighting: 1, rotation: 1, occlusion: 0.76, blur: 0.81, clutter: 1 },
  },
};

const options = {
  seed: 1,
  boards: 50,
  references: 3,
  queries: 8,
  unknownBoards: 50,
  unknownViews: 4,
  nuisanceViews: 2,
  validationBoards: 50,
  validationQueries: 4,
  width: 320,
  height: 240,
  benchRuns: 10,
  intraOpThreads: 0,
  photos: null,
} as unknown as EvalOptions;

function report(methods: MethodResult[]): string {
  const r: EvalResult = {
    methods,
    shortlist: null,
    photos: null,
    photosSkipped: null,
    rendered: 10,
    renderMs: 1000,
    totalMs: 2000,
  };
  return formatReport(r, options, new Date(0));
}

describe('npm run eval report', () => {
  it('prints the test views at the shipped defaults beside the chosen point, single nuisances included', () => {
    const text = report([verified]);
    const line = text.split('\n').find((l) => l.includes('test views at the shipped defaults'));
    expect(line).toBeDefined();
    expect(line).toContain(`inliers>=${VERIFY_DEFAULTS.minInliers} ratio>=${VERIFY_DEFAULTS.minRatio}`);
    expect(line).toContain('recognized 95.0%, unknown rejected 96.0%');
    expect(line).toContain('occlusion 76.0%, blur 81.0%');
    // the table keeps the chosen point's figures
    expect(text).toMatch(/tiny \+ verification\s+inliers>=15 ratio>=1\.5\s+100\.0%\s+95\.5%\s+95\.0%/);
  });

  it('prints no such line for a method without verification', () => {
    const text = report([{ ...verified, verifyPoint: null, validation: null, testAtDefaults: null }]);
    expect(text).not.toContain('test views at the shipped defaults');
  });
});
