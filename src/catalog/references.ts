import { createHash } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { Database } from './db.ts';
import { type NewReference, REFERENCE_SOURCES, type Reference, type ReferenceSource } from './types.ts';
import { assertJpeg, assertPositiveInt, badRequest } from './validate.ts';

interface ReferenceRow {
  id: number;
  board_id: number;
  width: number;
  height: number;
  source: string;
  source_detail: string | null;
  sha256: string;
  created_at: number;
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const COLUMNS = 'id, board_id, width, height, source, source_detail, sha256, created_at';

function toReference(row: ReferenceRow): Reference {
  return {
    id: row.id,
    boardId: row.board_id,
    width: row.width,
    height: row.height,
    source: row.source as ReferenceSource,
    sourceDetail: row.source_detail,
    sha256: row.sha256,
    createdAt: row.created_at,
  };
}

export class ReferenceRepository {
  private readonly insertRow: Statement<Record<string, unknown>, ReferenceRow>;
  private readonly selectById: Statement<[number], ReferenceRow>;
  private readonly selectByBoard: Statement<[number], ReferenceRow>;
  private readonly selectBySha: Statement<[string], ReferenceRow>;
  private readonly selectImage: Statement<[number], Buffer>;
  private readonly selectThumbnail: Statement<[number], Buffer>;
  private readonly deleteRow: Statement<[number], ReferenceRow>;

  constructor(
    db: Database,
    private readonly now: () => number,
  ) {
    this.insertRow = db.prepare(
      // ids are never reused (migration 010): a deleted reference's id stays its name shop-wide
      `INSERT INTO board_references
         (id, board_id, image, thumbnail, width, height, source, source_detail, sha256, created_at)
       VALUES ((SELECT last + 1 FROM reference_id_watermark), @boardId, @image, @thumbnail, @width, @height,
         @source, @sourceDetail, @sha256, @now)
       RETURNING ${COLUMNS}`,
    );
    this.selectById = db.prepare(`SELECT ${COLUMNS} FROM board_references WHERE id = ?`);
    this.selectByBoard = db.prepare(`SELECT ${COLUMNS} FROM board_references WHERE board_id = ? ORDER BY id`);
    this.selectBySha = db.prepare(`SELECT ${COLUMNS} FROM board_references WHERE sha256 = ? ORDER BY id`);
    this.selectImage = db
      .prepare<[number], Buffer>('SELECT image FROM board_references WHERE id = ?')
      .pluck();
    this.selectThumbnail = db
      .prepare<[number], Buffer>('SELECT thumbnail FROM board_references WHERE id = ?')
      .pluck();
    this.deleteRow = db.prepare(`DELETE FROM board_references WHERE id = ? RETURNING ${COLUMNS}`);
  }

  /** Callers check the board exists first, to report E_NOT_FOUND rather than a foreign key failure. */
  insert(ref: NewReference): Reference {
    assertJpeg(ref.image, 'reference image');
    assertJpeg(ref.thumbnail, 'reference thumbnail');
    assertPositiveInt(ref.width, 'reference width');
    assertPositiveInt(ref.height, 'reference height');
    if (!REFERENCE_SOURCES.includes(ref.source)) {
      throw badRequest(`reference source must be one of ${REFERENCE_SOURCES.join(', ')}, got ${ref.source}`);
    }
    const row = this.insertRow.get({
      boardId: ref.boardId,
      image: ref.image,
      thumbnail: ref.thumbnail,
      width: ref.width,
      height: ref.height,
      source: ref.source,
      sourceDetail: ref.sourceDetail ?? null,
      sha256: sha256Hex(ref.image),
      now: this.now(),
    });
    return toReference(row!);
  }

  get(id: number): Reference | undefined {
    const row = this.selectById.get(id);
    return row && toReference(row);
  }

  listForBoard(boardId: number): Reference[] {
    return this.selectByBoard.all(boardId).map(toReference);
  }

  /** References whose image has this SHA-256 (hex), on any board. */
  findBySha256(sha256: string): Reference[] {
    return this.selectBySha.all(sha256.toLowerCase()).map(toReference);
  }

  image(id: number): Buffer | undefined {
    return this.selectImage.get(id);
  }

  thumbnail(id: number): Buffer | undefined {
    return this.selectThumbnail.get(id);
  }

  /** Deletes the reference and, by cascade, its embeddings. */
  delete(id: number): Reference | undefined {
    const row = this.deleteRow.get(id);
    return row && toReference(row);
  }
}
