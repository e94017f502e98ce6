import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/index.ts';
import { configSchema, WHOLE_FRAME } from '../../src/config/schema.ts';
import { createRecognizer, createVerification } from '../../src/pipeline/active-model.ts';
import { DESCRIPTOR_BYTES, type LocalFeatures } from '../../src/verify/features.ts';
import { onQuad, type Quad } from '../../src/verify/geometry.ts';
import type { NearestTwo } from '../../src/verify/hamming-kernel.ts';
import { guidedMatches, mutualMatches } from '../../src/verify/opencv.ts';
import { Verifier } from '../../src/verify/verifier.ts';
import type { ReferenceFeatures } from '../../src/verify/worker.ts';
import { createEncoder, type Encoder } from '../../src/vision/encoder.ts';
import type { RawImage } from '../../src/vision/image.ts';
import { loadManifest } from '../../src/vision/manifest.ts';
import { decodeImage } from '../../src/vision/preprocess.ts';
import { boardTypeFromSeed } from '../../tools/synth/board.ts';
import { NO_NUISANCE } from '../../tools/synth/nuisance.ts';
import { renderBenchView } from '../../tools/synth/scene.ts';
import { TINY_MODEL } from '../helpers/daemon.ts';

function features(points: number[]): LocalFeatures {
  const n = points.length / 2;
  return {
    width: 100,
    height: 100,
    keypoints: Float32Array.from(points),
    descriptors: new Uint8Array(n * DESCRIPTOR_BYTES),
  };
}

describe('mutual nearest neighbours', () => {
  it("keeps a reference keypoint and its nearest query keypoint only when each is the other one's nearest", () => {
    // reference keypoints 0..3 (rows 2..5 of a shortlist: another reference's 2 rows come first)
    const ref = features([1, 1, 2, 2, 3, 3, 4, 4]);
    const query = features([10, 10, 20, 20, 30, 30]);
    const nearest: NearestTwo = {
      index: Int32Array.from([9, 9, 0, 1, 1, 2]),
      distance: Int32Array.from([0, 0, 5, 7, 9, 300]),
      second: Int32Array.from([0, 0, 50, 8, 10, 400]),
    };
    // each query keypoint's nearest among this reference's keypoints
    const back: NearestTwo = {
      index: Int32Array.from([0, 2, 3]),
      distance: Int32Array.from([5, 9, 300]),
      second: Int32Array.from([6, 10, 400]),
    };
    const m = mutualMatches(nearest, 2, back, ref, query);
    // 0<->0 mutual; 1->1 but 1's nearest is 2 (not mutual); 2<->1 mutual (no ratio test: 9 < 0.8*10 fails);
    // 3->2 and 2->3 but farther than any 256-bit descriptor pair can be (no query keypoint)
    expect(m.src).toEqual([1, 1, 3, 3]);
    expect(m.dst).toEqual([10, 10, 20, 20]);
  });
});

describe('guided matching', () => {
  it('tells identical chips apart by where the outline puts them', () => {
    // a 5x4 grid of keypoints with one and the same descriptor (a row of identical chips), and two
    // keypoints of their own; the query holds the grid shifted by (30, 20), plus a decoy beside each
    const pts: number[] = [];
    for (let r = 0; r < 4; r++) for (let c = 0; c < 5; c++) pts.push(10 + c * 16, 10 + r * 16);
    pts.push(50, 90, 80, 90);
    const ref = features(pts);
    ref.descriptors.fill(0xaa, 0, 20 * DESCRIPTOR_BYTES);
    ref.descriptors.fill(0x0f, 20 * DESCRIPTOR_BYTES, 21 * DESCRIPTOR_BYTES);
    ref.descriptors.fill(0xf0, 21 * DESCRIPTOR_BYTES);
    const qpts: number[] = [];
    for (let i = 0; i < pts.length; i += 2) qpts.push(pts[i]! + 30, pts[i + 1]! + 20);
    for (let i = 0; i < 40; i += 2) qpts.push(pts[i]! + 30 + 8, pts[i + 1]! + 20);
    const query = { ...features(qpts), width: 200, height: 150 };
    query.descriptors.set(ref.descriptors);
    query.descriptors.fill(0xaa, 22 * DESCRIPTOR_BYTES);
    // the second own keypoint's match is 40 bits away in the query: still within the limit
    query.descriptors.fill(0xf5, 21 * DESCRIPTOR_BYTES, 22 * DESCRIPTOR_BYTES);
    // the outline of a shift by (30, 20) of the 100x100 reference
    const outline: Quad = [
      [30, 20],
      [130, 20],
      [130, 120],
      [30, 120],
    ];
    const m = guidedMatches(outline, ref, query);
    expect(m.src).toEqual(pts);
    expect(m.dst).toEqual(qpts.slice(0, pts.length));
    // an outline half a chip off (8 px down) puts every keypoint between rows: none within reach
    const off = outline.map(([x, y]) => [x, y + 8]) as Quad;
    expect(guidedMatches(off, ref, query).src).toEqual([]);
  });
});

