-- Schema 11: the chips an inspection could not judge because a hand, a tool or a cable lay over them
-- (verdict `hidden`), kept with the history row beside the chips found: found + hidden + missing make
-- the map's chips. NULL: not inspected, or inspected before this schema (nothing was hidden then). It
-- goes to the central side with its row, like chips_found (the trigger of schema 10 sends the row again
-- when an inspection is saved: saveInspection sets every inspection column at once).
ALTER TABLE recognitions ADD COLUMN chips_hidden INTEGER CHECK (chips_hidden >= 0);
