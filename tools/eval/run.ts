import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VERIFY_DEFAULTS } from '../../src/config/schema.ts';
import type { MatchPolicy } from '../../src/match/decide.ts';
import type { EncoderConfirmation } from '../../src/match/verify-decide.ts';
import { Verifier } from '../../src/verify/verifier.ts';
import { createEncoder, type Encoder } from '../../src/vision/encoder.ts';
import type { LoadedManifest } from '../../src/vision/manifest.ts';
import { type BenchSet, NUISANCE_ROWS, type NuisanceRow } from './bench-set.ts';
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
  type ShortlistStats,
  shortlistStats,
  top1,
  type VerifyPoint,
  verifiedScoreAt,
} from './metrics.ts';
import { HOW_TO_GET, missingPhotos } from './photos/fetch.ts';
import type { PhotoManifest } from './photos/manifest.ts';
import { buildPhotoBenchSet, splitPhotos } from './photos/photo-set.ts';
import { renderSynthetic } from './synthetic-set.ts';

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
  /** Rows on the synthetic boards (off: only the real-photo rows). */
  synthetic: boolean;
  /** Rows on the real-photo set; null: not asked for. */
  photos: PhotoEvalOptions | null;
}

export interface PhotoEvalOptions {
  manifest: PhotoManifest;
  cacheDir: string;
  /** Bench views per enrolled board and per board never enrolled. */
  queries: number;
  unknownViews: number;
  width: number;
  height: number;
}

/** Boards and views of one part of a set. */
export interface PartSize {
  enrolled: number;
  unknown: number;
  queries: number;
  unknownViews: number;
}

export interface PhotoEvalResult {
  methods: MethodResult[];
  validation: PartSize;
  test: PartSize;
  /** The validation views ranked against every enrolled board of the set (validation and test references). */
  shortlist: ShortlistStats;
  rendered: number;
  renderMs: number;
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
  /** Verification methods, on the validation views: at the chosen point and at the configured defaults. */
  validation: { chosen: Score; defaults: Score } | null;
  /**
   * Verification methods, on the test views at the configured defaults (what the daemon ships, fixed
   * before any test view is seen): the recognitions re-decided there, single-nuisance views too.
   */
  testAtDefaults: (Score & { nuisance: Record<NuisanceRow, number> }) | null;
}

export interface Score {
  accuracy: number;
  rejection: number;
}

export interface EvalResult {
  methods: MethodResult[];
  /** The embedding's shortlist on the synthetic validation views; null: no synthetic rows. */
  shortlist: ShortlistStats | null;
  photos: PhotoEvalResult | null;
  /** Why there are no real-photo rows, when they were asked for and could not run. */
  photosSkipped: string | null;
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
  confirm?: EncoderConfirmation,
): Promise<Omit<MethodResult, 'manifestPolicy' | 'encode'> & { validationKnown: Recognition[] }> {
  const cal = make(
    { threshold: 0, minMargin: 0 },
    join(o.tmpDir, 'validation.sqlite'),
    verified ? { minInliers: 1, minRatio: 1 } : null,
  );
  let policy: MatchPolicy = { threshold: 0, minMargin: 0 };
  let verifyPoint: VerifyPoint | null = null;
  let validationKnown: Recognition[] = [];
  let onValidation: MethodResult['validation'] = null;
  const defaultsPoint: VerifyPoint = { ...VERIFY_DEFAULTS, ...(confirm ? { confirm } : {}) };
  try {
    await cal.enroll(validation);
    const known = await recognizeAll(cal, validation.queries);
    const unknown = await recognizeAll(cal, validation.unknown);
    validationKnown = known;
    if (verified) {
      verifyPoint = calibrateVerify(known, unknown, undefined, confirm);
      onValidation = {
        chosen: verifiedScoreAt(known, unknown, verifyPoint),
        defaults: verifiedScoreAt(known, unknown, defaultsPoint),
      };
    } else policy = calibrate(known, unknown);
  } finally {
    cal.close();
  }
  const method = make(policy, join(o.tmpDir, 'test.sqlite'), verifyPoint);
  try {
    await method.enroll(test);
    const known = await recognizeAll(method, test.queries);
    const unknown = await recognizeAll(method, test.unknown);
    const nuisance = {} as MethodResult['nuisance'];
    const atDefaults = {} as Record<NuisanceRow, number>;
    for (const row of NUISANCE_ROWS) {
      const rs = await recognizeAll(method, test.nuisance[row] ?? []);
      nuisance[row] = { top1: top1(rs), accuracy: accuracy(rs) };
      atDefaults[row] = verifiedScoreAt(rs, [], defaultsPoint).accuracy;
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
      validation: onValidation,
      testAtDefaults: verified
        ? { ...verifiedScoreAt(known, unknown, defaultsPoint), nuisance: atDefaults }
        : null,
      validationKnown,
    };
  } finally {
    method.close();
  }
}

