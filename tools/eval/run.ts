import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VERIFY_DEFAULTS } from '../../src/config/schema.ts';
import type { MatchPolicy } from '../../src/match/decide.ts';
import { Verifier } from '../../src/verify/verifier.ts';
import { createEncoder, type Encoder } from '../../src/vision/encoder.ts';
import type { LoadedManifest } from '../../src/vision/manifest.ts';
import { type BenchSet, NUISANCE_ROWS, type NuisanceRow, renderBenchSet } from './bench-set.ts';
import { benchmarkEncode, type EncodeTimes } from './encode-benchmark.ts';
import {
  HistogramMethod,
  type Method,
  PipelineMethod,
  type PipelineMode,
  type Recognition,
} from './methods.ts';
import {
  accuracy,
  calibrate,
  calibrateVerify,
  medianMs,
  rejection,
  top1,
  type VerifyPoint,
} from './metrics.ts';
import { assertDisjoint } from './views.ts';

export interface EvalOptions {
  seed: number;
  /** Training types the model saw (typeSeed 'train' 0..trainTypes-1): checked disjoint from the rest. */
  trainTypes: number;
  boards: number;
  references: number;
  queries: number;
  unknownBoards: number;
  unknownViews: number;
  nuisanceViews: number;
  /** Validation boards (enrolled) and views per board, for choosing each method's operating point. */
  validationBoards: number;
  validationQueries: number;
  width: number;
  height: number;
  /** The model under evaluation first, then model baselines. */
  models: LoadedManifest[];
  histogram: boolean;
  /** Rows for geometric verification (embedding + verification, verification alone). */
  verify: boolean;
  intraOpThreads: number;
  benchRuns: number;
  tmpDir: string;
  log: (line: string) => void;
}

export interface MethodResult {
  name: string;
  /** Chosen on the validation boards. */
  policy: MatchPolicy;
  /** Policy in the model's manifest, when it has one. */
  manifestPolicy: MatchPolicy | null;
  top1: number;
  accuracy: number;
  rejection: number;
  nuisance: Record<NuisanceRow, { top1: number; accuracy: number }>;
  encode: EncodeTimes | null;
  /** Verification methods: their operating point (chosen on the validation boards). */
  verifyPoint: VerifyPoint | null;
  /** Median time to recognize one view (one slot), ms. */
  msPerSlot: number;
}

export interface EvalResult {
  methods: MethodResult[];
  rendered: number;
  renderMs: number;
  totalMs: number;
}

type MethodFactory = (policy: MatchPolicy, db: string, point: VerifyPoint | null) => Method;

async function recognizeAll(method: Method, views: BenchSet['queries']): Promise<Recognition[]> {
  const out: Recognition[] = [];
  for (const v of views) out.push(await method.recognize(v.jpeg, v.board));
  return out;
}

async function evaluateMethod(
  name: string,
  make: MethodFactory,
  validation: BenchSet,
  test: BenchSet,
  o: EvalOptions,
  verified = false,
): Promise<Omit<MethodResult, 'manifestPolicy' | 'encode'>> {
  const cal = make(
    { threshold: 0, minMargin: 0 },
    join(o.tmpDir, 'validation.sqlite'),
    verified ? { minInliers: 1, minRatio: 1 } : null,
  );
  let policy: MatchPolicy = { threshold: 0, minMargin: 0 };
  let verifyPoint: VerifyPoint | null = null;
  try {
    await cal.enroll(validation);
    const known = await recognizeAll(cal, validation.queries);
    const unknown = await recognizeAll(cal, validation.unknown);
    if (verified) verifyPoint = calibrateVerify(known, unknown);
    else policy = calibrate(known, unknown);
  } finally {
    cal.close();
  }
  const method = make(policy, join(o.tmpDir, 'test.sqlite'), verifyPoint);
  try {
    await method.enroll(test);
    const known = await recognizeAll(method, test.queries);
    const unknown = await recognizeAll(method, test.unknown);
    const nuisance = {} as MethodResult['nuisance'];
    for (const row of NUISANCE_ROWS) {
      const rs = await recognizeAll(method, test.nuisance[row] ?? []);
      nuisance[row] = { top1: top1(rs), accuracy: accuracy(rs) };
    }
    o.log(`${name}: done`);
    return {
      name,
      policy,
      top1: top1(known),
      accuracy: accuracy(known),
      rejection: rejection(unknown),
      nuisance,
      verifyPoint,
      msPerSlot: medianMs([...known, ...unknown]),
    };
  } finally {
    method.close();
  }
}

