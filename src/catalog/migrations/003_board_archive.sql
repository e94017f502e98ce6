-- Schema 3: board ids are never handed out twice, a removed board stays (archived) so that the history
-- and exports keep naming it, and a catalog version that changes with the catalog, not the history.

-- AUTOINCREMENT: SQLite never reuses an id, even the highest one after it was deleted.
-- removed_at: when the board was removed from the catalog (ms); NULL: in the catalog. A removed board
-- keeps its row without references, so the recognitions and top-k lists that name it still resolve.
CREATE TABLE boards_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  vendor TEXT NOT NULL CHECK (length(trim(vendor)) > 0),
  model TEXT NOT NULL CHECK (length(trim(model)) > 0),
  kind TEXT NOT NULL CHECK (kind IN ('hashboard', 'control-board', 'psu', 'empty-bench', 'other')),
  chip_type TEXT,
  chip_count INTEGER CHECK (chip_count IS NULL OR chip_count >= 0),
  notes TEXT NOT NULL DEFAULT '',
  tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags) AND json_type(tags) = 'array'),
  text_pattern TEXT CHECK (text_pattern IS NULL OR length(text_pattern) BETWEEN 1 AND 200),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  removed_at INTEGER
) STRICT;

INSERT INTO boards_new (id, vendor, model, kind, chip_type, chip_count, notes, tags, text_pattern, created_at, updated_at)
  SELECT id, vendor, model, kind, chip_type, chip_count, notes, tags, text_pattern, created_at, updated_at FROM boards;
DROP TABLE boards;
ALTER TABLE boards_new RENAME TO boards;

-- A removed board's name may be used again, by a new board (with a new id).
CREATE UNIQUE INDEX boards_vendor_model ON boards (vendor COLLATE NOCASE, model COLLATE NOCASE)
  WHERE removed_at IS NULL;

-- Ids freed before this schema (deleted boards) may still be named by the history's top-k lists:
-- the next id comes after every id ever seen.
DELETE FROM sqlite_sequence WHERE name = 'boards';
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'boards', max(m) FROM (
    SELECT max(id) AS m FROM boards
    UNION ALL SELECT max(board_id) FROM recognitions
    UNION ALL SELECT max(json_extract(t.value, '$.boardId')) FROM recognitions r, json_each(r.topk) t
    UNION ALL SELECT max(vision_board_id) FROM recognition_text
    UNION ALL SELECT max(text_board_id) FROM recognition_text
  ) HAVING max(m) IS NOT NULL;

-- Counts changes to what recognition uses (boards, references, embeddings), so that a process sharing
-- the database reloads its index when the catalog changed, and not when only history was written.
CREATE TABLE catalog_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
) STRICT;
INSERT INTO catalog_version (id, version) VALUES (1, 1);

CREATE TRIGGER boards_insert_version AFTER INSERT ON boards
  BEGIN UPDATE catalog_version SET version = version + 1; END;
CREATE TRIGGER boards_update_version AFTER UPDATE ON boards
  BEGIN UPDATE catalog_version SET version = version + 1; END;
CREATE TRIGGER boards_delete_version AFTER DELETE ON boards
  BEGIN UPDATE catalog_version SET version = version + 1; END;
CREATE TRIGGER references_insert_version AFTER INSERT ON board_references
  BEGIN UPDATE catalog_version SET version = version + 1; END;
CREATE TRIGGER references_delete_version AFTER DELETE ON board_references
  BEGIN UPDATE catalog_version SET version = version + 1; END;
CREATE TRIGGER embeddings_insert_version AFTER INSERT ON embeddings
  BEGIN UPDATE catalog_version SET version = version + 1; END;
CREATE TRIGGER embeddings_update_version AFTER UPDATE ON embeddings
  BEGIN UPDATE catalog_version SET version = version + 1; END;
CREATE TRIGGER embeddings_delete_version AFTER DELETE ON embeddings
  BEGIN UPDATE catalog_version SET version = version + 1; END;
