import { describe, expect, it } from 'vitest';
import { Bus } from '../../src/bus.ts';
import { configSchema } from '../../src/config/schema.ts';
import { HardwareReference } from '../../src/hardware/reference.ts';
import type { OcrReader } from '../../src/ocr/reader.ts';
import type { OcrResult } from '../../src/ocr/types.ts';
import { OcrStep } from '../../src/pipeline/ocr-step.ts';
import { SlotOwner, type SlotOwnerOptions } from '../../src/pipeline/slot-owner.ts';
import { RollingMedian } from '../../src/pipeline/stats.ts';
import type { SlotRecognition as OcrJob } from '../../src/pipeline/types.ts';
import type { OcrPayload } from '../../src/protocol.ts';
import { useTempDir } from '../catalog/helpers.ts';

const hardware = HardwareReference.load();
const silent = { info() {}, warn() {}, error() {}, debug() {} };
const BOX: [number, number][] = [
  [0, 0],
  [1, 0],
  [1, 0.1],
  [0, 0.1],
];

/** The slot's owner the step reports to (it writes history and sends the events), with one step: OCR. */
function ownerWith(step: OcrStep, bus: Bus, catalog: SlotOwnerOptions['catalog'], slot: string): SlotOwner {
  const storage = { writeSucceeded() {}, writeFailed() {} };
  const options = { config: configSchema.parse({}), camera: 'c', catalog, bus, logger: silent, storage };
  const owner = new SlotOwner({ ...options, steps: [step], matchTimings: new RollingMedian() }, [
    { name: slot, rect: { x: 0, y: 0, width: 1, height: 1 } },
  ]);
  owner.start();
  return owner;
}

/**
 * A stand-in for the OCR worker whose reads finish when the test says: what is tested here is the
 * queue (one read at a time, the newest recognition of a slot wins), the history rows and events,
 * not the networks (test/ocr/labels.test.ts and daemon.test.ts run those).
 */
