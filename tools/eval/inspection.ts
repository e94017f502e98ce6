/**
 * Inspection rows of `npm run eval`: held-out synthetic hashboards, each map built the way a
 * technician builds it (one chip marked on the golden reference, the others found by the same
 * Inspector.detect the API's /detect calls, connectors and capacitors marked by hand, saved through
 * the PUT route's schema), then good and defective bench views inspected by the daemon's Inspector.
 */
import { join } from 'node:path';
import { Catalog, inspectionMapSchema } from '../../src/catalog/index.ts';
import { configSchema, WHOLE_FRAME } from '../../src/config/schema.ts';
import { type Inspection, Inspector } from '../../src/inspect/inspector.ts';
import { MISSING_BELOW, PRESENT_MIN } from '../../src/inspect/verdict.ts';
import { createRecognizer } from '../../src/pipeline/active-model.ts';
import { BoardVerification } from '../../src/pipeline/verification.ts';
import type { InspectionRegion } from '../../src/protocol.ts';
import { Verifier } from '../../src/verify/verifier.ts';
import { createEncoder } from '../../src/vision/encoder.ts';
import type { LoadedManifest } from '../../src/vision/manifest.ts';
import { decodeImage } from '../../src/vision/preprocess.ts';
import type { DefectKind } from '../synth/defects.ts';
import {
  type FractionBox,
  INSPECTION_FIRST,
  type InspectionBoard,
  type InspectionView,
  markedChip,
  markedParts,
  OCCLUDER_MASK_SCALE,
  renderInspectionSet,
  toBoardFractions,
} from './inspection-set.ts';
import { assertDisjoint, type TypeSplit } from './views.ts';

export interface InspectionEvalOptions {
  seed: number;
  trainTypes: number;
  validationBoards: number;
  testBoards: number;
  goodViews: number;
  defectViews: number;
  width: number;
  height: number;
  /** Encoder for enrolling the references (inspection itself does not use it). */
  model: LoadedManifest;
  intraOpThreads: number;
  tmpDir: string;
  log: (line: string) => void;
}

/** One inspected view with its truth. */
export interface InspectedView {
  view: InspectionView;
  result: Inspection;
  /** The map's region the defect is in (best overlap); null for a good board or when the map has none there. */
  defectRegion: InspectionRegion | null;
  /** Regions whose centre is under a hand, tool or cable. */
  occluded: Set<number>;
}

export interface InspectionScore {
  views: number;
  goodViews: number;
  defectViews: number;
  /** Views the inspection could not verify against the map. */
  unverified: number;
  /** Views whose chips found, plus those hidden under a hand or tool, equal the chips on the board. */
  countExact: number;
  /** Views whose chips found alone equal the chips on the board (a hidden chip counts as not found). */
  countExactSeen: number;
  /** Regions of good views judged hidden, and of those how many truly lie under an occluder (centre). */
  hiddenGood: { regions: number; underOccluder: number };
  /** Defective views whose defect region was judged hidden (a miss, counted in recall and by kind), and of those how many truly lie under an occluder (centre). */
  defectsHidden: { views: number; underOccluder: number };
  missingRecall: { found: number; of: number };
  /** The same over the chips taken off whose centre lies under no hand, tool or cable (a chip under one can only be hidden). */
  missingRecallUncovered: { found: number; of: number };
  /** Regions of good boards called missing or differing (hidden is not an alarm), per 10 good views; and those under an occluder. */
  falseAlarmsPer10: number;
  falseAlarmsOccludedPer10: number;
  heatTop3: { hit: number; of: number };
  /** Per defect kind: views whose defect region was called missing or differs. */
  byKind: Partial<Record<DefectKind, { found: number; of: number }>>;
  msPerSlot: number;
  medianChips: number;
  /** Boards whose detection from one marked chip found exactly the board's chips. */
  detectExact: { exact: number; of: number };
  /** Region scores (threshold choice), none judged hidden: of good boards' regions, of removed chips, of the other defects. */
  scores: { good: number[]; missing: number[]; differs: number[] };
}

