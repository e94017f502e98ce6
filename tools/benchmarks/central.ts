import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pino } from 'pino';
import { CentralStore } from '../../src/catalog/central/store.ts';
import type { CentralRecognition } from '../../src/catalog/central/types.ts';
import { Catalog } from '../../src/catalog/index.ts';
import { CentralLink } from '../../src/central/link.ts';
import { postgresBinDir, TestPostgres } from '../central/cluster.ts';
import { row, skipped } from './sections.ts';
import { median, percentile, timeRuns } from './stats.ts';
import { type BenchmarkRow, ms, ratio } from './table.ts';

/** The simulated shop of the issue: 20 boxes x 4 cameras, one recognition per bench per minute. */
const BOXES = 20;
const CAMERAS = 4;
const SHOP_ROWS_PER_S = (BOXES * CAMERAS) / 60;
/** An offline box's backlog after 8 hours at that rate, with thumbnails as the daemon stores them. */
const BACKLOG_ROWS = 8 * 60 * CAMERAS;
const THUMBNAIL_BYTES = 6000;

function jpegLike(seed: number, size: number): Buffer {
  const b = randomBytes(size);
  b.set([0xff, 0xd8, 0xff, 0xe0], 0);
  b.writeUInt32BE(seed, 4);
  return b;
}

const vector = (seed: number) => Float32Array.from({ length: 384 }, (_, i) => Math.sin(seed * 31 + i));

