import { type FieldStamps, mergeBoard } from './board-merge.ts';
import { keepConflict } from './conflicts.ts';
import type { CentralClient } from './connection.ts';
import { deleteMapsOfReference, pushInspectionMap } from './inspection.ts';
import type { BoardFields, CentralBoard, CentralRecognition, OutboundChange } from './types.ts';
import { pushUnitChange } from './units.ts';

/** Catalog writers take this lock, so revisions become visible in the order they were taken. */
export const CATALOG_LOCK = "hashtext('benchsight central catalog')";
export const CATALOG_CHANNEL = 'benchsight_catalog';

interface BoardRow {
  vendor: string;
  model: string;
  kind: BoardFields['kind'];
  chip_type: string | null;
  chip_count: number | null;
  notes: string;
  tags: string[];
  text_pattern: string | null;
  removed_at: number | null;
  field_at: FieldStamps;
}

/**
 * Sends one batch of a box's outbox in one transaction: all of it is stored, or none. Every write is
 * keyed (history by box and local id, the catalog by the box that made a row and its id there), so a
 * batch sent again after a crash before the box heard the commit stores nothing twice. Boxes waiting
 * for catalog changes are woken with NOTIFY (delivered at commit).
 */
export async function pushChanges(
  client: CentralClient,
  box: string,
  changes: readonly OutboundChange[],
): Promise<void> {
  if (changes.length === 0) return;
  // history (recognitions, unit links) takes no revision; the rest is the shop's catalog
  const catalog = changes.some((c) => c.entity !== 'recognition' && c.entity !== 'unit-link');
  await client.query('BEGIN');
  try {
    if (catalog) await client.query(`SELECT pg_advisory_xact_lock(${CATALOG_LOCK})`);
    await client.query(
      'INSERT INTO boxes (box) VALUES ($1) ON CONFLICT (box) DO UPDATE SET last_seen = now()',
      [box],
    );
    for (const c of changes) {
      if (c.entity === 'recognition') await pushRecognition(client, c.recognition);
      else if (c.entity === 'board') await pushBoard(client, box, c.board, c.before);
      else if (c.entity === 'reference') {
        const r = c.reference;
        await client.query(
          `INSERT INTO board_references (origin_box, origin_id, board_origin_box, board_origin_id, image, thumbnail,
             width, height, source, source_detail, sha256, created_at, rev, changed_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, nextval('catalog_rev'), $13)
           ON CONFLICT (origin_box, origin_id) DO NOTHING`,
          [
            r.key.box,
            r.key.id,
            r.board.box,
            r.board.id,
            r.image,
            r.thumbnail,
            r.width,
            r.height,
            r.source,
            r.sourceDetail,
            r.sha256,
            r.createdAt,
            box,
          ],
        );
      } else if (c.entity === 'reference-deleted') {
        await client.query(
          `UPDATE board_references SET deleted_at = $3, rev = nextval('catalog_rev'), changed_by = $4
           WHERE origin_box = $1 AND origin_id = $2 AND deleted_at IS NULL`,
          [c.key.box, c.key.id, c.at, box],
        );
        await deleteMapsOfReference(client, box, c.key, c.at);
      } else if (c.entity === 'inspection-map') {
        await pushInspectionMap(client, box, c.inspectionMap, c.before);
      } else if (c.entity === 'embedding') {
        const e = c.embedding;
        // one vector per reference and model: the first one stored is the shop's (the same model
        // gives the same vector on every box), so a box never re-embeds what another box did
        await client.query(
          `INSERT INTO embeddings (ref_origin_box, ref_origin_id, model_id, dim, vector, rev, changed_by)
           VALUES ($1, $2, $3, $4, $5, nextval('catalog_rev'), $6)
           ON CONFLICT (ref_origin_box, ref_origin_id, model_id) DO NOTHING`,
          [e.reference.box, e.reference.id, e.modelId, e.dim, e.vector, box],
        );
      } else await pushUnitChange(client, box, c);
    }
    if (catalog) await client.query('SELECT pg_notify($1, $2)', [CATALOG_CHANNEL, box]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

async function pushRecognition(client: CentralClient, r: CentralRecognition): Promise<void> {
  // The row is inserted once; a resend changes nothing, and a later send of the same row (OCR moved
  // it to another board, its text was read, or it was inspected) brings those facts up to date.
  await client.query(
    `INSERT INTO recognitions (box, local_id, at, camera, slot, board_origin_box, board_origin_id, score, margin,
       topk, model_id, thumbnail, text, verified, inliers, outline, chips_expected, chips_found, chips_hidden, defects)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
     ON CONFLICT (box, local_id) DO UPDATE SET board_origin_box = EXCLUDED.board_origin_box,
       board_origin_id = EXCLUDED.board_origin_id, text = EXCLUDED.text,
       chips_expected = EXCLUDED.chips_expected, chips_found = EXCLUDED.chips_found,
       chips_hidden = EXCLUDED.chips_hidden, defects = EXCLUDED.defects
     WHERE (recognitions.board_origin_box, recognitions.board_origin_id, recognitions.text, recognitions.chips_expected,
         recognitions.chips_found, recognitions.chips_hidden, recognitions.defects)
       IS DISTINCT FROM (EXCLUDED.board_origin_box, EXCLUDED.board_origin_id, EXCLUDED.text, EXCLUDED.chips_expected,
         EXCLUDED.chips_found, EXCLUDED.chips_hidden, EXCLUDED.defects)`,
    [
      r.box,
      r.localId,
      r.at,
      r.camera,
      r.slot,
      r.board?.box ?? null,
      r.board?.id ?? null,
      r.score,
      r.margin,
      JSON.stringify(r.topk),
      r.modelId,
      r.thumbnail,
      r.text === null ? null : JSON.stringify(r.text),
      r.verified,
      r.inliers,
      r.outline === null ? null : JSON.stringify(r.outline),
      r.chipsExpected,
      r.chipsFound,
      r.chipsHidden,
      r.defects === null ? null : JSON.stringify(r.defects),
    ],
  );
}

async function pushBoard(
  client: CentralClient,
  box: string,
  edit: CentralBoard,
  before: BoardFields | null,
): Promise<void> {
  const { rows } = await client.query<BoardRow>(
    `SELECT vendor, model, kind, chip_type, chip_count, notes, tags, text_pattern, removed_at, field_at
     FROM boards WHERE origin_box = $1 AND origin_id = $2 FOR UPDATE`,
    [edit.key.box, edit.key.id],
  );
  const row = rows[0];
  const stored = row
    ? {
        fields: {
          vendor: row.vendor,
          model: row.model,
          kind: row.kind,
          chipType: row.chip_type,
          chipCount: row.chip_count,
          notes: row.notes,
          tags: row.tags,
          textPattern: row.text_pattern,
          removedAt: row.removed_at,
        },
        stamps: row.field_at,
      }
    : null;
  const merged = mergeBoard(stored, edit, before, box);
  for (const c of merged.conflicts) {
    await keepConflict(client, {
      origin: edit.key,
      field: c.field,
      kept: { value: c.kept, box: c.keptBy.box, at: c.keptBy.at },
      other: { value: c.other, box: c.otherBy.box, at: c.otherBy.at },
    });
  }
  // Stored with a new revision even when nothing changed: the box skipped pulling this board while
  // its edit waited to be sent, and must get the merged board back.
  const f = merged.fields;
  await client.query(
    `INSERT INTO boards (origin_box, origin_id, vendor, model, kind, chip_type, chip_count, notes, tags, text_pattern,
       created_at, removed_at, field_at, rev, changed_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, nextval('catalog_rev'), $14)
     ON CONFLICT (origin_box, origin_id) DO UPDATE SET vendor = EXCLUDED.vendor, model = EXCLUDED.model,
       kind = EXCLUDED.kind, chip_type = EXCLUDED.chip_type, chip_count = EXCLUDED.chip_count,
       notes = EXCLUDED.notes, tags = EXCLUDED.tags, text_pattern = EXCLUDED.text_pattern,
       removed_at = EXCLUDED.removed_at, field_at = EXCLUDED.field_at, rev = EXCLUDED.rev,
       changed_by = EXCLUDED.changed_by`,
    [
      edit.key.box,
      edit.key.id,
      f.vendor,
      f.model,
      f.kind,
      f.chipType,
      f.chipCount,
      f.notes,
      JSON.stringify(f.tags),
      f.textPattern,
      edit.createdAt,
      f.removedAt,
      JSON.stringify(merged.stamps),
      box,
    ],
  );
}
