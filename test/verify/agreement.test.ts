import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/index.ts';
import { configSchema, WHOLE_FRAME } from '../../src/config/schema.ts';
import { createRecognizer, createVerification } from '../../src/pipeline/active-model.ts';
import type { Recognizer } from '../../src/pipeline/recognizer.ts';
import { AGREEMENT, cellCorrelations } from '../../src/verify/agreement.ts';
import { greyPicture } from '../../src/verify/agreement-grey.ts';
import type { Quad } from '../../src/verify/geometry.ts';
import { Verifier } from '../../src/verify/verifier.ts';
import { createEncoder, type Encoder } from '../../src/vision/encoder.ts';
import { loadManifest } from '../../src/vision/manifest.ts';
import { decodeImage } from '../../src/vision/preprocess.ts';
import { TINY_MODEL } from '../helpers/daemon.ts';
import { onBench, patchwork } from '../helpers/patchwork.ts';

describe('the dense check after alignment: cell correlations', () => {
  const n = 64;
  const ramp = Uint8Array.from({ length: n * n }, (_, i) => ((i % n) * 4 + Math.floor(i / n) * 3) % 256);
  const everywhere = new Uint8Array(n * n).fill(255);

  it('is 1 for the same picture, -1 for its negative, whatever the light', () => {
    const brighter = ramp.map((v) => Math.min(255, Math.round(v * 0.5 + 60)));
    const negative = ramp.map((v) => 255 - v);
    const same = cellCorrelations(ramp, brighter, everywhere, n, n);
    expect(same).toHaveLength(AGREEMENT.grid * AGREEMENT.grid);
    for (const c of same) expect(c).toBeGreaterThan(0.99);
    for (const c of cellCorrelations(ramp, negative, everywhere, n, n)) expect(c).toBeLessThan(-0.99);
  });

  it('leaves out cells flat in the reference and cells outside the slot', () => {
    const flat = new Uint8Array(n * n).fill(90);
    expect(cellCorrelations(flat, ramp, everywhere, n, n)).toEqual([]);
    const leftHalf = Uint8Array.from({ length: n * n }, (_, i) => (i % n < n / 2 ? 255 : 0));
    expect(cellCorrelations(ramp, ramp, leftHalf, n, n)).toHaveLength((AGREEMENT.grid * AGREEMENT.grid) / 2);
  });
});

