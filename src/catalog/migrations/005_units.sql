-- Schema 3: units, the physical boards a shop repairs (a board *type* is a row of boards; a unit is one
-- hashboard with its serial number), their visits to the bench, status changes, notes, the
-- recognitions that saw them, and conflicts (kept for a technician to settle, never overwritten).

CREATE TABLE units (
  id INTEGER PRIMARY KEY,
  -- normalized: capitals, no spaces, look-alikes resolved against ocr.serialPattern
  serial TEXT NOT NULL UNIQUE CHECK (length(serial) BETWEEN 1 AND 64),
  -- the board type it was first seen as; NULL: not known yet, or the board was deleted
  board_id INTEGER REFERENCES boards (id) ON DELETE SET NULL,
  status TEXT NOT NULL DEFAULT 'received'
    CHECK (status IN ('received', 'diagnosing', 'repairing', 'testing', 'done', 'returned')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE INDEX units_board ON units (board_id);

-- A stay on the bench: a sighting more than units.visitGapMinutes after the last one starts a new visit.
CREATE TABLE unit_visits (
  id INTEGER PRIMARY KEY,
  unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
  started_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL CHECK (last_seen_at >= started_at),
  camera TEXT,
  slot TEXT
) STRICT;

CREATE INDEX unit_visits_unit ON unit_visits (unit_id, started_at);

-- Which recognitions saw which unit: by the serial OCR read, or one a technician typed or scanned.
CREATE TABLE unit_recognitions (
  unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
  recognition_id INTEGER NOT NULL REFERENCES recognitions (id) ON DELETE CASCADE,
  visit_id INTEGER REFERENCES unit_visits (id) ON DELETE SET NULL,
  source TEXT NOT NULL CHECK (source IN ('ocr', 'typed')),
  at INTEGER NOT NULL,
  PRIMARY KEY (unit_id, recognition_id, source)
) STRICT;

CREATE INDEX unit_recognitions_recognition ON unit_recognitions (recognition_id);

CREATE TABLE unit_status_changes (
  id INTEGER PRIMARY KEY,
  unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  from_status TEXT,
  status TEXT NOT NULL,
  author TEXT NOT NULL
) STRICT;

CREATE INDEX unit_status_changes_unit ON unit_status_changes (unit_id, id);

CREATE TABLE unit_notes (
  id INTEGER PRIMARY KEY,
  unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  author TEXT NOT NULL,
  text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 10000)
) STRICT;

CREATE INDEX unit_notes_unit ON unit_notes (unit_id, id);

-- What a technician must settle: 'serial' (OCR read one serial, someone typed another, for the same
-- recognition: unit_id is the typed serial's unit, other_unit_id the read one's) or 'board' (the
-- unit's serial seen on another board type: seen_board_id). Both sides stay stored; resolution
-- records the answer ('typed' / 'ocr', or 'unit' / 'seen').
CREATE TABLE unit_conflicts (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('serial', 'board')),
  unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
  other_unit_id INTEGER REFERENCES units (id) ON DELETE CASCADE,
  recognition_id INTEGER REFERENCES recognitions (id) ON DELETE SET NULL,
  unit_board_id INTEGER REFERENCES boards (id) ON DELETE SET NULL,
  seen_board_id INTEGER REFERENCES boards (id) ON DELETE SET NULL,
  at INTEGER NOT NULL,
  resolution TEXT CHECK (resolution IS NULL OR resolution IN ('typed', 'ocr', 'unit', 'seen')),
  resolved_at INTEGER,
  resolved_by TEXT
) STRICT;

CREATE INDEX unit_conflicts_unit ON unit_conflicts (unit_id) WHERE resolved_at IS NULL;
CREATE INDEX unit_conflicts_other ON unit_conflicts (other_unit_id) WHERE resolved_at IS NULL;
