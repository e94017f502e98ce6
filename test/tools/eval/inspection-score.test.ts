import { describe, expect, it } from 'vitest';
import type { Inspection } from '../../../src/inspect/inspector.ts';
import type { InspectedRegion, RegionVerdict } from '../../../src/protocol.ts';
import { type InspectedView, score, suggestThresholds } from '../../../tools/eval/inspection.ts';

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
  });

  it('counts the recall of chips taken off with their centre under no occluder apart', () => {
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
