/**
 * Recognition quality of the bundled encoder on board types never seen in training, beside trivial
 * baselines, through the real catalog and pipeline code (tools/eval/run.ts), then the inspection rows
 * (tools/eval/inspection.ts). Options: HELP below (`npm run eval -- --help`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManifest } from '../src/vision/manifest.ts';
import { evaluateInspection } from '../tools/eval/inspection.ts';
import { formatSeedsReport, parseSeeds } from '../tools/eval/inspection-pool.ts';
import { formatInspectionReport } from '../tools/eval/inspection-report.ts';
import { fetchPhotos, missingPhotos } from '../tools/eval/photos/fetch.ts';
import { loadPhotoManifest } from '../tools/eval/photos/manifest.ts';
import { formatReport } from '../tools/eval/report.ts';
import { type EvalOptions, evaluate, writeOperatingPoint } from '../tools/eval/run.ts';
import { verifyStudy } from '../tools/eval/verify-study.ts';
import { scriptArgs } from '../tools/script-args.ts';

const HELP = `Usage: npm run eval -- [options]

Recognition quality of the bundled encoder on board types never seen in training, beside trivial
baselines, through the real catalog and pipeline code: top-1, recognized and unknown rejected at
the operating point chosen on validation boards, ms per slot; then the inspection rows.

Recognition:
  --quick                      fewer boards and views: a look in a few minutes
  --model <name>               the model to evaluate (default benchsight-vit)
  --baseline <name>            a model baseline beside it, repeatable (default benchsight-vit-random;
                               none: no model baseline)
  --no-histogram               no colour-histogram baseline
  --no-verify                  no geometric verification rows
  --write-operating-point      write the operating point chosen on validation into the model's manifest
  --boards <n>                 boards enrolled, never enrolled and validation alike (default 50)
  --nuisance-views <n>         views per single nuisance (default 2)
  --seed <n>                   (default 1)      --train-types <n>   board types the model saw (default 6250)
  --threads <n>                onnxruntime intra-op threads (default 0: one per core)
  --width <px> --height <px>   the camera frame the views are rendered at (default 320x240)
  --verify-study <file>        write every shortlisted reference's inliers, matches and cosine per
                               view (JSON) instead of the report

Real photographs (tools/eval/photos/manifest.json; skipped with a message when absent):
  --photos                     download the missing pictures at their pinned commits
  --photos-from <dir|url>      copy them from a folder, a folder of bare git mirrors (owner+name) or a
                               server laid out as raw.githubusercontent.com (every sha256 checked)
  --photos-dir <dir>           where they are kept (default .cache/eval-photos)
  --only-photos                the real-photo rows alone
  --photo-views <n>            bench views derived from each picture (default 8)

Inspection:
  --only-inspection            the inspection rows alone
  --no-inspection              no inspection rows
  --inspection-boards <n>      test boards (validation gets half; default 40)
  --seeds <list>               the inspection rows over several seeds (1-9, 1,3,5), each seed's test
                               split on a line, then all pooled (other held-out board types per seed)

  -h, --help                   this help
`;

const values = scriptArgs(HELP, {
  quick: { type: 'boolean', default: false },
  model: { type: 'string', default: 'benchsight-vit' },
  baseline: { type: 'string', multiple: true, default: ['benchsight-vit-random'] },
  'no-histogram': { type: 'boolean', default: false },
  'no-verify': { type: 'boolean', default: false },
  'write-operating-point': { type: 'boolean', default: false },
  threads: { type: 'string', default: '0' },
  seed: { type: 'string', default: '1' },
  'train-types': { type: 'string', default: '6250' },
  width: { type: 'string', default: '320' },
  height: { type: 'string', default: '240' },
  /** Fewer boards (enrolled, never enrolled and validation alike) and single-nuisance views: a shorter run. */
  boards: { type: 'string' },
  'nuisance-views': { type: 'string' },
  photos: { type: 'boolean', default: false },
  'photos-from': { type: 'string' },
  'photos-dir': { type: 'string', default: join(process.cwd(), '.cache', 'eval-photos') },
  'only-photos': { type: 'boolean', default: false },
  'photo-views': { type: 'string' },
  /** Writes every shortlisted reference's inliers, matches and cosine per view (JSON) instead of the report. */
  'verify-study': { type: 'string' },
  'only-inspection': { type: 'boolean', default: false },
  'no-inspection': { type: 'boolean', default: false },
  'inspection-boards': { type: 'string' },
  seeds: { type: 'string' },
});

