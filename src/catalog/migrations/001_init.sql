-- Schema 1: boards, their reference images and embeddings, the recognition history, settings.
-- Times are INTEGER milliseconds since the epoch. Every table is STRICT.

CREATE TABLE boards (
  id INTEGER PRIMARY KEY,
  vendor TEXT NOT NULL CHECK (length(trim(vendor)) > 0),
  model TEXT NOT NULL CHECK (length(trim(model)) > 0),
  kind TEXT NOT NULL CHECK (kind IN ('hashboard', 'control-board', 'psu', 'empty-bench', 'other')),
  chip_type TEXT,
  chip_count INTEGER CHECK (chip_count IS NULL OR chip_count >= 0),
  notes TEXT NOT NULL DEFAULT '',
  -- JSON array of strings
  tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags) AND json_type(tags) = 'array'),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

-- "Bitmain S19" and "bitmain s19" are the same board.
CREATE UNIQUE INDEX boards_vendor_model ON boards (vendor COLLATE NOCASE, model COLLATE NOCASE);

-- "references" is an SQL keyword, hence the prefix.
CREATE TABLE board_references (
  id INTEGER PRIMARY KEY,
  board_id INTEGER NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
  image BLOB NOT NULL,
  thumbnail BLOB NOT NULL,
  width INTEGER NOT NULL CHECK (width > 0),
  height INTEGER NOT NULL CHECK (height > 0),
  source TEXT NOT NULL CHECK (source IN ('upload', 'live', 'import')),
  source_detail TEXT,
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  created_at INTEGER NOT NULL
) STRICT;

CREATE INDEX board_references_board ON board_references (board_id);
-- Finds an image enrolled before (re-imports, double uploads).
CREATE INDEX board_references_sha256 ON board_references (sha256);

-- One vector per reference and encoder model: switching models never mixes vectors.
-- vector: dim float32 values, little-endian.
CREATE TABLE embeddings (
  reference_id INTEGER NOT NULL REFERENCES board_references (id) ON DELETE CASCADE,
  model_id TEXT NOT NULL CHECK (length(model_id) > 0),
  dim INTEGER NOT NULL CHECK (dim > 0),
  vector BLOB NOT NULL CHECK (length(vector) = dim * 4),
  PRIMARY KEY (reference_id, model_id)
) STRICT;

CREATE INDEX embeddings_model ON embeddings (model_id, reference_id);

CREATE TABLE recognitions (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  camera TEXT NOT NULL,
  slot TEXT NOT NULL,
  -- NULL: unknown board, or a board deleted since
  board_id INTEGER REFERENCES boards (id) ON DELETE SET NULL,
  score REAL NOT NULL,
  margin REAL NOT NULL,
  -- JSON array of {"boardId": n, "score": x}
  topk TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(topk) AND json_type(topk) = 'array'),
  model_id TEXT NOT NULL,
  thumbnail BLOB
) STRICT;

CREATE INDEX recognitions_at ON recognitions (at, id);
CREATE INDEX recognitions_board_at ON recognitions (board_id, at, id);
CREATE INDEX recognitions_slot_at ON recognitions (slot, at, id);
CREATE INDEX recognitions_camera_at ON recognitions (camera, at, id);
-- Retention walks the rows that still hold a thumbnail, oldest first.
CREATE INDEX recognitions_thumbnail_at ON recognitions (at, id) WHERE thumbnail IS NOT NULL;

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
