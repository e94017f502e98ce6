-- Central schema 3: the boards' inspection maps, shared like the rest of the catalog, and what the
-- inspection of a recognition found, sent up with its history row.

-- One map per board, named by the board's shop-wide name; the regions are drawn on one reference, named
-- shop-wide too. A deleted map (or one whose reference was deleted) stays as a tombstone (no reference,
-- no regions), so that a box that was away learns of it. The later edit wins for the whole map; the
-- other version is kept in board_conflicts (field 'inspectionMap').
CREATE TABLE inspection_maps (
  board_origin_box text NOT NULL,
  board_origin_id bigint NOT NULL,
  ref_origin_box text,
  ref_origin_id bigint,
  -- JSON array of { id, kind, label, box: { x, y, width, height } }, the box in fractions of the reference
  regions jsonb,
  -- the edit this version comes from: its ms and its box
  at bigint NOT NULL,
  edited_by text NOT NULL,
  rev bigint NOT NULL,
  changed_by text NOT NULL,
  PRIMARY KEY (board_origin_box, board_origin_id),
  CHECK ((regions IS NULL) = (ref_origin_box IS NULL) AND (ref_origin_box IS NULL) = (ref_origin_id IS NULL))
);
CREATE INDEX inspection_maps_rev ON inspection_maps (rev);
CREATE INDEX inspection_maps_reference ON inspection_maps (ref_origin_box, ref_origin_id);

-- what the inspection of the recognition found, as its box stored it (NULL: not inspected)
ALTER TABLE recognitions ADD COLUMN chips_expected integer;
ALTER TABLE recognitions ADD COLUMN chips_found integer;
-- JSON array of { id, label, verdict } for the regions missing or differing
ALTER TABLE recognitions ADD COLUMN defects jsonb;
