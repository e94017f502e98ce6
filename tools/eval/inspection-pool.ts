/**
 * The inspection rows over several seeds (`npm run eval -- --only-inspection --seeds 1-9`): each
 * seed's held-out boards are other board types, so pooling them gives the targets a sample several
 * times larger than one seed's 40 test boards (about 40 chips taken off each: one chip is 2.5 %).
 */
import type { InspectionEvalResult, InspectionScore } from './inspection.ts';
import { suggestThresholds } from './inspection.ts';
import { formatInspectionReport } from './inspection-report.ts';

/** "1-9", "1,3,5", "2-4,7" -> the seeds, in order, each once; throws on anything else. */
export function parseSeeds(spec: string): number[] {
  const out: number[] = [];
  for (const part of spec.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new Error(`--seeds: "${part}" is not a seed or a range (e.g. 1-9 or 1,3,5)`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new Error(`--seeds: the range "${part.trim()}" runs backwards`);
    for (let s = from; s <= to; s++) if (!out.includes(s)) out.push(s);
  }
  if (out.length === 0) throw new Error('--seeds: no seed given');
  return out;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const pair = (xs: { found: number; of: number }[]) => ({
  found: sum(xs.map((x) => x.found)),
  of: sum(xs.map((x) => x.of)),
});
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor(s.length / 2)]!;
};

/**
 * Several seeds' scores as one: counts added, shares weighted by the views they are of (chip count by
 * views, false alarms by good views); ms per slot and chips per board are the median of the seeds'
 * medians (each seed keeps only its median).
 */
export function poolScores(parts: readonly InspectionScore[]): InspectionScore {
  const views = sum(parts.map((p) => p.views));
  const goodViews = sum(parts.map((p) => p.goodViews));
  const byViews = (f: (p: InspectionScore) => number) =>
    views === 0 ? 0 : sum(parts.map((p) => f(p) * p.views)) / views;
  const byGood = (f: (p: InspectionScore) => number) =>
    goodViews === 0 ? 0 : sum(parts.map((p) => f(p) * p.goodViews)) / goodViews;
  const byKind: InspectionScore['byKind'] = {};
  for (const p of parts) {
    for (const [k, v] of Object.entries(p.byKind) as [
      keyof InspectionScore['byKind'],
      { found: number; of: number },
    ][]) {
      const t = byKind[k] ?? { found: 0, of: 0 };
      byKind[k] = { found: t.found + v.found, of: t.of + v.of };
    }
  }
  return {
    views,
    goodViews,
    defectViews: sum(parts.map((p) => p.defectViews)),
    unverified: sum(parts.map((p) => p.unverified)),
    countExact: byViews((p) => p.countExact),
    countExactSeen: byViews((p) => p.countExactSeen),
    hiddenGood: {
      regions: sum(parts.map((p) => p.hiddenGood.regions)),
      underOccluder: sum(parts.map((p) => p.hiddenGood.underOccluder)),
    },
    defectsHidden: {
      views: sum(parts.map((p) => p.defectsHidden.views)),
      underOccluder: sum(parts.map((p) => p.defectsHidden.underOccluder)),
    },
    missingRecall: pair(parts.map((p) => p.missingRecall)),
    missingRecallUncovered: pair(parts.map((p) => p.missingRecallUncovered)),
    falseAlarmsPer10: byGood((p) => p.falseAlarmsPer10),
    falseAlarmsOccludedPer10: byGood((p) => p.falseAlarmsOccludedPer10),
    heatTop3: {
      hit: sum(parts.map((p) => p.heatTop3.hit)),
      of: sum(parts.map((p) => p.heatTop3.of)),
    },
    byKind,
    msPerSlot: median(parts.map((p) => p.msPerSlot)),
    medianChips: median(parts.map((p) => p.medianChips)),
    detectExact: {
      exact: sum(parts.map((p) => p.detectExact.exact)),
      of: sum(parts.map((p) => p.detectExact.of)),
    },
    scores: {
      good: parts.flatMap((p) => p.scores.good),
      missing: parts.flatMap((p) => p.scores.missing),
      differs: parts.flatMap((p) => p.scores.differs),
    },
  };
}

/** Several seeds' results as one (the validation split's suggestion made on all their validation views). */
export function poolResults(results: readonly InspectionEvalResult[]): InspectionEvalResult {
  const validation = poolScores(results.map((r) => r.validation));
  return {
    validation,
    test: poolScores(results.map((r) => r.test)),
    testVerified: poolScores(results.map((r) => r.testVerified)),
    thresholds: results[0]!.thresholds,
    suggested: suggestThresholds(validation.scores),
    renderMs: sum(results.map((r) => r.renderMs)),
    totalMs: sum(results.map((r) => r.totalMs)),
  };
}

const pct = (n: number, of: number) => (of === 0 ? '-' : `${((100 * n) / of).toFixed(1)} %`);

/** One line per seed (its test split against the targets), then the pooled report. */
export function formatSeedsReport(runs: readonly { seed: number; result: InspectionEvalResult }[]): string {
  const line = (label: string, s: InspectionScore) =>
    `  ${label.padEnd(8)} ${pct(Math.round(s.countExact * s.views), s.views).padStart(7)}   ` +
    `${`${s.missingRecall.found}/${s.missingRecall.of}`.padStart(7)} ${pct(s.missingRecall.found, s.missingRecall.of).padStart(7)}   ` +
    `${`${s.missingRecallUncovered.found}/${s.missingRecallUncovered.of}`.padStart(7)} ${pct(s.missingRecallUncovered.found, s.missingRecallUncovered.of).padStart(7)}   ` +
    `${s.falseAlarmsPer10.toFixed(2).padStart(5)}   ${pct(s.heatTop3.hit, s.heatTop3.of).padStart(7)}`;
  const pooled = poolResults(runs.map((r) => r.result));
  return [
    `Inspection over seeds ${runs.map((r) => r.seed).join(', ')}: each seed's test split (other held-out board types each time), then all of them pooled`,
    '  seed     count     missing-chip recall   (not half covered)    FA/10   heatmap top 3',
    ...runs.map((r) => line(`seed ${r.seed}`, r.result.test)),
    line('pooled', pooled.test),
    '  targets    >= 95 %               >= 95 %                          <= 1      >= 90 %',
    '',
    `Pooled over ${runs.length} seeds:`,
    formatInspectionReport(pooled),
  ].join('\n');
}
