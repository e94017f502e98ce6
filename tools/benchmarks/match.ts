import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { EmbeddingIndex } from '../../src/match/embedding-index.ts';
import { median, randomUnitVectors, timeRuns } from './stats.ts';

export interface MatchResult {
  references: number;
  boards: number;
  dim: number;
  k: number;
  /** Median ms of EmbeddingIndex.searchBoards (top-k boards, best reference each). */
  oursMs: number;
  /** Median ms of sqlite-vec's brute-force KNN (vec0 table, cosine, top-k references). */
  sqliteVecMs: number;
  /** Bytes of float32 embeddings a query must read. */
  bytes: number;
  /** bytes / copy bandwidth: the time merely reading them would take. */
  floorMs: number;
  /** Whether the best board's best reference is sqlite-vec's nearest reference (a sanity check). */
  agrees: boolean;
}

/**
 * Copy bandwidth in bytes per second: Float32Array.prototype.set (memcpy) between two buffers far
 * larger than the caches; median of `runs`. A scan reads each byte once; a copy reads and writes
 * it, so a scan may run faster than this "floor".
 */
export function copyBandwidth(bytes = 256 * 2 ** 20, runs = 7): number {
  const src = new Float32Array(bytes / 4).fill(1);
  const dst = new Float32Array(bytes / 4).fill(0);
  const times: number[] = [];
  dst.set(src);
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    dst.set(src);
    times.push(performance.now() - t0);
  }
  return bytes / (median(times) / 1000);
}

function sqliteVecKnn(matrix: Float32Array, rows: number, dim: number, k: number) {
  const db = new Database(':memory:');
  sqliteVec.load(db);
  db.exec(`CREATE VIRTUAL TABLE refs USING vec0(embedding float[${dim}] distance_metric=cosine)`);
  const insert = db.prepare('INSERT INTO refs(rowid, embedding) VALUES (?, ?)');
  db.transaction(() => {
    for (let r = 0; r < rows; r++) {
      const v = matrix.subarray(r * dim, (r + 1) * dim);
      insert.run(BigInt(r), Buffer.from(v.buffer, v.byteOffset, v.byteLength));
    }
  })();
  const knn = db.prepare('SELECT rowid, distance FROM refs WHERE embedding MATCH ? AND k = ?');
  return {
    query: (q: Float32Array) =>
      knn.all(Buffer.from(q.buffer, q.byteOffset, q.byteLength), k) as { rowid: number; distance: number }[],
    close: () => db.close(),
  };
}

/**
 * Top-k latency against catalog size: random unit vectors, `perBoard` references per board, the
 * same queries for each contender.
 */
export async function benchmarkMatch(
  sizes: number[],
  opts: { dim: number; k: number; queries: number; perBoard: number; bandwidth: number },
): Promise<MatchResult[]> {
  const { dim, k } = opts;
  const queries = randomUnitVectors(opts.queries, dim, 7);
  const results: MatchResult[] = [];
  for (const rows of sizes) {
    const matrix = randomUnitVectors(rows, dim, rows);
    const boards = Math.max(1, Math.round(rows / opts.perBoard));
    const refIds = Int32Array.from({ length: rows }, (_, i) => i);
    const boardIds = Int32Array.from({ length: rows }, (_, i) => i % boards);
    const index = new EmbeddingIndex(dim);
    index.load(refIds, boardIds, matrix);
    const peer = sqliteVecKnn(matrix, rows, dim, k);
    try {
      let qi = 0;
      const next = () => {
        const at = qi++ % opts.queries;
        return queries.subarray(at * dim, (at + 1) * dim);
      };
      const ours = await timeRuns(opts.queries, () => index.searchBoards(next(), k));
      qi = 0;
      const theirs = await timeRuns(opts.queries, () => peer.query(next()));
      const q0 = queries.subarray(0, dim);
      const agrees = index.searchBoards(q0, k)[0]?.referenceId === peer.query(q0)[0]?.rowid;
      const bytes = rows * dim * 4;
      results.push({
        references: rows,
        boards,
        dim,
        k,
        oursMs: median(ours),
        sqliteVecMs: median(theirs),
        bytes,
        floorMs: (bytes / opts.bandwidth) * 1000,
        agrees,
      });
    } finally {
      peer.close();
    }
  }
  return results;
}
