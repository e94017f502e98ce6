import type { Statement } from 'better-sqlite3';
import { BenchsightError } from '../errors.ts';
import type { Database } from './db.ts';
import type { EmbeddingModelInfo, EmbeddingSet } from './types.ts';
import { assertText } from './validate.ts';
import { assertVector, copyVectorInto, decodeVector, encodeVector } from './vectors.ts';

type EmbeddingTuple = [referenceId: number, boardId: number, vector: Buffer];

export class EmbeddingRepository {
  private readonly upsert: Statement<[number, string, number, Buffer]>;
  private readonly selectOtherDim: Statement<[string, number], number>;
  private readonly selectOne: Statement<[number, string], Buffer>;
  private readonly selectCount: Statement<[string], number>;
  private readonly selectShape: Statement<
    [string],
    { n: number; minDim: number | null; maxDim: number | null }
  >;
  private readonly selectSet: Statement<[string], EmbeddingTuple>;
  private readonly selectMissing: Statement<[string], number>;
  private readonly deleteModel: Statement<[string]>;
  private readonly selectModels: Statement<[], { modelId: string; dim: number; count: number }>;

  constructor(private readonly db: Database) {
    this.upsert = db.prepare(
      `INSERT INTO embeddings (reference_id, model_id, dim, vector) VALUES (?, ?, ?, ?)
       ON CONFLICT (reference_id, model_id) DO UPDATE SET dim = excluded.dim, vector = excluded.vector`,
    );
    this.selectOtherDim = db
      .prepare<[string, number], number>(
        'SELECT dim FROM embeddings WHERE model_id = ? AND reference_id <> ? LIMIT 1',
      )
      .pluck();
    this.selectOne = db
      .prepare<[number, string], Buffer>(
        'SELECT vector FROM embeddings WHERE reference_id = ? AND model_id = ?',
      )
      .pluck();
    this.selectCount = db
      .prepare<[string], number>('SELECT count(*) FROM embeddings WHERE model_id = ?')
      .pluck();
    this.selectShape = db.prepare(
      'SELECT count(*) AS n, min(dim) AS minDim, max(dim) AS maxDim FROM embeddings WHERE model_id = ?',
    );
    this.selectSet = db
      .prepare<[string], EmbeddingTuple>(
        `SELECT e.reference_id, r.board_id, e.vector
         FROM embeddings e JOIN board_references r ON r.id = e.reference_id
         WHERE e.model_id = ? ORDER BY e.reference_id`,
      )
      .raw(true);
    this.selectMissing = db
      .prepare<[string], number>(
        `SELECT r.id FROM board_references r
         WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.reference_id = r.id AND e.model_id = ?)
         ORDER BY r.id`,
      )
      .pluck();
    this.deleteModel = db.prepare('DELETE FROM embeddings WHERE model_id = ?');
    this.selectModels = db.prepare(
      `SELECT model_id AS modelId, max(dim) AS dim, count(*) AS count
       FROM embeddings GROUP BY model_id ORDER BY model_id`,
    );
  }

  /** Stores (or replaces) a reference's vector for one model; every vector of a model has the same length. */
  put(referenceId: number, modelId: string, vector: Float32Array): void {
    assertText(modelId, 'embedding model id');
    assertVector(vector);
    const dim = this.selectOtherDim.get(modelId, referenceId);
    if (dim !== undefined && dim !== vector.length) {
      throw new BenchsightError(
        'E_CONFLICT',
        `model ${modelId} stores ${dim}-dimensional embeddings but this one has ${vector.length}; ` +
          'use a new model id for a different encoder, or delete the old embeddings first',
        { status: 409 },
      );
    }
    this.upsert.run(referenceId, modelId, vector.length, encodeVector(vector));
  }

  get(referenceId: number, modelId: string): Float32Array | undefined {
    const bytes = this.selectOne.get(referenceId, modelId);
    return bytes && decodeVector(bytes);
  }

  /** One read transaction: count, allocate the matrix once, copy each vector's bytes into its row. */
  load(modelId: string): EmbeddingSet {
    return this.db.transaction((): EmbeddingSet => {
      const shape = this.selectShape.get(modelId)!;
      if (shape.minDim !== shape.maxDim) {
        throw new BenchsightError(
          'E_CONFLICT',
          `model ${modelId} has embeddings of ${shape.minDim} and ${shape.maxDim} dimensions; ` +
            `re-enroll its references (delete the embeddings of ${modelId} and recompute them)`,
          { status: 409 },
        );
      }
      const n = shape.n;
      const dim = shape.maxDim ?? 0;
      const referenceIds = new Int32Array(n);
      const boardIds = new Int32Array(n);
      const matrix = new Float32Array(n * dim);
      let i = 0;
      for (const [referenceId, boardId, vector] of this.selectSet.iterate(modelId)) {
        referenceIds[i] = referenceId;
        boardIds[i] = boardId;
        copyVectorInto(vector, matrix, i * dim, dim);
        i++;
      }
      return { modelId, dim, referenceIds, boardIds, matrix };
    })();
  }

  referencesWithout(modelId: string): number[] {
    return this.selectMissing.all(modelId);
  }

  count(modelId: string): number {
    return this.selectCount.get(modelId)!;
  }

  deleteForModel(modelId: string): number {
    return this.deleteModel.run(modelId).changes;
  }

  models(): EmbeddingModelInfo[] {
    return this.selectModels.all();
  }
}
