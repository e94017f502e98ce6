import type { Catalog } from '../catalog/index.ts';
import type { Rect } from '../config/schema.ts';
import { BenchsightError } from '../errors.ts';
import type { ChipProposal, InspectedRegion, InspectionMapJson, RegionBox } from '../protocol.ts';
import type { Quad } from '../verify/geometry.ts';
import type { Verifier } from '../verify/verifier.ts';
import { decodeImage, type RawImage, regionToPixels } from '../vision/image.ts';
import {
  type BareEvidence,
  bareEvidence,
  centreBrightness,
  centreSpread,
  inImage,
  median,
  type Placed,
  wholeImage,
} from './bare.ts';
import { HeatmapStore, heatmapPng } from './heatmap.ts';
import { chipRegions, keepChipCount, keepOnLattice, toPixels } from './regions.ts';
import {
  chipCounts,
  HIDDEN_MIN,
  judgeRegions,
  noChips,
  partInOtherLight,
  regionScore,
  takenOffBeside,
  withBareEvidence,
  withCentreBrightness,
} from './verdict.ts';

export interface InspectorOptions {
  catalog: Catalog;
  verifier: Verifier;
  maxImagePixels: number;
}

/** What inspecting a slot found, before the HTTP or socket layer names the board. */
export interface Inspection {
  boardId: number;
  verified: boolean;
  reason: string | null;
  regions: InspectedRegion[];
  counts: { chips: ReturnType<typeof chipCounts> };
  /** Id of the heatmap in the store; null when nothing was compared. */
  heatmapId: string | null;
  /** The map reference's corners in the inspected region, as fractions of it; null when nothing was compared. */
  outline: Quad | null;
  /** How hot the heatmap is over each region (region id -> mean difference); absent when nothing was compared. */
  regionHeat?: ReadonlyMap<number, number>;
  /** How much of each doubtful chip's footprint shows the bare board (see bare.ts); absent: no evidence. */
  regionBare?: ReadonlyMap<number, BareEvidence>;
  ms: number;
}

/** References decoded for inspection, kept for the next slot (a reference's picture never changes). */
const REFERENCES_KEPT = 8;
/**
 * Inliers the alignment with the map's reference needs before regions are compared: the board is
 * already recognized, and the alignment runs at inspection's finer detection size
 * (INSPECTION_FEATURES), so match.verify.minInliers (a recognition decision at 640 px) does not
 * apply; 12, the value npm run eval's inspection rows were measured with.
 */
const ALIGN_MIN_INLIERS = 12;
/** Outline fractions to 4 decimals: a tenth of a pixel on a 1000-pixel slot. */
const round4 = (v: number) => Math.round(v * 10_000) / 10_000;
/** The most chips one detection proposes. */
const MAX_CHIPS = 1000;

/**
 * Inspection of a verified board: its map's reference matched into the slot (the homography), the
 * slot warped into the reference's frame, each region judged present, missing or differing, and a
 * heatmap of the difference. Also proposes a map's chips from one marked chip.
 */
export class Inspector {
  readonly #o: InspectorOptions;
  readonly #references = new Map<number, RawImage>();
  readonly heatmaps = new HeatmapStore();

  constructor(opts: InspectorOptions) {
    this.#o = opts;
  }

  /** Chips on a reference of the board that look like the marked box, numbered in reading order. */
  async detect(boardId: number, referenceId: number, box: RegionBox): Promise<ChipProposal> {
    const board = this.#o.catalog.getBoard(boardId);
    if (!board) throw new BenchsightError('E_NOT_FOUND', `board ${boardId} does not exist`, { status: 404 });
    const ref = await this.#reference(boardId, referenceId);
    const marked = toPixels(box, ref.width, ref.height);
    const expected = board.chipCount;
    const found = await this.#o.verifier.detectChips(ref, marked, MAX_CHIPS, expected);
    if (found.length === 0) {
      throw new BenchsightError(
        'E_BAD_REQUEST',
        'the marked box is too small to look for chips like it (at least 4 pixels a side at 1600 pixels across): mark one whole chip',
        { status: 400 },
      );
    }
    // the chip count as a prior: first a clear gap in score, else the lattice the chips sit on
    const byScore = keepChipCount(found, expected);
    const byLattice =
      byScore.kept.length > (expected ?? Number.POSITIVE_INFINITY) ? keepOnLattice(found, expected) : null;
    const { kept, leftOut } = byLattice?.leftOut ? byLattice : byScore;
    const leftOutBy = leftOut === 0 ? null : byLattice?.leftOut ? 'lattice' : 'score';
    const regions = chipRegions(kept, ref.width, ref.height);
    return {
      referenceId,
      regions,
      found: regions.length,
      expected,
      mismatch: expected !== null && expected !== regions.length,
      leftOut,
      leftOutBy,
    };
  }

  /** Inspects `region` of an image against the board's map; `verified: false` with the reason when it cannot. */
  async inspect(image: RawImage, region: Rect, boardId: number): Promise<Inspection> {
    const t0 = performance.now();
    const board = this.#o.catalog.getBoard(boardId);
    const map = this.#o.catalog.getInspectionMap(boardId);
    const expected = board?.chipCount ?? null;
    const none = (verified: boolean, reason: string): Inspection => ({
      boardId,
      verified,
      reason,
      regions: [],
      counts: { chips: noChips(expected) },
      heatmapId: null,
      outline: null,
      ms: performance.now() - t0,
    });
    if (!map || map.regions.length === 0) {
      return none(false, `board ${boardId} has no inspection map: draw one on the board's page`);
    }
    // aligned with the map's reference at inspection's finer detection size (INSPECTION_FEATURES)
    const ref = await this.#reference(map.boardId, map.referenceId);
    const key = this.#o.catalog.getReference(map.referenceId)?.sha256 ?? `reference-${map.referenceId}`;
    const match = await this.#o.verifier.align(image, region, key, ref);
    const need = ALIGN_MIN_INLIERS;
    if (match.inliers < need || !match.outline) {
      return none(
        false,
        `not verified: ${match.inliers} local features of reference ${map.referenceId} match the picture, ${need} needed`,
      );
    }
    return this.#compare(image, region, map, match.outline, match, expected, t0);
  }