const W = 320;
const H = 240;

/** The eval's size of view: a synthetic hashboard (rows of identical chips) on an ESD mat. */
async function view(seed: number, n: number, angleDeg: number, blur: number) {
  const { jpeg, meta } = await renderBenchView(boardTypeFromSeed(seed, 'hashboard'), n, {
    width: W,
    height: H,
    nuisance: { ...NO_NUISANCE, blur },
    background: 'esd-mat',
    pose: { cx: W / 2, cy: H / 2, angleDeg, shear: 0, squash: 1, pxPerMm: 0.9 },
  });
  return { jpeg, raw: await decodeImage(jpeg), corners: meta.board!.corners };
}

/** The largest distance (feature-size pixels) between the board's corners through `outline` and where they are. */
function cornerError(outline: Quad, refCorners: [number, number][], queryCorners: [number, number][]) {
  const s = 640 / W;
  return Math.max(
    ...refCorners.map(([x, y], i) => {
      const [px, py] = onQuad(outline, x / W, y / H);
      return Math.hypot(px - queryCorners[i]![0] * s, py - queryCorners[i]![1] * s);
    }),
  );
}

describe("the encoder's nearest board matched again mutually (real opencv.js in the feature worker)", () => {
  const verifier = new Verifier();
  afterAll(() => verifier.stop());

  it('finds a blurred, turned hashboard the ratio test leaves without a homography, and nothing on another board', async () => {
    const ref = await view(4, 0, 0, 0);
    const references: ReferenceFeatures[] = [
      { referenceId: 1, boardId: 1, features: await verifier.extract(ref.raw, WHOLE_FRAME) },
    ];
    const q = await view(4, 3, 30, 0.6);
    const plain = (await verifier.verify(q.raw, WHOLE_FRAME, references, null)).pairs[0]!;
    expect(plain.inliers).toBeLessThan(12);
    expect(plain.mutual).toBeUndefined();
    // the rescue is for one board: another board's references are left as they are
    const elsewhere = (await verifier.verify(q.raw, WHOLE_FRAME, references, null, { boardId: 2, below: 30 }))
      .pairs[0]!;
    expect(elsewhere).toEqual(plain);

    const rescued = (await verifier.verify(q.raw, WHOLE_FRAME, references, null, { boardId: 1, below: 30 }))
      .pairs[0]!;
    // the ratio test's estimate is kept as it was, the mutual one beside it
    expect(rescued.inliers).toBe(plain.inliers);
    expect(rescued.mutual!.inliers).toBeGreaterThanOrEqual(100);
    expect(cornerError(rescued.mutual!.outline!, ref.corners, q.corners)).toBeLessThan(6);
    // a reference that already has `below` inliers is not matched again
    const enough = (
      await verifier.verify(q.raw, WHOLE_FRAME, references, null, { boardId: 1, below: plain.inliers })
    ).pairs[0]!;
    expect(enough.mutual).toBeUndefined();

    // the same view of a board never enrolled: its mutual matches fit no homography worth a board
    const stranger = await view(504, 3, 30, 0.6);
    const other = (
      await verifier.verify(stranger.raw, WHOLE_FRAME, references, null, { boardId: 1, below: 30 })
    ).pairs[0]!;
    expect(other.mutual).toBeDefined();
    expect(other.mutual!.inliers).toBeLessThan(12);
  }, 120_000);
});

