-- Schema 7: the link to a central PostgreSQL (config `central`). The box keeps its whole catalog and
-- history here and recognizes from it; what changes is queued in an outbox by triggers, in the same
-- transaction as the change itself, and sent up in order by the daemon.

-- box: the name this data folder was linked under (NULL: not linked, the triggers queue nothing).
-- applying: 1 only inside the transaction that applies changes pulled from the central side, so that
-- they are not queued back up. cursor: the central catalog revision applied so far.
CREATE TABLE central_link (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  box TEXT CHECK (box IS NULL OR length(box) BETWEEN 1 AND 64),
  applying INTEGER NOT NULL DEFAULT 0 CHECK (applying IN (0, 1)),
  cursor INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO central_link (id) VALUES (1);

-- What waits to be sent, oldest first. local_id names the row (for an embedding: its reference);
-- before: for a board edit, the board as it was (JSON), so that the central side tells a concurrent
-- edit made elsewhere from this one.
CREATE TABLE central_outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  entity TEXT NOT NULL CHECK (entity IN ('board', 'reference', 'embedding', 'recognition')),
  local_id INTEGER NOT NULL,
  model_id TEXT,
  op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
  before TEXT CHECK (before IS NULL OR json_valid(before)),
  at INTEGER NOT NULL
) STRICT;

CREATE INDEX central_outbox_row ON central_outbox (entity, local_id);

-- Boards and references that came from another box: their shop-wide name (the box that made them
-- and its id there). A row made here has none: its name is (this box, its id). Never deleted, so a
-- queued delete can still be named.
CREATE TABLE central_ids (
  entity TEXT NOT NULL CHECK (entity IN ('board', 'reference')),
  local_id INTEGER NOT NULL,
  origin_box TEXT NOT NULL,
  origin_id INTEGER NOT NULL,
  PRIMARY KEY (entity, local_id),
  UNIQUE (entity, origin_box, origin_id)
) STRICT;

CREATE TRIGGER central_boards_insert AFTER INSERT ON boards
  WHEN (SELECT box IS NOT NULL AND applying = 0 FROM central_link)
  BEGIN
    INSERT INTO central_outbox (entity, local_id, op, at) VALUES ('board', NEW.id, 'upsert', NEW.updated_at);
  END;
CREATE TRIGGER central_boards_update AFTER UPDATE ON boards
  WHEN (SELECT box IS NOT NULL AND applying = 0 FROM central_link)
  BEGIN
    INSERT INTO central_outbox (entity, local_id, op, before, at) VALUES ('board', NEW.id, 'upsert',
      json_object('vendor', OLD.vendor, 'model', OLD.model, 'kind', OLD.kind, 'chipType', OLD.chip_type,
        'chipCount', OLD.chip_count, 'notes', OLD.notes, 'tags', json(OLD.tags),
        'textPattern', OLD.text_pattern, 'removedAt', OLD.removed_at),
      max(NEW.updated_at, coalesce(NEW.removed_at, 0)));
  END;
CREATE TRIGGER central_references_insert AFTER INSERT ON board_references
  WHEN (SELECT box IS NOT NULL AND applying = 0 FROM central_link)
  BEGIN
    INSERT INTO central_outbox (entity, local_id, op, at) VALUES ('reference', NEW.id, 'upsert', NEW.created_at);
  END;
CREATE TRIGGER central_references_delete AFTER DELETE ON board_references
  WHEN (SELECT box IS NOT NULL AND applying = 0 FROM central_link)
  BEGIN
    INSERT INTO central_outbox (entity, local_id, op, at)
      VALUES ('reference', OLD.id, 'delete', CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  END;
CREATE TRIGGER central_embeddings_insert AFTER INSERT ON embeddings
  WHEN (SELECT box IS NOT NULL AND applying = 0 FROM central_link)
  BEGIN
    INSERT INTO central_outbox (entity, local_id, model_id, op, at)
      VALUES ('embedding', NEW.reference_id, NEW.model_id, 'upsert', CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  END;
CREATE TRIGGER central_embeddings_update AFTER UPDATE ON embeddings
  WHEN (SELECT box IS NOT NULL AND applying = 0 FROM central_link)
  BEGIN
    INSERT INTO central_outbox (entity, local_id, model_id, op, at)
      VALUES ('embedding', NEW.reference_id, NEW.model_id, 'upsert', CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  END;
-- History: a recognition, the board OCR moved it to, and its text each send the row again (the
-- central side keys it by box and local id, so a row sent twice is stored once).
CREATE TRIGGER central_recognitions_insert AFTER INSERT ON recognitions
  WHEN (SELECT box IS NOT NULL FROM central_link)
  BEGIN
    INSERT INTO central_outbox (entity, local_id, op, at) VALUES ('recognition', NEW.id, 'upsert', NEW.at);
  END;
CREATE TRIGGER central_recognitions_update AFTER UPDATE OF board_id ON recognitions
  WHEN (SELECT box IS NOT NULL FROM central_link)
  BEGIN
    INSERT INTO central_outbox (entity, local_id, op, at) VALUES ('recognition', NEW.id, 'upsert', NEW.at);
  END;
CREATE TRIGGER central_recognition_text_insert AFTER INSERT ON recognition_text
  WHEN (SELECT box IS NOT NULL FROM central_link)
  BEGIN
    INSERT INTO central_outbox (entity, local_id, op, at)
      VALUES ('recognition', NEW.recognition_id, 'upsert', CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  END;
CREATE TRIGGER central_recognition_text_update AFTER UPDATE ON recognition_text
  WHEN (SELECT box IS NOT NULL FROM central_link)
  BEGIN
    INSERT INTO central_outbox (entity, local_id, op, at)
      VALUES ('recognition', NEW.recognition_id, 'upsert', CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
  END;
