-- Schema 8: units go to the central side too (config `central`). A unit is named shop-wide by its serial;
-- its visits, status changes and notes by the box that made them and their id there (append-only
-- events: two boxes' notes on one unit are both kept); its links to recognitions by the box and the
-- recognition's id. Queued by triggers in the same transaction as the change, like the catalog.

-- The outbox takes the unit kinds: SQLite cannot widen a CHECK, so the table is rebuilt. The triggers
-- of schema 7 name central_outbox and keep working on the rebuilt table (legacy rename: they are not
-- rewritten against the table being dropped).
PRAGMA legacy_alter_table = ON;
CREATE TABLE central_outbox_new (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  entity TEXT NOT NULL CHECK (entity IN ('board', 'reference', 'embedding', 'recognition', 'unit',
    'unit-visit', 'unit-status', 'unit-note', 'unit-link')),
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

-- Visits, status changes and notes that came from another box: their shop-wide name. A row made here
-- has none: its name is (this box, its id).
CREATE TABLE central_unit_ids (
  entity TEXT NOT NULL CHECK (entity IN ('unit-visit', 'unit-status', 'unit-note')),
  local_id INTEGER NOT NULL,
  origin_box TEXT NOT NULL,
  origin_id INTEGER NOT NULL,
  PRIMARY KEY (entity, local_id),
  UNIQUE (entity, origin_box, origin_id)
) STRICT;

CREATE TRIGGER central_units_insert AFTER INSERT ON units
  WHEN (SELECT box IS NOT NULL AND applying = 0 FROM central_link)
  BEGIN
    INSERT INTO central_outbox (entity, local_id, op, at) VALUES ('unit', NEW.id, 'upsert', NEW.created_at);
  END;
CREATE TRIGGER central_units_board AFTER UPDATE OF board_id ON units
  WHEN (SELECT box IS NOT NULL AND applying = 0 FROM central_link)
  BEGIN
    INSERT INTO central_outbox (entity, local_id, op, at) VALUES ('unit', NEW.id, 'upsert', NEW.updated_at);
  END;
CREATE TRIGGER central_unit_visits_insert AFTER INSERT ON unit_visits
  WHEN (SELECT box IS NOT NULL AND applying = 0 FROM central_link)
  BEGIN
    INSERT INTO central_outbox (entity, local_id, op, at) VALUES ('unit-visit', NEW.id, 'upsert', NEW.last_seen_at);
  END;
-- a visit seen again (also one another box started) is sent again: the central side keeps the latest
CREATE TRIGGER central_unit_visits_update AFTER UPDATE OF last_seen_at, camera, slot ON unit_visits
  WHEN (SELECT box IS NOT NULL AND applying = 0 FROM central_link)
    AND (OLD.last_seen_at IS NOT NEW.last_seen_at OR OLD.camera IS NOT NEW.camera OR OLD.slot IS NOT NEW.slot)
  BEGIN
    INSERT INTO central_outbox (entity, local_id, op, at) VALUES ('unit-visit', NEW.id, 'upsert', NEW.last_seen_at);
  END;
CREATE TRIGGER central_unit_status_insert AFTER INSERT ON unit_status_changes
  WHEN (SELECT box IS NOT NULL AND applying = 0 FROM central_link)
  BEGIN
    INSERT INTO central_outbox (entity, local_id, op, at) VALUES ('unit-status', NEW.id, 'upsert', NEW.at);
  END;
CREATE TRIGGER central_unit_notes_insert AFTER INSERT ON unit_notes
  WHEN (SELECT box IS NOT NULL AND applying = 0 FROM central_link)
  BEGIN
    INSERT INTO central_outbox (entity, local_id, op, at) VALUES ('unit-note', NEW.id, 'upsert', NEW.at);
  END;
-- links name a recognition of this box: history, up only (never pulled, so never applying)
CREATE TRIGGER central_unit_links_insert AFTER INSERT ON unit_recognitions
  WHEN (SELECT box IS NOT NULL FROM central_link)
  BEGIN
    INSERT INTO central_outbox (entity, local_id, op, at) VALUES ('unit-link', NEW.rowid, 'upsert', NEW.at);
  END;

-- A data folder linked before this schema sends the units it already holds.
INSERT INTO central_outbox (entity, local_id, op, at)
  SELECT 'unit', id, 'upsert', created_at FROM units WHERE (SELECT box IS NOT NULL FROM central_link) ORDER BY id;
INSERT INTO central_outbox (entity, local_id, op, at)
  SELECT 'unit-visit', id, 'upsert', last_seen_at FROM unit_visits WHERE (SELECT box IS NOT NULL FROM central_link) ORDER BY id;
INSERT INTO central_outbox (entity, local_id, op, at)
  SELECT 'unit-status', id, 'upsert', at FROM unit_status_changes WHERE (SELECT box IS NOT NULL FROM central_link) ORDER BY id;
INSERT INTO central_outbox (entity, local_id, op, at)
  SELECT 'unit-note', id, 'upsert', at FROM unit_notes WHERE (SELECT box IS NOT NULL FROM central_link) ORDER BY id;
INSERT INTO central_outbox (entity, local_id, op, at)
  SELECT 'unit-link', rowid, 'upsert', at FROM unit_recognitions WHERE (SELECT box IS NOT NULL FROM central_link) ORDER BY rowid;
