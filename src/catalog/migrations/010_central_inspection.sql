-- Schema 10: inspection maps and what an inspection found go to the central side too (config `central`).
-- A map is named shop-wide by its board (one map per board) and names its reference shop-wide; an edit
-- sends the whole map with the map as this box had it before (`before`), so that the central side tells
-- a concurrent edit made elsewhere from this one. An inspection updates its history row, which is sent
-- again (the central side keys it by box and local id).

-- The outbox takes the map kind: SQLite cannot widen a CHECK, so the table is rebuilt, as in schema 8
-- (legacy rename: the triggers naming central_outbox keep working on the rebuilt table).
PRAGMA legacy_alter_table = ON;
CREATE TABLE central_outbox_new (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  entity TEXT NOT NULL CHECK (entity IN ('board', 'reference', 'embedding', 'recognition', 'unit',
    'unit-visit', 'unit-status', 'unit-note', 'unit-link', 'inspection-map')),
  local_id INTEGER NOT NULL,
  model_id TEXT,
  op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
  before TEXT CHECK (before IS NULL OR json_valid(before)),
  at INTEGER NOT NULL
) STRICT;
INSERT INTO central_outbox_new SELECT seq, entity, local_id, model_id, op, before, at FROM central_outbox;
DROP TABLE central_outbox;
ALTER TABLE central_outbox_new RENAME TO central_outbox;
PRAGMA legacy_alter_table = OFF;
CREATE INDEX central_outbox_row ON central_outbox (entity, local_id);

-- local_id: the map's board. before: the map as it was here ({ referenceId, regions }; NULL: none).
CREATE TRIGGER central_inspection_maps_insert AFTER INSERT ON inspection_maps
  WHEN (SELECT box IS NOT NULL AND applying = 0 FROM central_link)
  BEGIN
    INSERT INTO central_outbox (entity, local_id, op, at)
      VALUES ('inspection-map', NEW.board_id, 'upsert', NEW.updated_at);
  END;
CREATE TRIGGER central_inspection_maps_update AFTER UPDATE ON inspection_maps
  WHEN (SELECT box IS NOT NULL AND applying = 0 FROM central_link)
  BEGIN
    INSERT INTO central_outbox (entity, local_id, op, before, at)
      VALUES ('inspection-map', NEW.board_id, 'upsert',
        json_object('referenceId', OLD.reference_id, 'regions', json(OLD.regions)), NEW.updated_at);
  END;
-- also a map deleted with its reference (the cascade fires this trigger)
CREATE TRIGGER central_inspection_maps_delete AFTER DELETE ON inspection_maps
  WHEN (SELECT box IS NOT NULL AND applying = 0 FROM central_link)
  BEGIN
    INSERT INTO central_outbox (entity, local_id, op, before, at)
      VALUES ('inspection-map', OLD.board_id, 'delete',
        json_object('referenceId', OLD.reference_id, 'regions', json(OLD.regions)),
        CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  END;
-- History: what the inspection found sends the row again (up only, so also while applying).
CREATE TRIGGER central_recognitions_inspection AFTER UPDATE OF chips_expected, chips_found, defects ON recognitions
  WHEN (SELECT box IS NOT NULL FROM central_link)
  BEGIN
    INSERT INTO central_outbox (entity, local_id, op, at) VALUES ('recognition', NEW.id, 'upsert', NEW.at);
  END;

-- A data folder linked before this schema sends the maps it holds and the rows it inspected (sent
-- before without what the inspection found), after what already waits.
INSERT INTO central_outbox (entity, local_id, op, at)
  SELECT 'inspection-map', board_id, 'upsert', updated_at FROM inspection_maps
  WHERE (SELECT box IS NOT NULL FROM central_link) ORDER BY board_id;
INSERT INTO central_outbox (entity, local_id, op, at)
  SELECT 'recognition', id, 'upsert', at FROM recognitions
  WHERE chips_found IS NOT NULL AND (SELECT box IS NOT NULL FROM central_link) ORDER BY id;

-- A reference's id is never handed out twice: it is the reference's shop-wide name (with the box), and
-- maps and embeddings name it; SQLite would give the id of the newest reference, deleted, to the next
-- one. Inserts take the highest id ever used + 1 (references.ts, central-apply.ts).
CREATE TABLE reference_id_watermark (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last INTEGER NOT NULL
) STRICT;
INSERT INTO reference_id_watermark (id, last) SELECT 1, max(
  coalesce((SELECT max(id) FROM board_references), 0),
  coalesce((SELECT max(local_id) FROM central_ids WHERE entity = 'reference'), 0),
  coalesce((SELECT max(local_id) FROM central_outbox WHERE entity IN ('reference', 'embedding')), 0));
CREATE TRIGGER reference_id_watermark_insert AFTER INSERT ON board_references
  BEGIN
    UPDATE reference_id_watermark SET last = max(last, NEW.id);
  END;
