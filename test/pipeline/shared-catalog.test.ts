import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/index.ts';
import { PACKAGE_ROOT } from '../../src/config/load.ts';
import { configSchema } from '../../src/config/schema.ts';
import { Daemon } from '../../src/main.ts';
import type { RecognizedPayload } from '../../src/protocol.ts';
import { DATABASE_FILE } from '../../src/runtime.ts';
import { pattern, TINY_MODEL, tempDir, until, writeFrames } from '../helpers/daemon.ts';

const run = promisify(execFile);
const BIN = join(PACKAGE_ROOT, 'scripts', 'benchsight.mjs');
const POLL = { timeout: 30_000, interval: 50 };

interface LogLine {
  level: number;
  msg: string;
}

/** A daemon (tiny model, folder replay) whose log lines are kept, with board A enrolled from `boardA`. */
async function startDaemon(frames: string, boardA: Buffer, fps = 10) {
  const logs: LogLine[] = [];
  const dataDir = tempDir('bs-shared-');
  const config = configSchema.parse({
    camera: { source: { kind: 'folder', path: frames, fps } },
    model: { name: TINY_MODEL },
    gate: { stableFrames: 1 },
    match: { threshold: 0.995, minMargin: 0, smoothing: 1 },
    server: { port: 0 },
    data: { dir: dataDir },
    ocr: { enabled: false },
  });
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line) as LogLine) });
  const daemon = new Daemon(config, { logger });
  await daemon.start();
  const { board } = await daemon.editor!.addBoard(
    { vendor: 'Bitmain', model: 'S19j Pro', kind: 'hashboard' },
    [{ bytes: boardA, source: 'upload', detail: 'a.jpg' }],
  );
  const recognized: RecognizedPayload[] = [];
  daemon.bus.on('recognized', (p) => recognized.push(p));
  return { daemon, dataDir, logs, board, recognized, dbPath: join(dataDir, DATABASE_FILE) };
}

type Started = Awaited<ReturnType<typeof startDaemon>>;

/** Frames the camera delivered so far: waits are counted in frames, never in wall-clock time. */
const captured = (d: Daemon) => d.pipeline!.status().frames.captured;

describe('issue 20, item 7: a second process writing to the same catalog (tiny ViT, folder replay, SQLite)', () => {
  let s: Started;

  beforeAll(async () => {
    const boardA = await pattern(31);
    const frames = tempDir('bs-frames-');
    writeFrames(frames, [boardA], 4);
    s = await startDaemon(frames, boardA);
    await until(() => s.recognized.some((r) => r.board?.id === s.board.id), 'board A is recognized');
  });

  afterAll(async () => {
    await s?.daemon.stop();
  });

  it('history written by another process (a second camera) reloads nothing and records nothing again', async () => {
    const catalogEvents: unknown[] = [];
    const off = s.daemon.bus.on('catalog', (p) => catalogEvents.push(p));
    const before = s.recognized.length;
    const other = Catalog.open(s.dbPath);
    for (let i = 0; i < 3; i++) {
      other.insertRecognition({
        at: Date.now(),
        camera: 'bench-2',
        slot: 'bench',
        boardId: s.board.id,
        score: 0.99,
        margin: 0.5,
        topk: [],
        modelId: 'm',
      });
    }
    other.close();
    // 30 frames: the old two-second poll of SQLite's data_version would have fired meanwhile
    const start = captured(s.daemon);
    await expect.poll(() => captured(s.daemon) - start, POLL).toBeGreaterThanOrEqual(30);
    off();
    expect(catalogEvents).toEqual([]);
    expect(s.recognized.length).toBe(before);
    expect(s.logs.filter((l) => l.msg.includes('index reloaded'))).toEqual([]);
  });

  it('a catalog change by another process is loaded, and the slot whose board is still there keeps it', async () => {
    const before = s.recognized.length;
    const reloaded = new Promise<void>((resolve) => {
      const off = s.daemon.bus.on('catalog', () => {
        off();
        resolve();
      });
    });
    const other = Catalog.open(s.dbPath);
    const psu = other.createBoard({ vendor: 'Bitmain', model: 'APW12', kind: 'psu' });
    other.close();
    await reloaded;
    expect(s.daemon.pipeline!.recognizer.board(psu.id)?.model).toBe('APW12');
    // the bench is looked at again (encoded anew) and still shows board A: no second recognition
    let encoded = 0;
    const off = s.daemon.pipeline!.onFrameDone(() => encoded++);
    await expect.poll(() => encoded, POLL).toBeGreaterThanOrEqual(1);
    off();
    expect(s.recognized.length).toBe(before);
    expect(s.daemon.pipeline!.slotViews()[0]).toMatchObject({
      state: 'recognized',
      board: { id: s.board.id },
    });
  });
});

describe('issue 20, item 11: `benchsight catalog remove` while the daemon runs (real CLI process)', () => {
  let s: Started;

  beforeAll(async () => {
    const boardA = await pattern(41);
    const frames = tempDir('bs-frames-');
    // board A comes and goes, three times a second (the empty bench is enrolled): every appearance is
    // a recognition, so one made before the removal reached the daemon would be seen
    const emptyBench = await pattern(42);
    writeFrames(frames, [boardA, emptyBench], 3);
    s = await startDaemon(frames, boardA, 20);
    await s.daemon.editor!.addBoard({ vendor: 'Bench', model: 'empty', kind: 'empty-bench' }, [
      { bytes: emptyBench, source: 'upload', detail: 'empty.jpg' },
    ]);
    await until(() => s.recognized.some((r) => r.board?.id === s.board.id), 'board A is recognized');
  });

  afterAll(async () => {
    await s?.daemon.stop();
  });

  it('takes effect at once: no frame captured after the command returned is recognized as the removed board', async () => {
    const { stdout } = await run(
      process.execPath,
      [BIN, '--data-dir', s.dataDir, 'catalog', 'remove', String(s.board.id)],
      {
        env: { ...process.env, BENCHSIGHT_MODEL: TINY_MODEL, BENCHSIGHT_LOG_LEVEL: 'error' },
        timeout: 120_000,
      },
    );
    const removedAt = Date.now();
    expect(stdout).toContain(`removed board ${s.board.id}`);
    // the same picture comes round again, captured after the removal: it is an unknown board now
    await expect
      .poll(() => s.recognized.filter((r) => r.at > removedAt && r.board === null).length, POLL)
      .toBeGreaterThanOrEqual(3);
    expect(s.recognized.filter((r) => r.at > removedAt && r.board !== null)).toEqual([]);
    expect(s.logs.filter((l) => l.level >= 50)).toEqual([]);
    // and the history still names the board it recognized before
    const res = await fetch(`http://127.0.0.1:${s.daemon.port}/api/recognitions?limit=100`);
    const page = (await res.json()) as {
      items: { boardId: number | null; board: { model: string; removedAt: number | null } | null }[];
    };
    const named = page.items.filter((r) => r.boardId === s.board.id);
    expect(named.length).toBeGreaterThan(0);
    expect(named[0]?.board).toMatchObject({ model: 'S19j Pro', removedAt: expect.any(Number) });
  });
});
