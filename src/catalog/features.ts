import type { Statement } from 'better-sqlite3';
import type { Database } from './db.ts';

/** A reference's stored features, as bytes: decoding and checking them is the verifier's business. */
export interface StoredFeatures {
  width: number;
  height: number;
  keypoints: Buffer;
  descriptors: Buffer;
}

export class FeatureRepository {
  private readonly upsert: Statement<Record<string, unknown>>;
  private readonly selectOne: Statement<[number, string], StoredFeatures>;
  private readonly selectMissing: Statement<[string], number>;
  private readonly deleteOne: Statement<[number, string]>;
  private readonly selectCounts: Statement<[number, string], { referenceId: number; keypoints: number }>;

  constructor(db: Database) {
    this.upsert = db.prepare(
      `INSERT INTO reference_features (reference_id, config, width, height, keypoints, descriptors)
       VALUES (@referenceId, @config, @width, @height, @keypoints, @descriptors)
       ON CONFLICT (reference_id, config) DO UPDATE SET width = excluded.width, height = excluded.height,
         keypoints = excluded.keypoints, descriptors = excluded.descriptors`,
    );
    this.selectOne = db.prepare(
      'SELECT width, height, keypoints, descriptors FROM reference_features WHERE reference_id = ? AND config = ?',
    );
    this.selectMissing = db
      .prepare<[string], number>(
        `SELECT r.id FROM board_references r
         WHERE NOT EXISTS (SELECT 1 FROM reference_features f WHERE f.reference_id = r.id AND f.config = ?)
         ORDER BY r.id`,
      )
      .pluck();
    this.deleteOne = db.prepare('DELETE FROM reference_features WHERE reference_id = ? AND config = ?');
    // 8 bytes (float32 x, y) per keypoint: counted without reading the descriptors
    this.selectCounts = db.prepare(
      `SELECT f.reference_id AS referenceId, length(f.keypoints) / 8 AS keypoints
       FROM reference_features f JOIN board_references r ON r.id = f.reference_id
       WHERE r.board_id = ? AND f.config = ?`,
    );
  }

  put(referenceId: number, config: string, f: StoredFeatures): void {
    this.upsert.run({ referenceId, config, ...f });
  }

  get(referenceId: number, config: string): StoredFeatures | undefined {
    return this.selectOne.get(referenceId, config);
  }

  referencesWithout(config: string): number[] {
    return this.selectMissing.all(config);
  }

  /** Keypoints per reference of a board that has features of this configuration. */
  countsForBoard(boardId: number, config: string): Map<number, number> {
    return new Map(this.selectCounts.all(boardId, config).map((r) => [r.referenceId, r.keypoints]));
  }

  delete(referenceId: number, config: string): void {
    this.deleteOne.run(referenceId, config);
  }
}
