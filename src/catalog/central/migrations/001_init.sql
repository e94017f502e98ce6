-- Central schema 1: the shop's catalog (boards, references, embeddings per model), the history every
-- box sends up, and the conflicts between edits made on different boxes. Times are ms since the epoch.

-- Every catalog write takes the next revision; a box pulls what is past its cursor. Writers hold one
-- transaction-level advisory lock, so revisions become visible in order and no box skips one.
CREATE SEQUENCE catalog_rev;

CREATE TABLE boxes (
  box text PRIMARY KEY,
  first_seen timestamptz NOT NULL DEFAULT now(),
  last_seen timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE boards (
  origin_box text NOT NULL,
  origin_id bigint NOT NULL,
  vendor text NOT NULL,
  model text NOT NULL,
  kind text NOT NULL,
  chip_type text,
  chip_count integer,
  notes text NOT NULL DEFAULT '',
  tags jsonb NOT NULL DEFAULT '[]',
  text_pattern text,
  created_at bigint NOT NULL,
  removed_at bigint,
  -- per field, the ms of the edit that set it (later edit wins per field)
  field_at jsonb NOT NULL DEFAULT '{}',
  rev bigint NOT NULL,
  changed_by text NOT NULL,
  PRIMARY KEY (origin_box, origin_id)
);
CREATE INDEX boards_rev ON boards (rev);

CREATE TABLE board_references (
  origin_box text NOT NULL,
  origin_id bigint NOT NULL,
  board_origin_box text NOT NULL,
  board_origin_id bigint NOT NULL,
  image bytea NOT NULL,
  thumbnail bytea NOT NULL,
  width integer NOT NULL,
  height integer NOT NULL,
  source text NOT NULL,
  source_detail text,
  sha256 text NOT NULL,
  created_at bigint NOT NULL,
  -- a deleted reference stays as a tombstone, so that a box that was away learns of it
  deleted_at bigint,
  rev bigint NOT NULL,
  changed_by text NOT NULL,
  PRIMARY KEY (origin_box, origin_id)
);
CREATE INDEX board_references_rev ON board_references (rev);

CREATE TABLE embeddings (
  ref_origin_box text NOT NULL,
  ref_origin_id bigint NOT NULL,
  model_id text NOT NULL,
  dim integer NOT NULL,
  vector bytea NOT NULL,
  rev bigint NOT NULL,
  changed_by text NOT NULL,
  PRIMARY KEY (ref_origin_box, ref_origin_id, model_id)
);
CREATE INDEX embeddings_rev ON embeddings (rev);

-- One field of one board edited on two boxes without either seeing the other's edit: the value kept
-- (the later edit) and the other, both with their box and time. Nothing acknowledged is lost.
CREATE TABLE board_conflicts (
  id bigserial PRIMARY KEY,
  origin_box text NOT NULL,
  origin_id bigint NOT NULL,
  field text NOT NULL,
  kept jsonb,
  kept_box text NOT NULL,
  kept_at bigint NOT NULL,
  other jsonb,
  other_box text NOT NULL,
  other_at bigint NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX board_conflicts_board ON board_conflicts (origin_box, origin_id);

CREATE TABLE recognitions (
  box text NOT NULL,
  local_id bigint NOT NULL,
  at bigint NOT NULL,
  camera text NOT NULL,
  slot text NOT NULL,
  board_origin_box text,
  board_origin_id bigint,
  score double precision NOT NULL,
  margin double precision NOT NULL,
  topk jsonb NOT NULL DEFAULT '[]',
  model_id text NOT NULL,
  thumbnail bytea,
  text jsonb,
  -- geometric verification as the box decided it (NULL: it did not run)
  verified boolean,
  inliers integer,
  outline jsonb,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (box, local_id)
);
CREATE INDEX recognitions_at ON recognitions (at DESC, box, local_id);
CREATE INDEX recognitions_box_at ON recognitions (box, at DESC, local_id);