describe("the daemon's second chance (real tiny ViT, opencv.js, SQLite): a board refused on the ratio test's matches, taken on its mutual estimate when the dense check agrees", () => {
  const dir = mkdtempSync(join(tmpdir(), 'benchsight-mutual-'));
  const verifier = new Verifier();
  const catalogs: Catalog[] = [];
  let encoder: Encoder;

  beforeAll(async () => {
    encoder = await createEncoder(loadManifest(TINY_MODEL, '.'), {
      executionProviders: ['cpu'],
      intraOpThreads: 1,
    });
  }, 60_000);

  afterAll(async () => {
    await verifier.stop();
    await encoder.stop();
    for (const c of catalogs) c.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function recognizerWith(catalog: Catalog, input: unknown) {
    const config = configSchema.parse(input);
    const r = createRecognizer(
      config,
      catalog,
      loadManifest(TINY_MODEL, '.'),
      encoder,
      createVerification(config, catalog, verifier),
    );
    r.reload();
    return r;
  }

  /** A catalog of one board, enrolled from a plain view of synthetic hashboard `seed` (the whole picture). */
  async function enrolled(seed: number) {
    const catalog = Catalog.open(join(dir, `catalog-${seed}.db`));
    catalogs.push(catalog);
    const ref = await view(seed, 0, 0, 0);
    const boardId = catalog.createBoard({ vendor: 'Test', model: `hashboard ${seed}`, kind: 'hashboard' }).id;
    const r = recognizerWith(catalog, {});
    r.store(boardId, await r.prepareReference(ref.jpeg, WHOLE_FRAME), 'upload', null);
    return { catalog, boardId, corners: ref.corners };
  }

  /** Recognizes the picture, and the mutual estimates the feature worker reported on the way. */
  async function recognize(r: ReturnType<typeof recognizerWith>, raw: RawImage) {
    const [vector] = await r.embed(raw, [WHOLE_FRAME]);
    const mutual: number[] = [];
    const verify = verifier.verify.bind(verifier);
    verifier.verify = async (...args: Parameters<Verifier['verify']>) => {
      const run = await verify(...args);
      for (const p of run.pairs) if (p.mutual?.outline) mutual.push(p.mutual.inliers);
      return run;
    };
    try {
      return { result: await r.recognize(raw, WHOLE_FRAME, vector!), mutual };
    } finally {
      verifier.verify = verify;
    }
  }

  it("recognizes the blurred, turned view with the mutual estimate's inliers and outline", async () => {
    const { catalog, boardId, corners } = await enrolled(4);
    const q = await view(4, 3, 30, 0.6);
    const { result: taken } = await recognize(recognizerWith(catalog, {}), q.raw);
    expect(taken.board?.id).toBe(boardId);
    expect(taken.verification.verified).toBe(true);
    expect(taken.verification.inliers).toBeGreaterThanOrEqual(100);
    // the outline (fractions of the frame) is the board's: the reference is the whole bench view
    const outline = taken.verification.outline!;
    const err = Math.max(
      ...q.corners.map(([x, y], i) => {
        const [ox, oy] = onQuad(outline, corners[i]![0] / W, corners[i]![1] / H);
        return Math.hypot(ox - x / W, oy - y / H);
      }),
    );
    expect(err).toBeLessThan(0.03);
    // without the dense check there is no second chance
    const { result: refused } = await recognize(
      recognizerWith(catalog, { match: { verify: { minAgreement: null } } }),
      q.raw,
    );
    expect(refused.board).toBeNull();
    expect(refused.decision.reason).toBe('too-few-inliers');
  }, 120_000);

  it("refuses a board never enrolled whose chips line up with the enrolled one's (dozens of mutual inliers)", async () => {
    const { catalog } = await enrolled(9);
    const q = await view(509, 1, 90, 0);
    const { result, mutual } = await recognize(recognizerWith(catalog, {}), q.raw);
    expect(Math.max(0, ...mutual)).toBeGreaterThanOrEqual(30);
    expect(result.board).toBeNull();
  }, 120_000);
});
