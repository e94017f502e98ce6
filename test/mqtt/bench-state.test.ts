import { describe, expect, it } from 'vitest';
import { BenchState } from '../../src/mqtt/bench-state.ts';
import { Outbox } from '../../src/mqtt/outbox.ts';
import type {
  BoardInfo,
  InspectedPayload,
  OcrPayload,
  SlotView,
  UnitEventPayload,
} from '../../src/protocol.ts';

const BOARD: BoardInfo = {
  id: 3,
  vendor: 'MicroBT',
  model: 'M30S hashboard',
  kind: 'hashboard',
  chipType: null,
  chipCount: null,
  notes: '',
  tags: [],
};

const view = (over: Partial<SlotView>): SlotView => ({
  camera: 'bench-2',
  slot: 'left',
  rect: { x: 0, y: 0, width: 1, height: 1 },
  state: 'recognized',
  board: BOARD,
  source: 'vision',
  score: 0.9,
  margin: 0.1,
  candidates: [],
  since: 10,
  verified: false,
  inliers: null,
  outline: null,
  ...over,
});

const ocr = (recognitionId: number, at: number, serial: string | null): OcrPayload => ({
  recognitionId,
  at,
  camera: 'bench-2',
  slot: 'left',
  lines: [],
  serial,
  partNumber: null,
  partNumberConflict: false,
  verdict: 'none',
  textOverride: false,
  board: BOARD,
  visionBoard: BOARD,
  textBoard: null,
  ms: 1,
  error: null,
});

