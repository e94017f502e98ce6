import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/index.ts';
import { configSchema, WHOLE_FRAME } from '../../src/config/schema.ts';
import { createRecognizer, createVerification } from '../../src/pipeline/active-model.ts';
import type { Recognizer } from '../../src/pipeline/recognizer.ts';
import { FEATURE_CONFIG_KEY } from '../../src/verify/features.ts';
import { MUTUAL_BELOW } from '../../src/verify/shortlist.ts';
import { Verifier } from '../../src/verify/verifier.ts';
import { createEncoder, type Encoder } from '../../src/vision/encoder.ts';
import type { RawImage } from '../../src/vision/image.ts';
import { loadManifest } from '../../src/vision/manifest.ts';
import { decodeImage } from '../../src/vision/preprocess.ts';
import { boardTypeFromSeed } from '../../tools/synth/board.ts';
import { NO_NUISANCE, type Nuisance } from '../../tools/synth/nuisance.ts';
import { renderBenchView } from '../../tools/synth/scene.ts';
import type { BoardType } from '../../tools/synth/types.ts';
import { TINY_MODEL } from '../helpers/daemon.ts';

const W = 640;
const H = 480;

/** A bench view of a board; `pose` overrides the drawn pose, `nuisance` the (none by default) nuisances. */
function view(
  board: BoardType | null,
  seed: number,
  pose: Record<string, number> = {},
  nuisance: Partial<Nuisance> = {},
) {
  return renderBenchView(board, seed, {
    width: W,
    height: H,
    nuisance: { ...NO_NUISANCE, ...nuisance },
    background: 'esd-mat',
    // a bench slot frames its board: the board fills most of the picture
    pose: { cx: W / 2, cy: H / 2, angleDeg: 0, shear: 0, squash: 1, pxPerMm: 1.75, ...pose },
    quality: 90,
  });
}

