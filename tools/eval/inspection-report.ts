import type { InspectionEvalResult, InspectionScore } from './inspection.ts';
import { INSPECTION_NUISANCE } from './inspection-set.ts';

const pct = (n: number, of: number) => (of === 0 ? '-' : `${((100 * n) / of).toFixed(1)}% (${n}/${of})`);
const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');

function rows(s: InspectionScore): string[] {
  const recall = s.missingRecall.of === 0 ? 0 : s.missingRecall.found / s.missingRecall.of;
  const heat = s.heatTop3.of === 0 ? 0 : s.heatTop3.hit / s.heatTop3.of;
  const exact = Math.round(s.countExact * s.views);
  const seen = Math.round(s.countExactSeen * s.views);
  return [
    `  chip count exact             ${pct(exact, s.views).padEnd(22)} target >= 95%                  ${mark(s.countExact >= 0.95)}`,
    `    (found + hidden; found alone ${pct(seen, s.views)}: a chip under a hand or tool is neither found nor missing)`,
    `  missing-chip recall          ${pct(s.missingRecall.found, s.missingRecall.of).padEnd(22)} target >= 95%                  ${mark(recall >= 0.95)}`,
    `    (a chip taken off under a hand or tool is hidden, counted missed here; of those not half covered by one: ${pct(s.missingRecallUncovered.found, s.missingRecallUncovered.of)})`,
    `  false alarms per 10 boards   ${s.falseAlarmsPer10.toFixed(2).padEnd(22)} target <= 1 (good boards)      ${mark(s.falseAlarmsPer10 <= 1)}`,
    `    of which under a hand/tool ${s.falseAlarmsOccludedPer10.toFixed(2)}; regions judged hidden on good views ${s.hiddenGood.regions} (${s.hiddenGood.underOccluder} with their centre truly under one); defects judged hidden ${s.defectsHidden.views} (${s.defectsHidden.underOccluder} truly under one)`,
    `  heatmap hit (top 3 regions)  ${pct(s.heatTop3.hit, s.heatTop3.of).padEnd(22)} target >= 90% (defective views) ${mark(heat >= 0.9)}`,
    `  ms per slot (median)         ${s.msPerSlot.toFixed(0).padEnd(22)} target <= 300 (126 chips; npm run bench) median board ${s.medianChips} chips`,
    `  defect region called missing/differs, by kind: ${Object.entries(s.byKind)
      .map(([k, v]) => `${k} ${pct(v!.found, v!.of)}`)
      .join(', ')}`,
    `  maps from one marked chip with every chip found: ${pct(s.detectExact.exact, s.detectExact.of)}; unverified views ${s.unverified}`,
  ];
}

/** The inspection section of the eval report: the test split against the targets, the validation split beside. */
export function formatInspectionReport(r: InspectionEvalResult): string {
  const nuisance = Object.entries(INSPECTION_NUISANCE)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    'Inspection (synthetic held-out hashboards; map = one marked chip + Inspector.detect, connectors and capacitors marked)',
    `  nuisances: ${nuisance}`,
    `  thresholds: present >= ${r.thresholds.presentMin}, missing < ${r.thresholds.missingBelow} (src/inspect/verdict.ts); ` +
      `the validation split suggests present >= ${r.suggested.presentMin}, missing < ${r.suggested.missingBelow}`,
    `Test split: ${r.test.views} views (${r.test.goodViews} good, ${r.test.defectViews} with one defect) of ${r.test.detectExact.of} boards`,
    ...rows(r.test),
    `Test split, only the ${r.testVerified.views} views the board verification (match.verify, ORB) let through (${r.testVerified.goodViews} good, ${r.testVerified.defectViews} defective):`,
    ...rows(r.testVerified),
    `Validation split (thresholds decided here, not reported against the targets): ${r.validation.views} views of ${r.validation.detectExact.of} boards`,
    ...rows(r.validation),
    `  rendered in ${(r.renderMs / 1000).toFixed(1)} s, inspection rows ${(r.totalMs / 1000).toFixed(1)} s in all`,
  ].join('\n');
}