describe('MQTT retained state bookkeeping (pure)', () => {
  it('the text of an older recognition does not touch the slot; a new recognition forgets the serial', () => {
    const s = new BenchState();
    s.recognized('bench-2', 'left', 1, 100);
    expect(s.slot(view({}))).toMatchObject({ camera: 'bench-2', boardId: 3, serial: null });
    expect(s.ocr(ocr(1, 100, 'SN-ONE'))?.serial).toBe('SN-ONE');
    // the board goes and comes back: recognition 2; recognition 1's late text is history, not state
    expect(s.recognized('bench-2', 'left', 2, 200)?.serial).toBeNull();
    expect(s.ocr(ocr(1, 100, 'SN-LATE'))).toBeNull();
    expect(s.ocr(ocr(2, 200, 'SN-TWO'))?.serial).toBe('SN-TWO');
    // every frame's new score alone publishes nothing
    expect(s.slot(view({ score: 0.95 }))).toBeNull();
    expect(s.slot(view({ state: 'empty', board: null }))).toMatchObject({ boardId: null, serial: null });
  });

  it('a unit event names the unit on the slot: its serial, this visit and the visit count; a new recognition forgets it', () => {
    const s = new BenchState();
    s.recognized('bench-2', 'left', 7, 700);
    s.slot(view({}));
    const unitEvent = (recognitionId: number, visit: number, visits: number): UnitEventPayload => {
      const unit = {
        serial: 'SMTTAB5BBJAJG0137',
        boardId: 3,
        board: BOARD,
        status: 'repairing' as const,
        statusLabel: 'Repairing',
        firstSeen: 1,
        lastSeen: 700,
        visits,
        flagged: false,
        lastNote: null,
      };
      return {
        action: 'visit',
        unit,
        slot: { camera: 'bench-2', slot: 'left', recognitionId, unit, visit, previous: null },
      };
    };
    // a unit event of an older recognition of the slot is not its state
    expect(s.unit(unitEvent(6, 1, 1))).toBeNull();
    expect(s.unit(unitEvent(7, 3, 3))).toMatchObject({
      serial: 'SMTTAB5BBJAJG0137',
      unit: { serial: 'SMTTAB5BBJAJG0137', visit: 3, visits: 3, status: 'repairing' },
    });
    // the same again publishes nothing; a unit off any slot publishes nothing
    expect(s.unit(unitEvent(7, 3, 3))).toBeNull();
    expect(s.unit({ ...unitEvent(7, 3, 3), slot: null })).toBeNull();
    expect(s.recognized('bench-2', 'left', 8, 800)).toMatchObject({ serial: null, unit: null });
  });

  it('the camera status: published when health or the last serial changes, not for fps alone', () => {
    const s = new BenchState();
    const cam = (state: 'online' | 'offline', suspect: string | null, fps = 5) => ({
      id: 'bench-2',
      camera: { id: 'bench-2', kind: 'folder', state, reason: null, since: 1, retries: 0, suspect },
      fps: { captured: fps, encoded: fps },
    });
    expect(s.camera(cam('online', null))?.healthy).toBe(true);
    expect(s.camera(cam('online', null, 7))).toBeNull();
    expect(s.camera(cam('online', 'black picture for 60 s'))?.healthy).toBe(false);
    expect(s.camera(cam('offline', null))).toMatchObject({ healthy: false, state: 'offline' });
    s.recognized('bench-2', 'left', 5, 500);
    s.ocr(ocr(5, 500, 'SN-5'));
    expect(s.camera(cam('offline', null))?.lastSerial).toEqual({
      serial: 'SN-5',
      slot: 'left',
      boardId: 3,
      at: 500,
    });
  });

  it('an inspection of the current recognition puts its chip counts and defects in the slot state; an older one or a new recognition does not keep them', () => {
    const s = new BenchState();
    s.recognized('bench-2', 'left', 7, 700);
    expect(s.slot(view({ verified: true, inliers: 140 }))).toMatchObject({
      verified: true,
      inliers: 140,
      chips: null,
      defects: [],
    });
    const inspected = (recognitionId: number, at: number, verified = true): InspectedPayload => ({
      recognitionId,
      at,
      camera: 'bench-2',
      slot: 'left',
      board: BOARD,
      verified,
      reason: null,
      regions: [
        {
          id: 1,
          kind: 'chip',
          label: 'chip 1',
          box: { x: 0, y: 0, width: 0.1, height: 0.1 },
          verdict: 'present',
          score: 0.9,
        },
        {
          id: 2,
          kind: 'chip',
          label: 'chip 2',
          box: { x: 0.2, y: 0, width: 0.1, height: 0.1 },
          verdict: 'missing',
          score: 0.1,
        },
      ],
      counts: { chips: { expected: 2, found: 1, missing: 1, differs: 0, hidden: 0 } },
      heatmapUrl: null,
      outline: null,
      ms: 12,
      error: null,
    });
    expect(s.inspected(inspected(6, 600))).toBeNull();
    expect(s.inspected(inspected(7, 700, false))).toBeNull();
    expect(s.inspected(inspected(7, 700))).toMatchObject({
      chips: { expected: 2, found: 1, missing: 1, differs: 0, hidden: 0 },
      defects: [{ id: 2, label: 'chip 2', verdict: 'missing' }],
    });
    expect(s.recognized('bench-2', 'left', 8, 800)).toMatchObject({ chips: null, defects: [] });
  });

  it('outbox: retained topics first and coalesced, events bounded (oldest dropped), unacknowledged ones requeued first', () => {
    const o = new Outbox(3);
    for (let i = 1; i <= 5; i++) o.event('e', String(i));
    o.retain('r', 'a');
    o.retain('r', 'b');
    expect(o.dropped).toBe(2);
    expect(o.next()).toEqual({ topic: 'r', payload: 'b', retain: true });
    const inFlight = o.next()!;
    expect(inFlight.payload).toBe('3');
    o.requeue([inFlight]);
    expect([o.next(), o.next(), o.next(), o.next()].map((m) => m?.payload ?? null)).toEqual([
      '3',
      '4',
      '5',
      null,
    ]);
    // after a reconnection every retained topic goes out again; a cleared one is forgotten once sent
    o.retain('gone', '');
    const cleared = [o.next(), o.next()].find((m) => m?.topic === 'gone')!;
    o.sent(cleared);
    o.resendRetained();
    expect([o.next(), o.next()].map((m) => m?.topic ?? null)).toEqual(['r', null]);
  });
});