export interface InspectionEvalResult {
  validation: InspectionScore;
  test: InspectionScore;
  /** The test views the board verification let through (what the inspection itself does once aligned). */
  testVerified: InspectionScore;
  thresholds: { presentMin: number; missingBelow: number };
  /** What the validation views suggest (never the test views). */
  suggested: { presentMin: number; missingBelow: number };
  renderMs: number;
  totalMs: number;
}

function iou(a: FractionBox, b: FractionBox): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const i = w * h;
  return i / (a.width * a.height + b.width * b.height - i);
}

/** A point of the board (fractions) in the frame, from the board's corners (its pose is affine). */
function onFrame(c: InspectionView['corners'], u: number, v: number): [number, number] {
  const [tl, tr, , bl] = c as [[number, number], [number, number], [number, number], [number, number]];
  return [
    tl[0] + u * (tr[0] - tl[0]) + v * (bl[0] - tl[0]),
    tl[1] + u * (tr[1] - tl[1]) + v * (bl[1] - tl[1]),
  ];
}

/**
 * A region counts as under a hand, tool or cable when the occluders' own pixels (not their bounding
 * boxes: a screwdriver's box spans half the board) cover at least COVERED_MIN of its footprint.
 */
export const COVERED_MIN = 0.5;
const FOOTPRINT_SAMPLES = 7;

export function occludedRegions(view: InspectionView, regions: readonly InspectionRegion[]): Set<number> {
  const out = new Set<number>();
  const m = view.occluderMask;
  if (!m) return out;
  for (const r of regions) {
    let covered = 0;
    for (let j = 0; j < FOOTPRINT_SAMPLES; j++) {
      for (let i = 0; i < FOOTPRINT_SAMPLES; i++) {
        const u = r.box.x + ((i + 0.5) / FOOTPRINT_SAMPLES) * r.box.width;
        const v = r.box.y + ((j + 0.5) / FOOTPRINT_SAMPLES) * r.box.height;
        const [x, y] = onFrame(view.corners, u, v);
        const mx = Math.floor(x * OCCLUDER_MASK_SCALE);
        const my = Math.floor(y * OCCLUDER_MASK_SCALE);
        if (mx >= 0 && my >= 0 && mx < m.width && my < m.height && m.data[my * m.width + mx]) covered++;
      }
    }
    if (covered / FOOTPRINT_SAMPLES ** 2 >= COVERED_MIN) out.add(r.id);
  }
  return out;
}

export interface Bench {
  catalog: Catalog;
  inspector: Inspector;
  recognizer: ReturnType<typeof createRecognizer>;
}

/** Enrolls the golden reference, builds the map from one marked chip (Inspector.detect) and saves it. */
async function buildMap(
  b: Bench,
  board: InspectionBoard,
): Promise<{ boardId: number; regions: InspectionRegion[]; found: number }> {
  const t = board.type;
  const boardId = b.catalog.createBoard({
    vendor: t.identity.vendor,
    model: `${t.identity.model} ${t.identity.boardCode} #${t.seed}`,
    kind: 'hashboard',
    chipCount: board.chips,
  }).id;
  b.recognizer.reload();
  const prepared = await b.recognizer.prepareReference(board.reference.jpeg, board.reference.region);
  const referenceId = b.recognizer.store(boardId, prepared, 'upload', null).id;
  const middle = Math.floor(board.chips / 2);
  const proposal = await b.inspector.detect(boardId, referenceId, markedChip(t, middle));
  const regions: InspectionRegion[] = [
    ...proposal.regions,
    ...markedParts(t).map((p, i) => ({ id: proposal.regions.length + i + 1, ...p })),
  ];
  const map = b.catalog.putInspectionMap(boardId, inspectionMapSchema.parse({ referenceId, regions }));
  return { boardId, regions: map.regions, found: proposal.found };
}

