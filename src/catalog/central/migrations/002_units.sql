-- Central schema 2: units, the physical boards a shop repairs, shared by every box. A unit is named by its
-- serial (the same board on two boxes is one unit); its visits, status changes and notes by the box that
-- made them and their id there, so that a resend stores nothing twice and two boxes' notes are both
-- kept. Like the catalog, each write takes the next catalog revision and boxes pull what is past their
-- cursor: a board seen first on one box is known as returning on the others.

CREATE TABLE units (
  serial text PRIMARY KEY,
  -- the board type it was seen as (NULL: not known yet), and the ms of the edit that set it
  board_origin_box text,
  board_origin_id bigint,
  board_at bigint,
  -- the latest status change's status, with its time and box (later change wins)
  status text NOT NULL DEFAULT 'received',
  status_at bigint,
  status_box text,
  created_at bigint NOT NULL,
  first_box text NOT NULL,
  rev bigint NOT NULL,
  changed_by text NOT NULL
);
CREATE INDEX units_rev ON units (rev);

-- changed_by: the box that saw the unit last in this visit (the shop-wide views' box column)
CREATE TABLE unit_visits (
  origin_box text NOT NULL,
  origin_id bigint NOT NULL,
  serial text NOT NULL,
  started_at bigint NOT NULL,
  last_seen_at bigint NOT NULL,
  camera text,
  slot text,
  rev bigint NOT NULL,
  changed_by text NOT NULL,
  PRIMARY KEY (origin_box, origin_id)
);
CREATE INDEX unit_visits_rev ON unit_visits (rev);
CREATE INDEX unit_visits_serial ON unit_visits (serial, last_seen_at DESC);

CREATE TABLE unit_status_changes (
  origin_box text NOT NULL,
  origin_id bigint NOT NULL,
  serial text NOT NULL,
  at bigint NOT NULL,
  from_status text,
  status text NOT NULL,
  author text NOT NULL,
  rev bigint NOT NULL,
  PRIMARY KEY (origin_box, origin_id)
);
CREATE INDEX unit_status_changes_rev ON unit_status_changes (rev);

CREATE TABLE unit_notes (
  origin_box text NOT NULL,
  origin_id bigint NOT NULL,
  serial text NOT NULL,
  at bigint NOT NULL,
  author text NOT NULL,
  text text NOT NULL,
  rev bigint NOT NULL,
  PRIMARY KEY (origin_box, origin_id)
);
CREATE INDEX unit_notes_rev ON unit_notes (rev);
CREATE INDEX unit_notes_serial ON unit_notes (serial, at DESC);

-- Which recognitions (box, local id: the history's key) saw which unit; history, up only.
CREATE TABLE unit_recognitions (
  box text NOT NULL,
  recognition_id bigint NOT NULL,
  serial text NOT NULL,
  source text NOT NULL,
  visit_origin_box text,
  visit_origin_id bigint,
  at bigint NOT NULL,
  PRIMARY KEY (box, recognition_id, serial, source)
);
CREATE INDEX unit_recognitions_serial ON unit_recognitions (serial);
