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

-- what the inspection of a verified recognition found (NULL: not inspected); defects: JSON array of
-- { id, label, verdict } for the regions missing or differing
ALTER TABLE recognitions ADD COLUMN chips_expected INTEGER CHECK (chips_expected >= 0);
ALTER TABLE recognitions ADD COLUMN chips_found INTEGER CHECK (chips_found >= 0);
ALTER TABLE recognitions ADD COLUMN defects TEXT CHECK (defects IS NULL OR json_valid(defects));