const quick = values.quick;
const manifest = loadPhotoManifest();
const cacheDir = values['photos-dir'];
if (values.photos || values['photos-from']) {
  const got = await fetchPhotos(manifest, {
    cacheDir,
    ...(values['photos-from'] ? { from: values['photos-from'] } : {}),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stderr.write(`photos: ${got.fetched} fetched, ${got.present} already in ${cacheDir}\n`);
}
const photoViews = values['photo-views'] ? Number(values['photo-views']) : quick ? 4 : 8;
const model = loadManifest(values.model, 'models');
let seeds: number[] | null = null;
try {
  seeds = values.seeds === undefined ? null : parseSeeds(values.seeds);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(2);
}
const tmpDir = mkdtempSync(join(tmpdir(), 'benchsight-eval-'));
const options: EvalOptions = {
  seed: Number(values.seed),
  trainTypes: Number(values['train-types']),
  boards: values.boards ? Number(values.boards) : quick ? 15 : 50,
  references: 3,
  queries: quick ? 3 : 8,
  unknownBoards: values.boards ? Number(values.boards) : quick ? 15 : 50,
  unknownViews: quick ? 2 : 4,
  nuisanceViews: values['nuisance-views'] ? Number(values['nuisance-views']) : quick ? 1 : 2,
  validationBoards: values.boards ? Number(values.boards) : quick ? 15 : 50,
  validationQueries: quick ? 2 : 4,
  width: Number(values.width),
  height: Number(values.height),
  models: [model, ...values.baseline.filter((b) => b !== 'none').map((b) => loadManifest(b, 'models'))],
  histogram: !values['no-histogram'],
  verify: !values['no-verify'],
  intraOpThreads: Number(values.threads),
  benchRuns: quick ? 30 : 100,
  tmpDir,
  log: (line) => process.stderr.write(`${line}\n`),
  synthetic: !values['only-photos'],
  photos: { manifest, cacheDir, queries: photoViews, unknownViews: photoViews, width: 640, height: 480 },
};
const inspectionBoards = values['inspection-boards'] ? Number(values['inspection-boards']) : quick ? 16 : 40;
try {
  if (values['verify-study']) {
    const photos =
      missingPhotos(manifest, cacheDir).length === 0 ? { manifest, cacheDir, queries: photoViews } : null;
    await verifyStudy(options, model, photos, values['verify-study']);
    rmSync(tmpDir, { recursive: true, force: true });
    process.exit(0);
  }
  if (!values['only-inspection']) {
    const result = await evaluate(options);
    process.stdout.write(`${formatReport(result, options, new Date())}\n`);
    if (values['write-operating-point'] && result.methods.length > 0) {
      const policy = result.methods[0]!.policy;
      writeOperatingPoint(model.manifestPath, policy);
      process.stdout.write(
        `wrote operatingPoint ${JSON.stringify(policy)} (chosen on validation boards) to ${model.manifestPath}\n`,
      );
    }
  }
  if (!values['no-inspection']) {
    const inspect = (seed: number) =>
      evaluateInspection({
        seed,
        trainTypes: options.trainTypes,
        validationBoards: Math.max(1, Math.round(inspectionBoards / 2)),
        testBoards: inspectionBoards,
        goodViews: 2,
        defectViews: 3,
        width: 1280,
        height: 720,
        model,
        intraOpThreads: options.intraOpThreads,
        tmpDir: mkdtempSync(join(tmpDir, `inspection-${seed}-`)),
        log: options.log,
      });
    if (seeds) {
      const runs: { seed: number; result: Awaited<ReturnType<typeof inspect>> }[] = [];
      for (const [i, seed] of seeds.entries()) {
        options.log(`inspection: seed ${seed} (${i + 1} of ${seeds.length})`);
        runs.push({ seed, result: await inspect(seed) });
      }
      process.stdout.write(`\n${formatSeedsReport(runs)}\n`);
    } else {
      process.stdout.write(`\n${formatInspectionReport(await inspect(options.seed))}\n`);
    }
  }
} finally {
  rmSync(tmpDir, { recursive: true, force: true });
}