describe('geometric verification: local features (real opencv.js) decide among the shortlist (real tiny ViT, SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'benchsight-verify-'));
  let encoder: Encoder;
  let catalog: Catalog;
  let recognizer: Recognizer;
  let verifier: Verifier;
  const warnings: string[] = [];
  const boards = [boardTypeFromSeed(101, 'hashboard'), boardTypeFromSeed(202, 'control-board')];
  const stranger = boardTypeFromSeed(303, 'hashboard');
  const ids: number[] = [];

  beforeAll(async () => {
    const loaded = loadManifest(TINY_MODEL, '.');
    encoder = await createEncoder(loaded, { executionProviders: ['cpu'], intraOpThreads: 1 });
    catalog = Catalog.open(join(dir, 'catalog.db'));
    verifier = new Verifier();
    const config = configSchema.parse({});
    const logger = { warn: (_o: unknown, msg: string) => void warnings.push(msg) };
    recognizer = createRecognizer(
      config,
      catalog,
      loaded,
      encoder,
      createVerification(config, catalog, verifier, logger),
    );
    // each board enrolled from one photograph: the board alone, cropped out of a plain bench view
    for (const [i, type] of boards.entries()) {
      const { jpeg, meta } = await view(type, 10 + i);
      const box = meta.board!.bbox;
      const region = { x: box.x / W, y: box.y / H, width: box.width / W, height: box.height / H };
      const board = catalog.createBoard({ vendor: 'Test', model: `board ${i}`, kind: 'hashboard' });
      recognizer.reload();
      recognizer.store(board.id, await recognizer.prepareReference(jpeg, region), 'upload', null);
      ids.push(board.id);
    }
  }, 120_000);

  afterAll(async () => {
    await verifier.stop();
    await encoder.stop();
    catalog.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh recognizer (a restart: nothing cached) on the same catalog, with this config. */
  function recognizerWith(input: unknown, logger?: { warn: (o: unknown, msg: string) => void }) {
    const config = configSchema.parse(input);
    const r = createRecognizer(
      config,
      catalog,
      loadManifest(TINY_MODEL, '.'),
      encoder,
      createVerification(config, catalog, verifier, logger),
    );
    r.reload();
    return r;
  }

  /** Recognizes with `r`, and the mutual rescue (Verifier.verify's last argument) of each verification asked on the way. */
  async function rescuesAsked(r: Recognizer, raw: RawImage, vector: Float32Array) {
    const asked: unknown[] = [];
    const verify = verifier.verify.bind(verifier);
    verifier.verify = (...args: Parameters<Verifier['verify']>) => {
      asked.push(args[4]);
      return verify(...args);
    };
    try {
      return { asked, result: await r.recognize(raw, WHOLE_FRAME, vector) };
    } finally {
      verifier.verify = verify;
    }
  }

  async function recognize(jpeg: Buffer) {
    const raw = await decodeImage(jpeg);
    const [vector] = await recognizer.embed(raw, [WHOLE_FRAME]);
    return recognizer.recognize(raw, WHOLE_FRAME, vector!);
  }

  it('stores the features of each reference in the catalog under the feature configuration', () => {
    for (const id of ids) {
      const [ref] = catalog.listReferences(id);
      const stored = catalog.getFeatures(ref!.id, FEATURE_CONFIG_KEY);
      expect(stored!.keypoints.byteLength / 8).toBeGreaterThan(100);
      expect(stored!.descriptors.byteLength).toBe((stored!.keypoints.byteLength / 8) * 32);
    }
    expect(catalog.referencesWithoutFeatures(FEATURE_CONFIG_KEY)).toEqual([]);
  });

  it.each([
    ['rotated', { angleDeg: 14 }, {}],
    ['tilted', { shear: 0.08, squash: 0.92 }, {}],
    ['dimmed', {}, { lighting: 1 }],
    ['blurred', {}, { blur: 0.6 }],
    ['partly covered', {}, { occlusion: 0.5 }],
    ['smaller and moved', { pxPerMm: 1.4, cx: W * 0.45, cy: H * 0.55 }, {}],
  ])('recognizes a %s view of an enrolled board, verified, with its outline', async (_n, pose, nuisance) => {
    for (const [i, type] of boards.entries()) {
      const { jpeg } = await view(type, 500 + i, pose, nuisance);
      const r = await recognize(jpeg);
      expect(
        r.board?.id,
        `${_n} view of board ${i}: ${r.decision.reason}, ${r.verification.inliers} inliers`,
      ).toBe(ids[i]);
      expect(r.verification.verified).toBe(true);
      expect(r.verification.inliers).toBeGreaterThanOrEqual(configSchema.parse({}).match.verify.minInliers);
      expect(r.verification.outline).toHaveLength(4);
    }
  });

  it('refuses a board that was never enrolled, with the reason', async () => {
    for (const seed of [1, 2, 3]) {
      const { jpeg } = await view(stranger, seed, { angleDeg: 5 * seed });
      const r = await recognize(jpeg);
      expect(r.board).toBeNull();
      expect(r.outcome.kind).toBe('unknown');
      expect(r.verification.verified).toBe(false);
      expect(['too-few-inliers', 'ambiguous']).toContain(r.decision.reason);
    }
  });

  it('finds the board outline within 4% of the frame of its true corners', async () => {
    const poses: Record<string, number>[] = [
      { angleDeg: 0 },
      { angleDeg: 12, cx: W * 0.45 },
      { angleDeg: -6, cy: H * 0.45 },
    ];
    for (const pose of poses) {
      const { jpeg, meta } = await view(boards[0]!, 900, pose);
      const r = await recognize(jpeg);
      const outline = r.verification.outline!;
      expect(outline).toHaveLength(4);
      // the reference was cropped to the board's bounding box: with no rotation at enrollment, its
      // corners are the board's
      for (const [k, [x, y]] of meta.board!.corners.entries()) {
        expect(Math.abs(outline[k]![0] - x / W), `corner ${k} x, pose ${JSON.stringify(pose)}`).toBeLessThan(
          0.04,
        );
        expect(Math.abs(outline[k]![1] - y / H), `corner ${k} y, pose ${JSON.stringify(pose)}`).toBeLessThan(
          0.04,
        );
      }
    }
  });

  it("asks the feature worker to match the encoder's nearest board again mutually, and only that board", async () => {
    const { jpeg } = await view(boards[1]!, 901, { angleDeg: 7 });
    const raw = await decodeImage(jpeg);
    const [vector] = await recognizer.embed(raw, [WHOLE_FRAME]);
    const { asked } = await rescuesAsked(recognizer, raw, vector!);
    const nearest = recognizer.shortlist(vector!)[0];
    expect(nearest).toBeDefined();
    expect(asked).toEqual([{ boardId: nearest, below: MUTUAL_BELOW }]);
  });

  it('does not ask for the mutual estimates where no second chance could be taken: the encoder doubts its nearest board, or minAgreement is null', async () => {
    const { jpeg } = await view(stranger, 902, { angleDeg: 5 });
    const raw = await decodeImage(jpeg);
    const [vector] = await recognizer.embed(raw, [WHOLE_FRAME]);
    const nearest = recognizer.shortlist(vector!)[0];
    const nearestCosine = recognizer.match(vector!).candidates.find((c) => c.boardId === nearest)!.score;
    const askedWith = (input: unknown) => rescuesAsked(recognizerWith(input), raw, vector!);
    // the nearest board's cosine just under minCosine: nothing asked, and the board never enrolled is refused all the same
    const doubted = await askedWith({ match: { verify: { minCosine: Math.min(1, nearestCosine + 1e-3) } } });
    expect(doubted.asked).toEqual([null]);
    expect(doubted.result.board).toBeNull();
    // at it: asked
    const at = await askedWith({ match: { verify: { minCosine: nearestCosine - 1e-3 } } });
    expect(at.asked).toEqual([{ boardId: nearest, below: MUTUAL_BELOW }]);
    // no dense check, no second chance: nothing asked
    const noAgreement = await askedWith({ match: { verify: { minCosine: -1, minAgreement: null } } });
    expect(noAgreement.asked).toEqual([null]);
  });
  it('answers unknown with a reason for blank, uniform, noisy-flat and tiny pictures', async () => {
    const pictures = [
      await sharp({ create: { width: 640, height: 480, channels: 3, background: '#000' } })
        .jpeg()
        .toBuffer(),
      await sharp({ create: { width: 640, height: 480, channels: 3, background: '#7a7a7a' } })
        .jpeg()
        .toBuffer(),
      await sharp({ create: { width: 4, height: 3, channels: 3, background: '#a0c0e0' } })
        .jpeg()
        .toBuffer(),
      (await view(null, 77)).jpeg,
    ];
    for (const jpeg of pictures) {
      const r = await recognize(jpeg);
      expect(r.board).toBeNull();
      expect(['no-features', 'too-few-inliers']).toContain(r.decision.reason);
    }
    const blank = await recognize(pictures[0]!);
    expect(blank.decision.reason).toBe('no-features');
  });

  it('recomputes stored features that fail to decode, with a warning', async () => {
    const [ref] = catalog.listReferences(ids[1]!);
    catalog.putFeatures(ref!.id, FEATURE_CONFIG_KEY, {
      width: 480,
      height: 300,
      keypoints: Buffer.from([1, 2, 3]),
      descriptors: Buffer.alloc(5),
    });
    const fresh = recognizerWith({}, { warn: (_o: unknown, msg: string) => void warnings.push(msg) });
    const { jpeg } = await view(boards[1]!, 42, { angleDeg: 6 });
    const raw = await decodeImage(jpeg);
    const [vector] = await fresh.embed(raw, [WHOLE_FRAME]);
    const r = await fresh.recognize(raw, WHOLE_FRAME, vector!);
    expect(r.board?.id).toBe(ids[1]);
    expect(warnings.some((w) => w.includes('do not decode'))).toBe(true);
    expect(catalog.getFeatures(ref!.id, FEATURE_CONFIG_KEY)!.descriptors.byteLength).toBeGreaterThan(1000);
  });

  it('under match.verify.strongInliers a board also needs the encoder: refused when its cosine is under minCosine, kept when not', async () => {
    // the encoder's rule alone (the dense check, which could stand in for the cosine, off: see agreement.test.ts)
    const withRule = (verify: Record<string, number>) =>
      recognizerWith({ match: { verify: { ...verify, minAgreement: null } } });
    const { jpeg } = await view(boards[0]!, 61, { angleDeg: 4 });
    const raw = await decodeImage(jpeg);
    const [vector] = await recognizer.embed(raw, [WHOLE_FRAME]);
    // the tiny ViT's cosine for the right board, and the view's inliers, as the default decides
    const plain = await recognizer.recognize(raw, WHOLE_FRAME, vector!);
    expect(plain.board?.id).toBe(ids[0]);
    const inliers = plain.verification.inliers!;
    const cosine = recognizer.index.searchBoards(vector!, 2).find((s) => s.boardId === ids[0])!.score;
    // more inliers needed than the view has, and a cosine above the board's: refused
    const strict = withRule({ strongInliers: inliers + 1, minCosine: Math.min(1, cosine + 0.01) });
    const refused = await strict.recognize(raw, WHOLE_FRAME, vector!);
    expect(refused.board).toBeNull();
    expect(refused.decision.reason).toBe('too-few-inliers');
    expect(refused.verification).toMatchObject({ verified: false, outline: null });
    // the same cosine rule with the view's inliers enough to decide alone: kept
    const strong = withRule({ strongInliers: inliers, minCosine: Math.min(1, cosine + 0.01) });
    expect((await strong.recognize(raw, WHOLE_FRAME, vector!)).board?.id).toBe(ids[0]);
    // the board's cosine reaching minCosine: kept
    const agreeing = withRule({ strongInliers: inliers + 1, minCosine: cosine - 0.01 });
    const kept = await agreeing.recognize(raw, WHOLE_FRAME, vector!);
    expect(kept.board?.id).toBe(ids[0]);
    expect(kept.verification.verified).toBe(true);
  });

  it('match.verify.enabled: false keeps the embedding decision alone', async () => {
    const off = recognizerWith({ match: { verify: { enabled: false } } });
    expect(off.verification).toBeNull();
    const { jpeg } = await view(boards[0]!, 5);
    const raw = await decodeImage(jpeg);
    const [vector] = await off.embed(raw, [WHOLE_FRAME]);
    const r = await off.recognize(raw, WHOLE_FRAME, vector!);
    expect(r).toEqual(off.match(vector!));
    expect(r.verification).toEqual({ verified: false, inliers: null, outline: null });
  });
});