/**
 * Renders validation and test bench sets of board types never used in training, then for every
 * method: chooses its operating point on the validation boards, enrolls the test boards'
 * references through the real catalog code and recognizes the test views through the real pipeline.
 */
export async function evaluate(o: EvalOptions): Promise<EvalResult> {
  const start = performance.now();
  assertDisjoint(o.seed, {
    train: o.trainTypes,
    validation: 500 + o.validationBoards,
    test: o.boards,
    unknown: o.unknownBoards,
  });
  const common = { seed: o.seed, references: o.references, width: o.width, height: o.height };
  const validation = await renderBenchSet({
    ...common,
    split: 'validation',
    unknownSplit: 'validation',
    firstUnknown: 500,
    boards: o.validationBoards,
    queries: o.validationQueries,
    unknownBoards: o.validationBoards,
    unknownViews: o.validationQueries,
    nuisanceViews: 0,
  });
  const test = await renderBenchSet({
    ...common,
    split: 'test',
    unknownSplit: 'unknown',
    firstUnknown: 0,
    boards: o.boards,
    queries: o.queries,
    unknownBoards: o.unknownBoards,
    unknownViews: o.unknownViews,
    nuisanceViews: o.nuisanceViews,
  });
  const renderMs = performance.now() - start;
  o.log(`rendered ${validation.rendered + test.rendered} bench views in ${(renderMs / 1000).toFixed(1)} s`);

  const methods: MethodResult[] = [];
  const verifier = o.verify ? new Verifier() : null;
  for (const [m, loaded] of o.models.entries()) {
    const encoder: Encoder = await createEncoder(loaded, {
      executionProviders: ['cpu'],
      intraOpThreads: o.intraOpThreads,
    });
    try {
      const factory =
        (mode: PipelineMode): MethodFactory =>
        (policy, db, point) =>
          new PipelineMethod(loaded.manifest.id, encoder, loaded.manifest, policy, db, {
            mode,
            verifier,
            policy: {
              ...VERIFY_DEFAULTS,
              ...(point ?? {}),
              enabled: mode !== 'embedding',
              candidates: VERIFY_DEFAULTS.candidates,
            },
          });
      const r = await evaluateMethod(
        `${loaded.manifest.id} (embedding only)`,
        factory('embedding'),
        validation,
        test,
        o,
      );
      const encode = await benchmarkEncode(
        loaded,
        encoder,
        test.queries[0]!.jpeg,
        o.intraOpThreads,
        o.benchRuns,
      );
      methods.push({ ...r, manifestPolicy: loaded.manifest.operatingPoint ?? null, encode });
      if (verifier && m === 0) {
        for (const [name, mode] of [
          [`${loaded.manifest.id} + verification`, 'verified'],
          ['verification alone (every board)', 'features'],
        ] as const) {
          const v = await evaluateMethod(name, factory(mode), validation, test, o, true);
          methods.push({ ...v, manifestPolicy: null, encode: null });
        }
      }
    } finally {
      await encoder.stop();
    }
  }
  if (o.histogram) {
    const r = await evaluateMethod(
      'colour histogram',
      (policy) => new HistogramMethod(policy),
      validation,
      test,
      o,
    );
    methods.push({ ...r, manifestPolicy: null, encode: null });
  }
  await verifier?.stop();
  return {
    methods,
    rendered: validation.rendered + test.rendered,
    renderMs,
    totalMs: performance.now() - start,
  };
}

/** Writes the operating point into a model manifest (the daemon's match defaults). */
export function writeOperatingPoint(manifestPath: string, policy: MatchPolicy): void {
  const json = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
  json.operatingPoint = { threshold: policy.threshold, minMargin: policy.minMargin };
  writeFileSync(manifestPath, `${JSON.stringify(json, null, 2)}\n`);
}