export async function inspectBoards(b: Bench, boards: InspectionBoard[]) {
  const views: InspectedView[] = [];
  let exact = 0;
  for (const board of boards) {
    const { boardId, regions, found } = await buildMap(b, board);
    if (found === board.chips) exact++;
    for (const view of board.views) {
      const result = await b.inspector.inspect(await decodeImage(view.jpeg), WHOLE_FRAME, boardId);
      let defectRegion: InspectionRegion | null = null;
      if (view.defect) {
        const truth = toBoardFractions(board.type, view.defect.box);
        let best = 0.2;
        for (const r of regions) {
          const o = iou(r.box, truth);
          if (o > best) [best, defectRegion] = [o, r];
        }
      }
      views.push({ view, result, defectRegion, occluded: occludedRegions(view, regions) });
    }
  }
  return { views, detectExact: { exact, of: boards.length } };
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor(sorted.length / 2)]!;
}

export function score(views: InspectedView[], detectExact: InspectionScore['detectExact']): InspectionScore {
  const good = views.filter((v) => !v.view.defect);
  const bad = views.filter((v) => v.view.defect);
  const verdictOf = (v: InspectedView, id: number) => v.result.regions.find((r) => r.id === id)?.verdict;
  let falseAlarms = 0;
  let falseOccluded = 0;
  const hiddenGood = { regions: 0, underOccluder: 0 };
  const defectsHidden = { views: 0, underOccluder: 0 };
  const scores: InspectionScore['scores'] = { good: [], missing: [], differs: [] };
  for (const v of good) {
    for (const r of v.result.regions) {
      // a region under a hand scores what the hand looks like: not a good part's score
      if (r.verdict !== 'hidden') scores.good.push(r.score);
      if (r.verdict === 'present') continue;
      if (r.verdict === 'hidden') {
        hiddenGood.regions++;
        if (v.occluded.has(r.id)) hiddenGood.underOccluder++;
        continue;
      }
      falseAlarms++;
      if (v.occluded.has(r.id)) falseOccluded++;
    }
  }
  const byKind: InspectionScore['byKind'] = {};
  const missing = { found: 0, of: 0 };
  const uncovered = { found: 0, of: 0 };
  const heat = { hit: 0, of: 0 };
  for (const v of bad) {
    const kind = v.view.defect!.kind;
    const k = byKind[kind] ?? { found: 0, of: 0 };
    byKind[kind] = k;
    k.of++;
    const id = v.defectRegion?.id;
    const covered = id !== undefined && v.occluded.has(id);
    if (kind === 'chip-missing') missing.of++;
    if (kind === 'chip-missing' && !covered) uncovered.of++;
    heat.of++;
    if (id === undefined || !v.result.verified) continue;
    const s = v.result.regions.find((r) => r.id === id)!.score;
    const verdict = verdictOf(v, id);
    if (verdict !== 'hidden') (kind === 'chip-missing' ? scores.missing : scores.differs).push(s);
    if (verdict === 'hidden') {
      defectsHidden.views++;
      if (v.occluded.has(id)) defectsHidden.underOccluder++;
    } else if (verdict !== 'present') k.found++;
    if (kind === 'chip-missing' && verdict === 'missing') missing.found++;
    if (kind === 'chip-missing' && verdict === 'missing' && !covered) uncovered.found++;
    const heats = [...(v.result.regionHeat ?? new Map<number, number>()).entries()].sort(
      (a, b) => b[1] - a[1],
    );
    if (heats.slice(0, 3).some(([r]) => r === id)) heat.hit++;
  }
  const per10 = (n: number) => (good.length === 0 ? 0 : (10 * n) / good.length);
  const exactShare = (counted: (c: Inspection['counts']['chips']) => number) =>
    views.filter((v) => v.result.verified && counted(v.result.counts.chips) === v.view.chipsPresent).length /
    Math.max(1, views.length);
  const chips = views.map((v) => v.result.regions.filter((r) => r.kind === 'chip').length);
  return {
    views: views.length,
    goodViews: good.length,
    defectViews: bad.length,
    unverified: views.filter((v) => !v.result.verified).length,
    countExact: exactShare((c) => c.found + c.hidden),
    countExactSeen: exactShare((c) => c.found),
    hiddenGood,
    defectsHidden,
    missingRecall: missing,
    missingRecallUncovered: uncovered,
    falseAlarmsPer10: per10(falseAlarms),
    falseAlarmsOccludedPer10: per10(falseOccluded),
    heatTop3: heat,
    byKind,
    msPerSlot: median(views.map((v) => v.result.ms)),
    medianChips: median(chips),
    detectExact,
    scores,
  };
}

