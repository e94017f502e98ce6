-- Schema 8: the inspection map of a board type: regions (chips, connectors, heatsinks, components,
-- labels) drawn on one of its references, which the inspection of a verified board compares one by
-- one against the live picture. Deleting the reference deletes the map drawn on it.

CREATE TABLE inspection_maps (
  board_id INTEGER PRIMARY KEY REFERENCES boards (id) ON DELETE CASCADE,
  reference_id INTEGER NOT NULL REFERENCES board_references (id) ON DELETE CASCADE,
  -- JSON array of { id, kind, label, box: { x, y, width, height } }, the box in fractions of the reference
  regions TEXT NOT NULL CHECK (json_valid(regions) AND json_type(regions) = 'array'),
  updated_at INTEGER NOT NULL
) STRICT;

CREATE INDEX inspection_maps_reference ON inspection_maps (reference_id);
