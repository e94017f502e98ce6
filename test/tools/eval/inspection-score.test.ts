import { describe, expect, it } from 'vitest';
import type { Inspection } from '../../../src/inspect/inspector.ts';
import type { InspectedRegion, InspectionRegion, RegionVerdict } from '../../../src/protocol.ts';
import {
  type InspectedView,
  occludedRegions,
  score,
  suggestThresholds,
} from '../../../tools/eval/inspection.ts';
import { type InspectionView, markedChip, renderInspectionSet } from '../../../tools/eval/inspection-set.ts';

const box = { x: 0, y: 0, width: 0.1, height: 0.1 };
const region = (id: number, verdict: RegionVerdict, s: number): InspectedRegion => ({
  id,
  kind: 'chip',
  label: `chip ${id}`,
  box,
  verdict,
  score: s,
});

function view(
  regions: InspectedRegion[],
  o: {
    defect?: 'chip-missing' | 'connector-missing';
    at?: number;
    heat?: number[];
    verified?: boolean;
    occluded?: number[];
  },
): InspectedView {
  const missing = regions.filter((r) => r.verdict === 'missing').length;
  const hidden = regions.filter((r) => r.verdict === 'hidden').length;
  const result: Inspection = {
    boardId: 1,
    verified: o.verified ?? true,
    reason: null,
    regions,
    counts: { chips: { expected: 4, found: 4 - missing - hidden, missing, differs: 0, hidden } },
    heatmapId: null,
    outline: null,
    regionHeat: new Map((o.heat ?? []).map((h, i) => [i + 1, h])),
    ms: 100,
  };
  return {
    view: {
      jpeg: Buffer.alloc(0),
      defect: o.defect ? { kind: o.defect, box: { x: 0, y: 0, w: 1, h: 1 }, chip: null } : null,
      chipsPresent: o.defect === 'chip-missing' ? 3 : 4,
      occluders: [],
      occluderMask: null,
      corners: [],
    },
    result,
    defectRegion: o.at ? region(o.at, 'present', 1) : null,
    occluded: new Set(o.occluded ?? []),
  };
}

describe('inspection eval scoring', () => {
  const good = [1, 2, 3, 4].map((id) => region(id, 'present', 0.9));
  it('counts exact counts, missing-chip recall, false alarms per 10 good boards and top-3 heat hits', () => {
    const s = score(
      [
        view(good, {}),
        view([...good.slice(0, 3), region(4, 'differs', 0.4)], { occluded: [4] }),
        view([region(1, 'missing', -0.2), ...good.slice(1)], {
          defect: 'chip-missing',
          at: 1,
          heat: [5, 1, 1, 1],
        }),
        view(good, { defect: 'chip-missing', at: 2, heat: [0, 0, 0, 9] }),
        view(good, { defect: 'connector-missing', at: 3, verified: false }),
      ],
      { exact: 1, of: 1 },
    );
    expect(s.views).toBe(5);
    expect(s.unverified).toBe(1);
    // exact: the good view, the occluded one (a chip differing is still counted), the found missing chip
    expect(s.countExact).toBeCloseTo(3 / 5);
    expect(s.missingRecall).toEqual({ found: 1, of: 2 });
    expect(s.missingRecallUncovered).toEqual({ found: 1, of: 2 });
    expect(s.falseAlarmsPer10).toBe(5);
    expect(s.falseAlarmsOccludedPer10).toBe(5);
    // chip 1 is the hottest of its view; chip 2 ties with 1 and 3 behind chip 4 and is in the top 3; the unverified view misses
    expect(s.heatTop3).toEqual({ hit: 2, of: 3 });
    expect(s.byKind['chip-missing']).toEqual({ found: 1, of: 2 });
    expect(s.byKind['connector-missing']).toEqual({ found: 0, of: 1 });
  });

  it('does not count a region hidden under a hand as a false alarm, counts chips found + hidden, and a hidden defect as missed', () => {
    const s = score(
      [
        view([...good.slice(0, 2), region(3, 'hidden', 0.1), region(4, 'hidden', 0.2)], { occluded: [3] }),
        view([region(1, 'hidden', -0.5), ...good.slice(1)], {
          defect: 'chip-missing',
          at: 1,
          heat: [0, 2, 1, 1],
        }),
      ],
      { exact: 1, of: 1 },
    );
    expect(s.falseAlarmsPer10).toBe(0);
    // two regions hidden on the good view, one of them truly under the hand
    expect(s.hiddenGood).toEqual({ regions: 2, underOccluder: 1 });
    // found + hidden: the good view counts 4 (exact); the defective view 4 for 3 chips there (not exact)
    expect(s.countExact).toBeCloseTo(1 / 2);
    // found alone: 2 on the good view (not exact); 3 on the defective one, right only because the
    // chip hidden is the one removed
    expect(s.countExactSeen).toBeCloseTo(1 / 2);
    expect(s.defectsHidden).toEqual({ views: 1, underOccluder: 0 });
    expect(s.missingRecall).toEqual({ found: 0, of: 1 });
    expect(s.missingRecallUncovered).toEqual({ found: 0, of: 1 });
    expect(s.byKind['chip-missing']).toEqual({ found: 0, of: 1 });
    // scores under a hand are the hand's: left out of the threshold suggestion's samples
    expect(s.scores).toEqual({ good: [0.9, 0.9], missing: [], differs: [] });
  });

  it('counts the recall of chips taken off not half covered by an occluder apart', () => {
    const s = score(
      [
        // taken off under a hand: hidden, missed by the strict recall, left out of the other
        view([region(1, 'hidden', -0.5), ...good.slice(1)], { defect: 'chip-missing', at: 1, occluded: [1] }),
        view([region(1, 'missing', -0.5), ...good.slice(1)], { defect: 'chip-missing', at: 1 }),
        view([...good.slice(0, 1), region(2, 'differs', 0.3), ...good.slice(2)], {
          defect: 'chip-missing',
          at: 2,
        }),
      ],
      { exact: 1, of: 1 },
    );
    expect(s.missingRecall).toEqual({ found: 1, of: 3 });
    expect(s.missingRecallUncovered).toEqual({ found: 1, of: 2 });
  });

  it('suggests thresholds between the good regions and the defects, never from views it was not given', () => {
    const t = suggestThresholds({
      good: [0.8, 0.85, 0.9, 0.95],
      missing: [-0.5, -0.3, -0.2],
      differs: [0.3, 0.35, 0.4],
    });
    expect(t.presentMin).toBeGreaterThan(0.4);
    expect(t.presentMin).toBeLessThan(0.8);
    expect(t.missingBelow).toBeGreaterThan(-0.2);
    expect(t.missingBelow).toBeLessThan(0.3);
  });
});

