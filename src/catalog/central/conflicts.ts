import type { CentralClient } from './connection.ts';

/** One version of a field that lost to another, and the version kept: a row of board_conflicts. */
export interface ConflictRow {
  origin: { box: string; id: number };
  field: string;
  kept: { value: unknown; box: string; at: unknown };
  other: { value: unknown; box: string; at: unknown };
}

/**
 * Keeps a conflict once: a batch sent again (a crash before the box heard the commit) finds its
 * conflict already there.
 */
export async function keepConflict(client: CentralClient, c: ConflictRow): Promise<void> {
  await client.query(
    `INSERT INTO board_conflicts (origin_box, origin_id, field, kept, kept_box, kept_at, other, other_box, other_at)
     SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9 WHERE NOT EXISTS (SELECT 1 FROM board_conflicts
       WHERE origin_box = $1 AND origin_id = $2 AND field = $3 AND kept_box = $5 AND kept_at = $6
         AND other_box = $8 AND other_at = $9)`,
    [
      c.origin.box,
      c.origin.id,
      c.field,
      JSON.stringify(c.kept.value),
      c.kept.box,
      c.kept.at,
      JSON.stringify(c.other.value),
      c.other.box,
      c.other.at,
    ],
  );
}
