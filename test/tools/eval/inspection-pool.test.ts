import { describe, expect, it } from 'vitest';
import type { InspectionEvalResult, InspectionScore } from '../../../tools/eval/inspection.ts';
import { formatSeedsReport, parseSeeds, poolScores } from '../../../tools/eval/inspection-pool.ts';

function scoreOf(o: {
  views: number;
  good: number;
  exact: number;
  missing: [number, number];
  uncovered: [number, number];
  alarms: number;
  heat: [number, number];
  ms: number;
}): InspectionScore {
  return {
    views: o.views,
    goodViews: o.good,
    defectViews: o.views - o.good,
    unverified: 1,
    countExact: o.exact / o.views,
    countExactSeen: o.exact / o.views / 2,
    hiddenGood: { regions: 3, underOccluder: 2 },
    defectsHidden: { views: 1, underOccluder: 1 },
    missingRecall: { found: o.missing[0], of: o.missing[1] },
    missingRecallUncovered: { found: o.uncovered[0], of: o.uncovered[1] },
    falseAlarmsPer10: (10 * o.alarms) / o.good,
    falseAlarmsOccludedPer10: 0,
    heatTop3: { hit: o.heat[0], of: o.heat[1] },
    byKind: { 'chip-missing': { found: o.missing[0], of: o.missing[1] } },
    msPerSlot: o.ms,
    medianChips: 100,
    detectExact: { exact: 4, of: 4 },
    scores: { good: [0.9], missing: [-0.5], differs: [0.4] },
  };
}

const a = scoreOf({
  views: 200,
  good: 80,
  exact: 194,
  missing: [38, 40],
  uncovered: [38, 40],
  alarms: 5,
  heat: [112, 120],
  ms: 190,
});
const b = scoreOf({
  views: 100,
  good: 40,
  exact: 90,
  missing: [17, 20],
  uncovered: [17, 18],
  alarms: 9,
  heat: [50, 60],
  ms: 220,
});

describe('the inspection rows over several seeds: parsed, pooled and printed', () => {
  it('parses ranges and lists, once each, and refuses anything else', () => {
    expect(parseSeeds('1-9')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(parseSeeds('2-4,7, 3')).toEqual([2, 3, 4, 7]);
    expect(parseSeeds('5')).toEqual([5]);
    expect(() => parseSeeds('3-1')).toThrow(/runs backwards/);
    expect(() => parseSeeds('1,x')).toThrow(/"x" is not a seed/);
    expect(() => parseSeeds('')).toThrow(/not a seed/);
  });

  it('adds the counts and weighs the shares by the views they are of', () => {
    const p = poolScores([a, b]);
    expect(p.views).toBe(300);
    expect(p.goodViews).toBe(120);
    expect(p.unverified).toBe(2);
    // chip count exact: (194 + 90) / 300 views, not the mean of 97 % and 90 %
    expect(p.countExact).toBeCloseTo(284 / 300, 10);
    expect(p.missingRecall).toEqual({ found: 55, of: 60 });
    expect(p.missingRecallUncovered).toEqual({ found: 55, of: 58 });
    // false alarms: 14 regions over 120 good views
    expect(p.falseAlarmsPer10).toBeCloseTo((10 * 14) / 120, 10);
    expect(p.heatTop3).toEqual({ hit: 162, of: 180 });
    expect(p.byKind['chip-missing']).toEqual({ found: 55, of: 60 });
    expect(p.hiddenGood).toEqual({ regions: 6, underOccluder: 4 });
    expect(p.detectExact).toEqual({ exact: 8, of: 8 });
    expect(p.scores.good).toEqual([0.9, 0.9]);
  });

  it('prints a line per seed, the pooled line, then the pooled report', () => {
    const result = (s: InspectionScore): InspectionEvalResult => ({
      validation: s,
      test: s,
      testVerified: s,
      thresholds: { presentMin: 0.57, missingBelow: 0.2 },
      suggested: { presentMin: 0.5, missingBelow: 0.2 },
      renderMs: 1000,
      totalMs: 2000,
    });
    const text = formatSeedsReport([
      { seed: 1, result: result(a) },
      { seed: 6, result: result(b) },
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toContain('seeds 1, 6');
    expect(lines.find((l) => l.trim().startsWith('seed 1'))).toMatch(
      /97\.0 %\s+38\/40\s+95\.0 %\s+38\/40\s+95\.0 %\s+0\.63\s+93\.3 %/,
    );
    expect(lines.find((l) => l.trim().startsWith('seed 6'))).toMatch(
      /90\.0 %\s+17\/20\s+85\.0 %\s+17\/18\s+94\.4 %\s+2\.25\s+83\.3 %/,
    );
    expect(lines.find((l) => l.trim().startsWith('pooled'))).toMatch(
      /94\.7 %\s+55\/60\s+91\.7 %\s+55\/58\s+94\.8 %\s+1\.17\s+90\.0 %/,
    );
    expect(text).toContain('Pooled over 2 seeds:');
    expect(text).toContain('Test split: 300 views (120 good, 180 with one defect) of 8 boards');
  });
});