/**
 * Thresholds the validation views suggest: PRESENT_MIN just below the lowest score of a good board's
 * region, but no lower than the best defect score separation allows; MISSING_BELOW halfway between
 * the removed chips' scores and the other defects' (both at their 5 % tails).
 */
export function suggestThresholds(s: InspectionScore['scores']): {
  presentMin: number;
  missingBelow: number;
} {
  const q = (xs: number[], p: number) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(p * (sorted.length - 1))))] ?? 0;
  };
  const round = (v: number) => Math.round(v * 100) / 100;
  const goodLow = q(s.good, 0.0005);
  const defectHigh = q([...s.missing, ...s.differs], 0.95);
  const presentMin = round(Math.min(goodLow - 0.01, Math.max(defectHigh + 0.01, (goodLow + defectHigh) / 2)));
  const missingHigh = q(s.missing, 0.95);
  const differsLow = q(s.differs, 0.05);
  return { presentMin, missingBelow: round((missingHigh + differsLow) / 2) };
}

/** The inspection rows: thresholds suggested on the validation split, every target reported on the test split. */
export async function evaluateInspection(o: InspectionEvalOptions): Promise<InspectionEvalResult> {
  const start = performance.now();
  assertDisjoint(o.seed, {
    train: o.trainTypes,
    validation: INSPECTION_FIRST + o.validationBoards,
    test: INSPECTION_FIRST + o.testBoards,
  });
  const set = (split: TypeSplit, boards: number) =>
    renderInspectionSet({
      seed: o.seed,
      split,
      boards,
      goodViews: o.goodViews,
      defectViews: o.defectViews,
      width: o.width,
      height: o.height,
    });
  const validationSet = await set('validation', o.validationBoards);
  const testSet = await set('test', o.testBoards);
  const renderMs = performance.now() - start;
  o.log(
    `inspection: rendered ${validationSet.length + testSet.length} boards in ${(renderMs / 1000).toFixed(1)} s`,
  );
  const config = configSchema.parse({});
  const encoder = await createEncoder(o.model, {
    executionProviders: ['cpu'],
    intraOpThreads: o.intraOpThreads,
  });
  const verifier = new Verifier();
  const run = async (name: TypeSplit, boards: InspectionBoard[]) => {
    const catalog = Catalog.open(join(o.tmpDir, `inspection-${name}.sqlite`));
    try {
      const verification = new BoardVerification({
        catalog,
        verifier,
        policy: { ...config.match.verify },
        maxImagePixels: config.data.maxImagePixels,
      });
      const recognizer = createRecognizer(config, catalog, o.model, encoder, verification);
      const inspector = new Inspector({
        catalog,
        verifier,
        maxImagePixels: config.data.maxImagePixels,
      });
      const r = await inspectBoards({ catalog, inspector, recognizer }, boards);
      o.log(`inspection: ${name} done`);
      return {
        all: score(r.views, r.detectExact),
        verified: score(
          r.views.filter((v) => v.result.verified),
          r.detectExact,
        ),
      };
    } finally {
      catalog.close();
    }
  };
  try {
    const validation = (await run('validation', validationSet)).all;
    const test = await run('test', testSet);
    return {
      validation,
      test: test.all,
      testVerified: test.verified,
      thresholds: { presentMin: PRESENT_MIN, missingBelow: MISSING_BELOW },
      suggested: suggestThresholds(validation.scores),
      renderMs,
      totalMs: performance.now() - start,
    };
  } finally {
    await verifier.stop();
    await encoder.stop();
  }
}
