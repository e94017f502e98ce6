-- Schema 2: text read off the boards (OCR).
-- A board may declare a regular expression its printed label matches (model string); NULL: none.
ALTER TABLE boards ADD COLUMN text_pattern TEXT
  CHECK (text_pattern IS NULL OR length(text_pattern) BETWEEN 1 AND 200);

-- The text of one recognition, written when OCR of its slot finishes (after the recognition row).
CREATE TABLE recognition_text (
  recognition_id INTEGER PRIMARY KEY REFERENCES recognitions (id) ON DELETE CASCADE,
  -- JSON array of {"text": s, "confidence": x, "box": [[x, y] x 4]}, boxes as fractions of the slot
  lines TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(lines) AND json_type(lines) = 'array'),
  -- the lines joined by newlines, for search
  text TEXT NOT NULL DEFAULT '',
  -- extracted with ocr.serialPattern, in capitals; NULL: none found
  serial TEXT CHECK (serial IS NULL OR length(serial) > 0),
  verdict TEXT NOT NULL CHECK (verdict IN ('confirmed', 'corrected', 'ambiguous', 'none')),
  -- the board the visual match named before the text was read, and the board the text named
  vision_board_id INTEGER REFERENCES boards (id) ON DELETE SET NULL,
  text_board_id INTEGER REFERENCES boards (id) ON DELETE SET NULL,
  ms REAL NOT NULL CHECK (ms >= 0)
) STRICT;

CREATE INDEX recognition_text_serial ON recognition_text (serial COLLATE NOCASE) WHERE serial IS NOT NULL;