async function until(check: () => boolean, what: string, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`central benchmark: timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface CentralPlan {
  propagationRuns: number;
  rowsPerBox: number;
}

/**
 * Central rows: a real PostgreSQL cluster of its own on this machine (fsync on), real SQLite catalogs and the
 * daemon's CentralLink (no camera, no encoder: the enrollment is a board with its reference and a
 * 384-float embedding written to box A's SQLite; box B has it when its link applied it).
 */
export async function centralSection(
  plan: CentralPlan,
  work: string,
  log: (line: string) => void,
): Promise<BenchmarkRow[]> {
  if (!postgresBinDir()) return [skipped('Central', 'PostgreSQL rows', 'postgresql not installed')];
  log('central: PostgreSQL cluster');
  const pg = await TestPostgres.create({ fsync: true });
  const url = pg.url();
  const logger = pino({ level: 'silent' });
  const stores: CentralStore[] = [];
  const links: CentralLink[] = [];
  const catalogs: Catalog[] = [];
  const connect = async (box: string) => {
    const s = await CentralStore.connect({ url, password: pg.password, box });
    stores.push(s);
    return s;
  };
  try {
    const admin = await connect('bench');
    await admin.migrate();
    const roundTrip = median(await timeRuns(50, () => admin.pendingDown(0)));
    const rows: BenchmarkRow[] = [];

    // Propagation: box A writes, its link is woken (the daemon wakes it on its own catalog event),
    // box B is woken by NOTIFY; its poll interval is a minute, so only the wake-up is measured.
    log('central: propagation');
    const open = (name: string) => {
      const c = Catalog.open(join(work, `central-${name}.db`));
      catalogs.push(c);
      return c;
    };
    const a = open('a');
    const b = open('b');
    let pulled = 0;
    const link = (box: string, catalog: Catalog, onPulled: () => void) => {
      const l = new CentralLink({
        config: { url, box, syncIntervalMs: 60_000, password: pg.password },
        catalog,
        logger,
        pulled: async () => onPulled(),
      });
      links.push(l);
      l.start();
      return l;
    };
    const linkA = link('box-a', a, () => undefined);
    link('box-b', b, () => pulled++);
    await until(() => links.every((l) => l.status().state === 'connected'), 'both boxes connect');
    const times: number[] = [];
    for (let i = 0; i < plan.propagationRuns; i++) {
      const before = pulled;
      const t0 = performance.now();
      const board = a.createBoard({ vendor: 'Bench', model: `Propagation ${i}`, kind: 'hashboard' });
      a.addReference(
        {
          boardId: board.id,
          image: jpegLike(i, 60_000),
          thumbnail: jpegLike(i, 6000),
          width: 640,
          height: 480,
          source: 'upload',
        },
        { modelId: 'bench-model', vector: vector(i) },
      );
      linkA.wake();
      await until(
        () => pulled > before && b.findBoard('Bench', `Propagation ${i}`) !== undefined,
        'box B has it',
      );
      times.push(performance.now() - t0);
    }
    const p50 = percentile(times, 50);
    const p95 = percentile(times, 95);
    rows.push(
      row(
        'Central',
        `propagation p50, enrollment on box A in box B's SQLite (${times.length} runs)`,
        ms(p50),
        `${ms(roundTrip)} query round trip`,
        ratio(p50 / roundTrip),
        'within seconds',
        p50 < 5000,
      ),
      row(
        'Central',
        'propagation p95',
        ms(p95),
        `${ms(roundTrip)} query round trip`,
        ratio(p95 / roundTrip),
        'within seconds',
        p95 < 5000,
      ),
    );

    // Write headroom: 20 boxes send history at once, each on its own connection, in outbox batches.
    log('central: write headroom');
    const boxes = await Promise.all(Array.from({ length: BOXES }, (_, i) => connect(`shop-${i}`)));
    const thumbnail = jpegLike(1, THUMBNAIL_BYTES);
    const batchOf = (
      box: string,
      from: number,
      n: number,
    ): { seq: number; entity: 'recognition'; recognition: CentralRecognition }[] =>
      Array.from({ length: n }, (_, k) => ({
        seq: from + k,
        entity: 'recognition',
        recognition: {
          box,
          localId: from + k,
          at: Date.now(),
          camera: `cam-${k % CAMERAS}`,
          slot: 'bench',
          board: { box, id: 1 },
          score: 0.97,
          margin: 0.2,
          topk: [{ board: { box, id: 1 }, score: 0.97 }],
          modelId: 'bench-model',
          thumbnail,
          text: null,
          verified: true,
          inliers: 120,
          outline: [
            [0.1, 0.1],
            [0.9, 0.1],
            [0.9, 0.9],
            [0.1, 0.9],
          ],
          // a verified hashboard is inspected: its counts go up with the row
          chipsExpected: 126,
          chipsFound: 126,
          chipsHidden: 0,
          defects: [],
        },
      }));
    const t0 = performance.now();
    await Promise.all(
      boxes.map(async (s, i) => {
        for (let from = 1; from <= plan.rowsPerBox; from += 50)
          await s.push(`shop-${i}`, batchOf(`shop-${i}`, from, 50));
      }),
    );
    const rowsPerS = (BOXES * plan.rowsPerBox) / ((performance.now() - t0) / 1000);
    rows.push(
      row(
        'Central',
        `write headroom: rows/s one PostgreSQL takes from ${BOXES} boxes at once`,
        `${rowsPerS.toFixed(0)} rows/s`,
        `${SHOP_ROWS_PER_S.toFixed(2)} rows/s sent by ${BOXES} x ${CAMERAS} cameras`,
        ratio(rowsPerS / SHOP_ROWS_PER_S),
        'above 1x',
        rowsPerS > SHOP_ROWS_PER_S,
      ),
    );

    // Catch-up: a box offline 8 hours (4 cameras, one recognition a minute each) comes back.
    log('central: 8-hour catch-up');
    const c = open('c');
    c.centralOutbox.link('box-c');
    const w0 = performance.now();
    c.transaction(() => {
      for (let i = 0; i < BACKLOG_ROWS; i++)
        c.insertRecognition({
          at: Date.now(),
          camera: `cam-${i % CAMERAS}`,
          slot: 'bench',
          boardId: null,
          score: 0.5,
          margin: 0.1,
          topk: [],
          modelId: 'bench-model',
          thumbnail: jpegLike(i, THUMBNAIL_BYTES),
        });
    });
    const writeMs = performance.now() - w0;
    const c0 = performance.now();
    link('box-c', c, () => undefined);
    await until(() => c.centralOutbox.pending() === 0, 'the backlog is sent');
    const catchUp = performance.now() - c0;
    rows.push(
      row(
        'Central',
        `8-hour catch-up: ${BACKLOG_ROWS} rows (${CAMERAS} cameras) sent after reconnecting`,
        ms(catchUp),
        `${ms(writeMs)} writing them to SQLite`,
        ratio(catchUp / writeMs),
        '',
      ),
    );
    return rows;
  } finally {
    for (const l of links) await l.stop();
    for (const s of stores) await s.close();
    for (const c of catalogs) c.close();
    await pg.dispose();
  }
}