interface SetScope {
  /** Model baselines and the colour histogram (the synthetic rows); off: the first model only. */
  baselines: boolean;
  /** Also rank these views (their `board` indexes `gallery.boards`) against every board of `gallery`. */
  study?: { gallery: BenchSet; views: BenchSet['queries'] };
}

/**
 * For every method: chooses its operating point on the validation set, enrolls the test set's
 * references through the real catalog code and recognizes its views through the real pipeline.
 */
async function evaluateSets(
  validation: BenchSet,
  test: BenchSet,
  o: EvalOptions,
  scope: SetScope,
  verifier: Verifier | null,
): Promise<{ methods: MethodResult[]; validationKnown: Recognition[]; study: Recognition[] }> {
  const methods: MethodResult[] = [];
  let validationKnown: Recognition[] = [];
  let study: Recognition[] = [];
  for (const [m, loaded] of (scope.baselines ? o.models : o.models.slice(0, 1)).entries()) {
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
              ...(point ? { minInliers: point.minInliers, minRatio: point.minRatio } : {}),
              enabled: mode !== 'embedding',
              candidates: VERIFY_DEFAULTS.candidates,
            },
            confirm: point?.confirm ?? null,
          });
      const { validationKnown: known, ...r } = await evaluateMethod(
        `${loaded.manifest.id} (embedding only)`,
        factory('embedding'),
        validation,
        test,
        o,
      );
      const encode = scope.baselines
        ? await benchmarkEncode(loaded, encoder, test.queries[0]!.jpeg, o.intraOpThreads, o.benchRuns)
        : null;
      methods.push({ ...r, manifestPolicy: loaded.manifest.operatingPoint ?? null, encode });
      if (m === 0) {
        validationKnown = known;
        if (scope.study) study = await rankAll(factory('embedding'), scope.study, o);
      }
      if (verifier && m === 0) {
        for (const [name, mode] of [
          [`${loaded.manifest.id} + verification`, 'verified'],
          ['verification alone (every board)', 'features'],
        ] as const) {
          // embedding + verification decides as the daemon does: under strongInliers the encoder
          // must agree (the model's operatingPoint.verifyCosine), which verification alone cannot ask
          const minCosine = loaded.manifest.operatingPoint?.verifyCosine ?? null;
          const confirm =
            mode === 'verified' && minCosine !== null
              ? {
                  strongInliers: VERIFY_DEFAULTS.strongInliers,
                  minCosine,
                  minAgreement: VERIFY_DEFAULTS.minAgreement,
                  strongAgreement: VERIFY_DEFAULTS.strongAgreement,
                }
              : undefined;
          const { validationKnown: _, ...v } = await evaluateMethod(
            name,
            factory(mode),
            validation,
            test,
            o,
            true,
            confirm,
          );
          methods.push({ ...v, manifestPolicy: null, encode: null });
        }
      }
    } finally {
      await encoder.stop();
    }
  }
  if (o.histogram && scope.baselines) {
    const { validationKnown: _, ...r } = await evaluateMethod(
      'colour histogram',
      (policy) => new HistogramMethod(policy),
      validation,
      test,
      o,
    );
    methods.push({ ...r, manifestPolicy: null, encode: null });
  }
  return { methods, validationKnown, study };
}

/** The embedding's ranking of `views` among every board of `gallery` (enrolled through the real catalog). */
async function rankAll(make: MethodFactory, study: NonNullable<SetScope['study']>, o: EvalOptions) {
  const method = make({ threshold: 0, minMargin: 0 }, join(o.tmpDir, 'study.sqlite'), null);
  try {
    await method.enroll(study.gallery);
    return await recognizeAll(method, study.views);
  } finally {
    method.close();
  }
}

