import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VERIFY_DEFAULTS } from '../../src/config/schema.ts';
import { Verifier } from '../../src/verify/verifier.ts';
import { createEncoder } from '../../src/vision/encoder.ts';
import type { LoadedManifest } from '../../src/vision/manifest.ts';
import type { BenchSet } from './bench-set.ts';
import { PipelineMethod, type Recognition } from './methods.ts';
import type { PhotoManifest } from './photos/manifest.ts';
import { buildPhotoBenchSet, splitPhotos } from './photos/photo-set.ts';
import type { EvalOptions } from './run.ts';
import { renderSynthetic } from './synthetic-set.ts';

/** One view of the verification study: what every shortlisted reference gave. */
export interface StudyRow {
  set: 'synthetic' | 'photos';
  part: 'validation' | 'test';
  truth: number | null;
  /** Which views: 'query' (the default nuisance mix), 'unknown' (a board never enrolled), or the single nuisance of a nuisance row. */
  kind: string;
  keypoints: number;
  /** The dense check's agreement of the board with the most inliers (null: none, or nothing to compare). */
  agreement: number | null;
  pairs: NonNullable<NonNullable<Recognition['verify']>['pairs']>;
}

/**
 * The evidence a verification decision is made from, for every view of the validation and test parts
 * of the synthetic and real-photo sets: each shortlisted reference's inliers, good matches and
 * keypoints, and its board's cosine. The decision rule (match.verify) is chosen on the validation rows.
 */
export async function verifyStudy(
  o: EvalOptions,
  model: LoadedManifest,
  photos: { manifest: PhotoManifest; cacheDir: string; queries: number } | null,
  out: string,
): Promise<void> {
  const verifier = new Verifier();
  const encoder = await createEncoder(model, {
    executionProviders: ['cpu'],
    intraOpThreads: o.intraOpThreads,
  });
  const rows: StudyRow[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'benchsight-study-'));
  const run = async (set: StudyRow['set'], part: StudyRow['part'], bench: BenchSet) => {
    const method = new PipelineMethod(
      model.manifest.id,
      encoder,
      model.manifest,
      { threshold: -1, minMargin: 0 },
      join(tmp, `${set}-${part}.sqlite`),
      {
        mode: 'verified',
        verifier,
        policy: { ...VERIFY_DEFAULTS, enabled: true, minInliers: 1, minRatio: 1 },
      },
    );
    try {
      await method.enroll(bench);
      const views = [
        ...bench.queries.map((v) => ['query', v] as const),
        ...bench.unknown.map((v) => ['unknown', v] as const),
        ...Object.entries(bench.nuisance).flatMap(([kind, vs]) => (vs ?? []).map((v) => [kind, v] as const)),
      ];
      for (const [kind, v] of views) {
        const r = await method.recognize(v.jpeg, v.board);
        rows.push({
          set,
          part,
          truth: v.board,
          kind,
          keypoints: r.verify!.keypoints,
          agreement: r.verify!.agreement ?? null,
          pairs: r.verify!.pairs ?? [],
        });
      }
      o.log(`${set} ${part}: ${bench.queries.length + bench.unknown.length} views`);
    } finally {
      method.close();
    }
  };
  try {
    if (o.synthetic) {
      const { validation, test } = await renderSynthetic(o);
      await run('synthetic', 'validation', validation);
      await run('synthetic', 'test', test);
    }
    if (photos) {
      const split = splitPhotos(photos.manifest, o.seed);
      const p = { seed: o.seed, ...photos, unknownViews: photos.queries, width: 640, height: 480 };
      await run('photos', 'validation', await buildPhotoBenchSet(split.validation, p));
      await run('photos', 'test', await buildPhotoBenchSet(split.test, p));
    }
    writeFileSync(out, JSON.stringify(rows));
  } finally {
    await encoder.stop();
    await verifier.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}
