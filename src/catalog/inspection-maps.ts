import type { Statement } from 'better-sqlite3';
import { z } from 'zod';
import { type InspectionMapJson, type InspectionRegion, REGION_KINDS } from '../protocol.ts';
import type { Database } from './db.ts';

/** The most regions one map holds (a 252-chip board with its parts fits many times over). */
export const MAX_REGIONS = 2000;
/** A box side below this fraction of the reference is no region (a stray click). */
const MIN_SIDE = 1e-4;

const fraction = z.number().finite();

/** A box in fractions of the reference: inside it, and not of zero size. */
export const regionBoxSchema = z
  .object({ x: fraction, y: fraction, width: fraction, height: fraction })
  .strict()
  .check((ctx) => {
    const b = ctx.value;
    if (!(b.width >= MIN_SIDE && b.height >= MIN_SIDE)) {
      ctx.issues.push({
        code: 'custom',
        input: b,
        message: 'the box has zero size: width and height must be above 0 (fractions of the reference)',
      });
    } else if (b.x < 0 || b.y < 0 || b.x + b.width > 1 + 1e-6 || b.y + b.height > 1 + 1e-6) {
      ctx.issues.push({
        code: 'custom',
        input: b,
        message:
          'the box falls outside the reference: x, y, x + width and y + height must lie between 0 and 1 (fractions of the reference)',
      });
    }
  });

export const inspectionRegionSchema = z
  .object({
    id: z.number().int().min(1).max(1_000_000),
    kind: z.enum(REGION_KINDS, { error: `kind must be one of ${REGION_KINDS.join(', ')}` }),
    label: z.string().trim().min(1, 'label must not be empty').max(80, 'label must be at most 80 characters'),
    box: regionBoxSchema,
  })
  .strict();

/** PUT /api/boards/:id/inspection-map: the one definition of a valid map. */
export const inspectionMapSchema = z
  .object({
    referenceId: z.number().int().min(1),
    regions: z.array(inspectionRegionSchema).max(MAX_REGIONS, `at most ${MAX_REGIONS} regions`),
  })
  .strict()
  .check((ctx) => {
    const seen = new Set<number>();
    for (const [i, r] of ctx.value.regions.entries()) {
      if (seen.has(r.id)) {
        ctx.issues.push({
          code: 'custom',
          input: r.id,
          path: ['regions', i, 'id'],
          message: `region id ${r.id} appears twice: every region needs its own id`,
        });
      }
      seen.add(r.id);
    }
  });

export type InspectionMapInput = z.infer<typeof inspectionMapSchema>;

interface Row {
  board_id: number;
  reference_id: number;
  regions: string;
  updated_at: number;
}

export class InspectionMapRepository {
  private readonly selectOne: Statement<[number], Row>;
  private readonly upsert: Statement<[number, number, string, number]>;
  private readonly deleteOne: Statement<[number]>;

  constructor(db: Database) {
    this.selectOne = db.prepare('SELECT * FROM inspection_maps WHERE board_id = ?');
    this.upsert = db.prepare(
      `INSERT INTO inspection_maps (board_id, reference_id, regions, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (board_id) DO UPDATE SET reference_id = excluded.reference_id,
         regions = excluded.regions, updated_at = excluded.updated_at`,
    );
    this.deleteOne = db.prepare('DELETE FROM inspection_maps WHERE board_id = ?');
  }

  get(boardId: number): InspectionMapJson | undefined {
    const row = this.selectOne.get(boardId);
    if (!row) return undefined;
    return {
      boardId: row.board_id,
      referenceId: row.reference_id,
      regions: JSON.parse(row.regions) as InspectionRegion[],
      updatedAt: row.updated_at,
    };
  }

  put(boardId: number, map: InspectionMapInput, now: number): void {
    this.upsert.run(boardId, map.referenceId, JSON.stringify(map.regions), now);
  }

  delete(boardId: number): boolean {
    return this.deleteOne.run(boardId).changes > 0;
  }
}