describe('inspection eval: which regions lie under a hand, tool or cable', () => {
  const frame = (u: number, v: number) => [u * 400, v * 200];
  const corners = [frame(0, 0), frame(1, 0), frame(1, 1), frame(0, 1)] as Array<[number, number]>;
  const chip = (id: number, x: number, y: number): InspectionRegion => ({
    id,
    kind: 'chip',
    label: `chip ${id}`,
    box: { x, y, width: 0.1, height: 0.2 },
  });

  it('goes by the occluders own pixels: half of a footprint covered or more', () => {
    // a 400x200 frame, its mask at a quarter of it: a block over chip 1, a thin band across chip 2's centre
    const m = { width: 100, height: 50, data: new Uint8Array(100 * 50) };
    const fill = (x0: number, y0: number, x1: number, y1: number) => {
      for (let y = y0; y < y1; y++) m.data.fill(1, y * 100 + x0, y * 100 + x1);
    };
    fill(8, 3, 22, 17);
    fill(40, 14, 52, 16);
    const view = { corners, occluderMask: m } as unknown as InspectionView;
    const regions = [chip(1, 0.1, 0.1), chip(2, 0.42, 0.2), chip(3, 0.7, 0.5)];
    expect([...occludedRegions(view, regions)]).toEqual([1]);
    expect([...occludedRegions({ ...view, occluderMask: null }, regions)]).toEqual([]);
  });

  it('on rendered views: a chip taken off beside a screwdriver is not under it, one under a palm is', async () => {
    // seed 2's test split, boards 2 and 3, their first defective view (a chip taken off): the
    // screwdriver's box spans the chip of board 3, its pixels do not; the hand of board 2 covers its chip
    const set = await renderInspectionSet({
      seed: 2,
      split: 'test',
      boards: 4,
      goodViews: 0,
      defectViews: 1,
      width: 1280,
      height: 720,
    });
    const taken = (b: number) => {
      const { type, views } = set[b]!;
      const v = views[0]!;
      const r = { id: 1, kind: 'chip' as const, label: 'chip', box: markedChip(type, v.defect!.chip!) };
      const [cx, cy] = [r.box.x + r.box.width / 2, r.box.y + r.box.height / 2];
      const [tl, tr, , bl] = v.corners as Array<[number, number]>;
      const x = tl![0] + cx * (tr![0] - tl![0]) + cy * (bl![0] - tl![0]);
      const y = tl![1] + cx * (tr![1] - tl![1]) + cy * (bl![1] - tl![1]);
      const inBox = v.occluders.some(
        (o) => x >= o.x && x <= o.x + o.width && y >= o.y && y <= o.y + o.height,
      );
      return { inBox, occluded: occludedRegions(v, [r]).has(1) };
    };
    expect(taken(3)).toEqual({ inBox: true, occluded: false });
    expect(taken(2)).toEqual({ inBox: true, occluded: true });
  }, 120_000);
});