  async #compare(
    image: RawImage,
    region: Rect,
    map: InspectionMapJson,
    outline: Quad,
    run: { width: number; height: number },
    expected: number | null,
    t0: number,
  ): Promise<Inspection> {
    const ref = await this.#reference(map.boardId, map.referenceId);
    const crop = regionToPixels(region, image.width, image.height);
    const inCrop = outline.map(([x, y]) => [
      (x * crop.width) / run.width,
      (y * crop.height) / run.height,
    ]) as Quad;
    const boxes = map.regions.map((r) => ({
      id: r.id,
      kind: r.kind,
      box: toPixels(r.box, ref.width, ref.height),
    }));
    const cmp = await this.#o.verifier.inspect(image, region, inCrop, ref, boxes);
    const scores = new Map(cmp.scores.map((s) => [s.id, s]));
    const judged = judgeRegions(map.regions, scores);
    // a chip hidden only through its own difference (taken off beside a tool? see takenOffBeside)
    const apart = new Set(
      judged
        .filter((r) => r.kind === 'chip' && r.verdict === 'hidden')
        .filter((r) => (scores.get(r.id)?.coveredApart ?? 1) < HIDDEN_MIN)
        .map((r) => r.id),
    );
    // a chip, a connector or a component that differs: is its footprint the bare board (taken off), or
    // is it still there, only lit otherwise?
    const doubtful = new Set([
      ...judged
        .filter((r) => r.kind !== 'label' && r.kind !== 'heatsink')
        .filter((r) => r.verdict === 'missing' || r.verdict === 'differs')
        .map((r) => r.id),
      ...apart,
    ]);
    const live = { image, corners: inImage(crop, inCrop) };
    // every chip's share of the mask too: a footprint is judged beside the board's other chips
    const chipIds = map.regions.filter((r) => r.kind === 'chip').map((r) => r.id);
    const shares = bareEvidence(live, ref, map.regions, new Set([...doubtful, ...chipIds]));
    const bare = shares && new Map([...shares].filter(([id]) => doubtful.has(id)));
    // (NaN without any chip's share: then no footprint stands out from the board's chips)
    const chipsMedian = median(chipIds.flatMap((id) => shares?.get(id)?.live ?? []));
    const ownScore = (id: number) => {
      const s = scores.get(id);
      return s?.diffOwn === undefined ? undefined : regionScore({ ncc: s.ncc, diff: s.diffOwn });
    };
    // how bright each doubtful footprint's centre is: tinned pads, a package, a burn or a bare lid?
    const brightness = centreBrightness(live, map.regions, doubtful);
    const regions = bare
      ? takenOffBeside(judged, apart, bare).map((r) => {
          const e = bare.get(r.id);
          const context = { chipsMedian, brightness: brightness?.get(r.id) };
          return partInOtherLight(r.kind === 'chip' ? withBareEvidence(r, e, context) : r, e, ownScore(r.id));
        })
      : // no colour to tell the bare board by: the brightness, against the reference's (PADS_AWAY)
        this.#byBrightness(judged, brightness, live, ref, map.regions, doubtful);
    const hidden = new Set(regions.filter((r) => r.verdict === 'hidden').map((r) => r.id));
    const heatmapId = this.heatmaps.put(await heatmapPng(cmp.heat));
    return {
      boardId: map.boardId,
      verified: true,
      reason: null,
      regions,
      counts: { chips: chipCounts(regions, expected) },
      heatmapId,
      outline: inCrop.map(([x, y]) => [round4(x / crop.width), round4(y / crop.height)]) as Quad,
      // what lies over the board is not where the board differs: hidden regions rank last
      regionHeat: new Map(cmp.scores.map((s) => [s.id, hidden.has(s.id) ? 0 : s.heat])),
      ...(bare ? { regionBare: bare } : {}),
      ms: performance.now() - t0,
    };
  }

  /** A black board's chips judged by their footprints' brightness (withCentreBrightness). */
  #byBrightness(
    judged: InspectedRegion[],
    brightness: Map<number, number> | null,
    live: Placed,
    ref: RawImage,
    regions: InspectionMapJson['regions'],
    ids: ReadonlySet<number>,
  ): InspectedRegion[] {
    const golden = centreBrightness(wholeImage(ref), regions, ids);
    const spread = centreSpread(live, regions, ids);
    return judged.map((r) =>
      withCentreBrightness(r, brightness?.get(r.id), golden?.get(r.id), spread?.get(r.id)),
    );
  }

  async #reference(boardId: number, referenceId: number): Promise<RawImage> {
    const kept = this.#references.get(referenceId);
    if (kept) return kept;
    const meta = this.#o.catalog.getReference(referenceId);
    const bytes = meta?.boardId === boardId ? this.#o.catalog.getReferenceImage(referenceId) : undefined;
    if (!bytes) {
      throw new BenchsightError(
        'E_BAD_REQUEST',
        `reference ${referenceId} is not a reference of board ${boardId}: pick one of the board's references`,
        { status: 400 },
      );
    }
    const raw = await decodeImage(bytes, { maxPixels: this.#o.maxImagePixels });
    this.#references.set(referenceId, raw);
    for (const old of this.#references.keys()) {
      if (this.#references.size <= REFERENCES_KEPT) break;
      this.#references.delete(old);
    }
    return raw;
  }
}
