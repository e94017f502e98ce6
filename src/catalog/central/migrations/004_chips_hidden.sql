-- Central schema 4: the chips an inspection could not judge (a hand, a tool or a cable lay over them),
-- as the box stored them with the history row (NULL: not inspected, or sent by a box before its
-- schema 11). Synced like chips_found: up with the row, again once the row is inspected.
ALTER TABLE recognitions ADD COLUMN chips_hidden integer;
