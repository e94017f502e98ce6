import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadManifest } from '../../../src/vision/manifest.ts';
import type { EvalOptions } from '../../../tools/eval/run.ts';
import { type StudyRow, verifyStudy } from '../../../tools/eval/verify-study.ts';

const root = mkdtempSync(join(tmpdir(), 'benchsight-study-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('npm run eval -- --verify-study (real renderer, encoder, opencv.js and SQLite; two boards)', () => {
  it('records each view with its part, its truth and which kind of view it is', async () => {
    const model = loadManifest('benchsight-vit', 'models');
    const o: EvalOptions = {
      seed: 1,
      trainTypes: 6250,
      boards: 2,
      references: 1,
      queries: 1,
      unknownBoards: 1,
      unknownViews: 1,
      nuisanceViews: 1,
      validationBoards: 1,
      validationQueries: 1,
      width: 320,
      height: 240,
      models: [model],
      histogram: false,
      verify: true,
      intraOpThreads: 1,
      benchRuns: 1,
      tmpDir: root,
      log: () => {},
      synthetic: true,
      photos: null,
    };
    const out = join(root, 'study.json');
    await verifyStudy(o, model, null, out);
    const rows = JSON.parse(readFileSync(out, 'utf8')) as StudyRow[];
    const test = rows.filter((r) => r.part === 'test');
    expect(rows.some((r) => r.part === 'validation')).toBe(true);
    expect(test.filter((r) => r.kind === 'query')).toHaveLength(2);
    expect(test.filter((r) => r.kind === 'unknown')).toHaveLength(1);
    const nuisances = test.filter((r) => r.kind !== 'query' && r.kind !== 'unknown');
    expect(nuisances.length).toBeGreaterThan(0);
    for (const r of test) expect(r.truth === null).toBe(r.kind === 'unknown');
    for (const r of test) expect(r.pairs.every((p) => p.inliers >= 0)).toBe(true);
  }, 600_000);
});