/**
 * The real-photo rows: the boards split into a validation part and a test part (splitPhotos), bench
 * views derived from each picture, the embedding alone, with verification, and verification alone.
 */
async function evaluatePhotos(
  p: PhotoEvalOptions,
  o: EvalOptions,
  verifier: Verifier | null,
): Promise<PhotoEvalResult> {
  const start = performance.now();
  const split = splitPhotos(p.manifest, o.seed);
  const opts = { seed: o.seed, ...p };
  const validation = await buildPhotoBenchSet(split.validation, opts);
  const test = await buildPhotoBenchSet(split.test, opts);
  const enrolled = p.manifest.photos.filter((x) => x.role === 'enrolled');
  const gallery = await buildPhotoBenchSet(enrolled, { ...opts, queries: 0 });
  const position = new Map(gallery.boards.map((b, i) => [b.model, i]));
  const views = validation.queries.map((v) => ({
    ...v,
    board: position.get(validation.boards[v.board!]!.model)!,
  }));
  const renderMs = performance.now() - start;
  o.log(
    `derived ${validation.rendered + test.rendered} real-photo bench views in ${(renderMs / 1000).toFixed(1)} s`,
  );
  const r = await evaluateSets(
    validation,
    test,
    o,
    { baselines: false, study: { gallery, views } },
    verifier,
  );
  const size = (s: BenchSet): PartSize => ({
    enrolled: s.boards.length,
    unknown: s.unknown.length / Math.max(1, p.unknownViews),
    queries: p.queries,
    unknownViews: p.unknownViews,
  });
  return {
    methods: r.methods,
    validation: size(validation),
    test: size(test),
    shortlist: shortlistStats(r.study, gallery.boards.length),
    rendered: validation.rendered + test.rendered,
    renderMs,
  };
}

/**
 * Renders validation and test bench sets of board types never used in training and evaluates every
 * method on them; then, when asked and present, the same on the real-photo set.
 */
export async function evaluate(o: EvalOptions): Promise<EvalResult> {
  const start = performance.now();
  const verifier = o.verify ? new Verifier() : null;
  try {
    let methods: MethodResult[] = [];
    let shortlist: ShortlistStats | null = null;
    let rendered = 0;
    let renderMs = 0;
    if (o.synthetic) {
      const { validation, test } = await renderSynthetic(o);
      renderMs = performance.now() - start;
      rendered = validation.rendered + test.rendered;
      o.log(`rendered ${rendered} bench views in ${(renderMs / 1000).toFixed(1)} s`);
      const r = await evaluateSets(validation, test, o, { baselines: true }, verifier);
      methods = r.methods;
      shortlist = shortlistStats(r.validationKnown, validation.boards.length);
    }
    let photos: PhotoEvalResult | null = null;
    let photosSkipped: string | null = null;
    if (o.photos) {
      const missing = missingPhotos(o.photos.manifest, o.photos.cacheDir);
      if (missing.length > 0) {
        photosSkipped =
          `real-photo rows skipped: ${missing.length} of ${o.photos.manifest.photos.length} photos are not in ` +
          `${o.photos.cacheDir}; ${HOW_TO_GET}`;
        o.log(photosSkipped);
      } else photos = await evaluatePhotos(o.photos, o, verifier);
    }
    return {
      methods,
      shortlist,
      photos,
      photosSkipped,
      rendered,
      renderMs,
      totalMs: performance.now() - start,
    };
  } finally {
    await verifier?.stop();
  }
}

/** Writes the operating point into a model manifest (the daemon's match defaults). */
export function writeOperatingPoint(manifestPath: string, policy: MatchPolicy): void {
  const json = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
  // the rest of the operating point (verifyCosine) is chosen otherwise (the verification study): kept
  const before = (json.operatingPoint ?? {}) as Record<string, unknown>;
  json.operatingPoint = { ...before, threshold: policy.threshold, minMargin: policy.minMargin };
  writeFileSync(manifestPath, `${JSON.stringify(json, null, 2)}\n`);
}