function stubReader(texts: Map<number, string[]>) {
  const reads: number[] = [];
  const waiting: (() => void)[] = [];
  let fail = false;
  const reader = {
    alive: true,
    async read(image: { width: number }): Promise<OcrResult> {
      reads.push(image.width);
      await new Promise<void>((resolve) => waiting.push(resolve));
      if (fail) {
        reader.alive = false;
        throw new Error('OCR thread exited (code 1)');
      }
      return {
        lines: (texts.get(image.width) ?? []).map((text) => ({ text, confidence: 0.9, box: BOX as never })),
        timings: { detMs: 1, recMs: 1, totalMs: 2 },
        shapes: { det: [32, 32], rec: [] },
      };
    },
    async stop() {},
  };
  return {
    reader: reader as unknown as OcrReader & { alive: boolean },
    reads,
    release: () => waiting.shift()?.(),
    failNext: () => {
      fail = true;
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('OcrStep: one read at a time, newest recognition of a slot wins, history and events', () => {
  const tmp = useTempDir();

  it('reads slots in turn, skips a recognition replaced while waiting, stores the text and corrects the board', async () => {
    const catalog = tmp.open();
    const pro = catalog.createBoard({
      vendor: 'Bitmain',
      model: 'S19j Pro',
      kind: 'hashboard',
      textPattern: 'S19J-?PRO',
    });
    const xp = catalog.createBoard({
      vendor: 'Bitmain',
      model: 'S19 XP',
      kind: 'hashboard',
      textPattern: 'S19-?XP',
    });
    const ids = [1, 2, 3].map(
      (i) =>
        catalog.insertRecognition({
          at: i,
          camera: 'c',
          slot: 'left',
          boardId: pro.id,
          score: 0.9,
          margin: 0.1,
          topk: [],
          modelId: 'm',
        }).id,
    );
    // the stub tells the jobs apart by image width
    const stub = stubReader(
      new Map([
        [1, ['S19J-PRO-HB2024-01', 'SN:AAAABBBBCCCC1']],
        [3, ['S19-XP-HB2024-05', 'SN:HKYTZ2BBCJDJ0A2C3']],
      ]),
    );
    const bus = new Bus();
    const events: OcrPayload[] = [];
    bus.on('ocr', (p) => events.push(p));
    const step = new OcrStep({
      config: configSchema.parse({}).ocr,
      catalog,
      hardware,
      logger: silent,
      openReader: async () => stub.reader,
    });
    const owner = ownerWith(step, bus, catalog, 'left');
    const job = (i: number): OcrJob => ({
      recognitionId: ids[i - 1]!,
      at: i,
      camera: 'c',
      slot: 'left',
      image: { data: new Uint8Array(i * 3), width: i, height: 1, channels: 3 },
      region: { x: 0, y: 0, width: 1, height: 1 },
      visionBoardId: pro.id,
    });
    owner.follow(job(1));
    await tick();
    owner.follow(job(2));
    owner.follow(job(3));
    stub.release();
    await tick();
    stub.release();
    await tick();
    expect(stub.reads).toEqual([1, 3]);
    expect(events.map((e) => [e.recognitionId, e.verdict, e.serial])).toEqual([
      [ids[0], 'confirmed', 'AAAABBBBCCCC1'],
      [ids[2], 'corrected', 'HKYTZ2BBCJDJ0A2C3'],
    ]);
    expect(events[1]).toMatchObject({
      textOverride: true,
      board: { id: xp.id },
      visionBoard: { id: pro.id },
    });
    expect(catalog.getRecognitionText(ids[1]!)).toBeUndefined();
    expect(catalog.getRecognitionText(ids[2]!)).toMatchObject({
      verdict: 'corrected',
      visionBoardId: pro.id,
      textBoardId: xp.id,
    });
    expect(catalog.queryRecognitions({ boardId: xp.id, limit: 10, offset: 0 }).rows.map((r) => r.id)).toEqual(
      [ids[2]],
    );
    expect(catalog.queryRecognitions({ text: 'hb2024', limit: 10, offset: 0 }).total).toBe(2);
    expect(catalog.queryRecognitions({ text: 'HB_2024', limit: 10, offset: 0 }).total).toBe(0);
    expect(owner.texts().map((p) => p.recognitionId)).toEqual([ids[2]]);
    owner.clear('left', 4, xp.id, 'empty');
    expect(owner.texts()).toEqual([]);
    await owner.stop();
  });

  it('a failed read is an ocr event with the error; the next read starts a new worker', async () => {
    const catalog = tmp.open();
    const first = stubReader(new Map());
    const second = stubReader(new Map([[1, ['SN:HKYTZ2BBCJDJ0A2C3']]]));
    const readers = [first.reader, second.reader];
    const bus = new Bus();
    const events: OcrPayload[] = [];
    bus.on('ocr', (p) => events.push(p));
    const step = new OcrStep({
      config: configSchema.parse({}).ocr,
      catalog,
      hardware,
      logger: silent,
      openReader: async () => readers.shift()!,
    });
    const owner = ownerWith(step, bus, catalog, 'bench');
    const job: OcrJob = {
      recognitionId: null,
      at: 1,
      camera: 'c',
      slot: 'bench',
      image: { data: new Uint8Array(3), width: 1, height: 1, channels: 3 },
      region: { x: 0, y: 0, width: 1, height: 1 },
      visionBoardId: null,
    };
    first.failNext();
    owner.follow(job);
    await tick();
    first.release();
    await tick();
    expect(events[0]).toMatchObject({ lines: [], verdict: 'none', error: 'OCR thread exited (code 1)' });
    owner.follow(job);
    await tick();
    second.release();
    await tick();
    expect(events[1]).toMatchObject({ serial: 'HKYTZ2BBCJDJ0A2C3', error: null });
    await owner.stop();
  });

  it('a part number read off the board goes out with its facts, is stored, filters history and flags a chip type it contradicts', async () => {
    const catalog = tmp.open();
    // the visual match names an S19 XP board entered with a BM1366 chip; the silkscreen says BHB42601 (BM1362)
    const xp = catalog.createBoard({
      vendor: 'Bitmain',
      model: 'S19 XP',
      kind: 'hashboard',
      chipType: 'BM1366',
    });
    const id = catalog.insertRecognition({
      at: 1,
      camera: 'c',
      slot: 'bench',
      boardId: xp.id,
      score: 0.9,
      margin: 0.1,
      topk: [],
      modelId: 'm',
    }).id;
    const stub = stubReader(new Map([[2, ['PN:BHB4260I', 'SN:HKYTZ2BBCJDJ0A2C3']]]));
    const bus = new Bus();
    const events: OcrPayload[] = [];
    bus.on('ocr', (p) => events.push(p));
    const step = new OcrStep({
      config: configSchema.parse({}).ocr,
      catalog,
      hardware,
      logger: silent,
      openReader: async () => stub.reader,
    });
    const owner = ownerWith(step, bus, catalog, 'bench');
    owner.follow({
      recognitionId: id,
      at: 1,
      camera: 'c',
      slot: 'bench',
      image: { data: new Uint8Array(6), width: 2, height: 1, channels: 3 },
      region: { x: 0, y: 0, width: 1, height: 1 },
      visionBoardId: xp.id,
    });
    await tick();
    stub.release();
    await tick();
    // "BHB4260I": one look-alike (I for 1) and one family fits
    expect(events[0]?.partNumber).toMatchObject({
      code: 'BHB42601',
      read: 'BHB4260I',
      asicChip: 'BM1362',
      chipsPerBoard: 126,
      models: expect.arrayContaining(['Antminer S19j Pro']),
    });
    expect(events[0]?.partNumberConflict).toBe(true);
    expect(catalog.getRecognitionText(id)?.partNumber).toEqual(events[0]?.partNumber);
    expect(catalog.queryRecognitions({ part: 'bhb426', limit: 10, offset: 0 }).total).toBe(1);
    expect(catalog.queryRecognitions({ part: 'BHB42601', limit: 10, offset: 0 }).total).toBe(1);
    expect(catalog.queryRecognitions({ part: 'BHB425', limit: 10, offset: 0 }).total).toBe(0);
    expect(catalog.queryRecognitions({ part: 'HB426', limit: 10, offset: 0 }).total).toBe(0);
    await owner.stop();
  });
});