describe('the dense check after alignment (real opencv.js, tiny ViT, SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'benchsight-agreement-'));
  const verifier = new Verifier();
  let encoder: Encoder;
  let catalog: Catalog;
  let boardId: number;
  const board = () => patchwork(800, 600, 7);
  /** The same board with its right 60 % redrawn: another revision, sharing the left 40 %. */
  const revised = () => patchwork(800, 600, 7, { from: 0.4, otherSeed: 99 });

  beforeAll(async () => {
    encoder = await createEncoder(loadManifest(TINY_MODEL, '.'), {
      executionProviders: ['cpu'],
      intraOpThreads: 1,
    });
    catalog = Catalog.open(join(dir, 'catalog.db'));
    const recognizer = recognizerWith({});
    boardId = catalog.createBoard({ vendor: 'Test', model: 'board', kind: 'hashboard' }).id;
    recognizer.reload();
    recognizer.store(boardId, await recognizer.prepareReference(await board()), 'upload', null);
  }, 120_000);

  afterAll(async () => {
    await verifier.stop();
    await encoder.stop();
    catalog.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function recognizerWith(input: unknown): Recognizer {
    const config = configSchema.parse(input);
    const verification = createVerification(config, catalog, verifier);
    const r = createRecognizer(config, catalog, loadManifest(TINY_MODEL, '.'), encoder, verification);
    r.reload();
    return r;
  }

  async function recognize(r: Recognizer, jpeg: Buffer) {
    const raw = await decodeImage(jpeg);
    const [vector] = await r.embed(raw, [WHOLE_FRAME]);
    return r.recognize(raw, WHOLE_FRAME, vector!);
  }

  /** The verified pair's inliers and the dense check of a view against the enrolled reference. */
  async function check(jpeg: Buffer) {
    const ref = catalog.listReferences(boardId)[0]!;
    const picture = await decodeImage(catalog.getReferenceImage(ref.id)!);
    const features = await verifier.extract(picture, WHOLE_FRAME);
    const grey = await greyPicture(picture, features.width, features.height);
    const raw = await decodeImage(jpeg);
    const run = await verifier.verify(raw, WHOLE_FRAME, [{ referenceId: ref.id, boardId, features }]);
    const pair = run.pairs[0]!;

    expect(pair.outline, `${pair.inliers} inliers`).not.toBeNull();
    return { inliers: pair.inliers, ...(await verifier.agree(raw, WHOLE_FRAME, grey, pair.outline!)) };
  }

  it('agrees with turned and dimmed views of the board, not with its other revision', async () => {
    for (const angle of [-12, 0, 9]) {
      const same = await check(await onBench(await board(), angle, 640, 480));
      expect(same.inliers, `turned ${angle}`).toBeGreaterThan(100);
      expect(same.score!, `turned ${angle}`).toBeGreaterThan(0.9);
    }
    const dim = await sharp(await onBench(await board(), 5, 640, 480))
      .linear(0.45, 10)
      .jpeg()
      .toBuffer();
    expect((await check(dim)).score!).toBeGreaterThan(0.9);
    const other = await check(await onBench(await revised(), 7, 640, 480));
    // the part the revisions share still aligns it
    expect(other.inliers).toBeGreaterThan(40);
    expect(other.score!).toBeLessThan(0.4);
  });

  it('a flat reference has nothing to compare: null', async () => {
    const flat = { width: 320, height: 240, data: new Uint8Array(320 * 240).fill(128) };
    const raw = await decodeImage(await onBench(await board(), 0, 640, 480));
    const outline = [
      [10, 10],
      [300, 12],
      [305, 230],
      [8, 228],
    ] as Quad;
    expect(await verifier.agree(raw, WHOLE_FRAME, flat, outline)).toEqual({ score: null, cells: 0 });
  });

  it('with strongAgreement refuses the other revision the encoder doubts as not alike where inliers alone recognize it, and keeps the board', async () => {
    const jpeg = await onBench(await revised(), -5, 640, 480);
    // every decision through the dense check: strongInliers at minInliers, the encoder doubting
    // every board, strongAgreement on
    const strict = { strongInliers: 12, minCosine: 0.9999, strongAgreement: 0.7 };
    const dense = await recognize(recognizerWith({ match: { verify: strict } }), jpeg);
    expect(dense.verification.inliers).toBeGreaterThanOrEqual(12);
    expect(dense.board).toBeNull();
    expect(dense.decision.reason).toBe('not-alike');
    expect(dense.verification.verified).toBe(false);
    const off = recognizerWith({ match: { verify: { ...strict, strongAgreement: null } } });
    expect((await recognize(off, jpeg)).board?.id).toBe(boardId);
    // only a board the encoder doubts is asked
    const trusting = recognizerWith({ match: { verify: { ...strict, minCosine: -1 } } });
    expect((await recognize(trusting, jpeg)).board?.id).toBe(boardId);
    const same = await recognize(
      recognizerWith({ match: { verify: strict } }),
      await onBench(await board(), 8, 640, 480),
    );
    expect(same.board?.id).toBe(boardId);
    expect(same.verification.verified).toBe(true);
  });

  it('under strongInliers keeps a board the encoder doubts when the aligned pictures agree, not its revision', async () => {
    // every decision under strongInliers, the encoder never agreeing
    const doubting = { strongInliers: 100_000, minCosine: 0.9999 };
    const jpeg = await onBench(await board(), 6, 640, 480);
    const encoderOnly = await recognize(
      recognizerWith({ match: { verify: { ...doubting, minAgreement: null } } }),
      jpeg,
    );
    expect(encoderOnly.board).toBeNull();
    expect(encoderOnly.decision.reason).toBe('too-few-inliers');
    const withDense = recognizerWith({ match: { verify: doubting } });
    const kept = await recognize(withDense, jpeg);
    expect(kept.board?.id).toBe(boardId);
    expect(kept.verification.verified).toBe(true);
    const other = await recognize(withDense, await onBench(await revised(), 4, 640, 480));
    expect(other.verification.inliers).toBeGreaterThanOrEqual(12);
    expect(other.board).toBeNull();
    expect(other.decision.reason).toBe('too-few-inliers');
  });
  it('settles a board refused as ambiguous when its reference agrees and the runner-up does not; two that agree stay ambiguous', async () => {
    // the revision enrolled as another board: each matches the other's shared part with dozens of
    // inliers, and minRatio 10 makes every view ambiguous on inliers alone
    const adopt = async (picture: Buffer) => {
      const r = recognizerWith({});
      const id = catalog.createBoard({
        vendor: 'Test',
        model: `board ${picture.length}`,
        kind: 'hashboard',
      }).id;
      r.reload();
      r.store(id, await r.prepareReference(picture), 'upload', null);
      return id;
    };
    const revisionId = await adopt(await revised());
    try {
      const ambiguous = { minRatio: 10 };
      const boardView = await onBench(await board(), 5, 640, 480);
      const revisionView = await onBench(await revised(), -6, 640, 480);
      const inliersOnly = recognizerWith({ match: { verify: { ...ambiguous, minAgreement: null } } });
      for (const jpeg of [boardView, revisionView]) {
        const r = await recognize(inliersOnly, jpeg);
        expect(r.board).toBeNull();
        expect(r.decision.reason).toBe('ambiguous');
      }
      const dense = recognizerWith({ match: { verify: ambiguous } });
      const one = await recognize(dense, boardView);
      expect(one.board?.id).toBe(boardId);
      expect(one.verification.verified).toBe(true);
      const other = await recognize(dense, revisionView);
      expect(other.board?.id).toBe(revisionId);
      expect(other.verification.verified).toBe(true);
      // the same picture enrolled twice: both references agree, nothing settles it
      const twinId = await adopt(await board());
      const twins = await recognize(recognizerWith({ match: { verify: { minRatio: 1.01 } } }), boardView);
      catalog.deleteBoard(twinId);
      expect(twins.board).toBeNull();
      expect(twins.decision.reason).toBe('ambiguous');
    } finally {
      catalog.deleteBoard(revisionId);
    }
  });
});
