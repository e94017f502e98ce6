-- Schema 4: hashboard part numbers read off the boards' silkscreen ("BHB42601").
-- The code as resolved (capitals, look-alike characters fixed, a trailing dash kept); NULL: none read.
ALTER TABLE recognition_text ADD COLUMN part_number TEXT
  CHECK (part_number IS NULL OR length(part_number) BETWEEN 1 AND 40);
-- What the screen showed about it: the family's facts from the shipped hardware reference at the time
-- of reading (JSON of protocol.ts PartNumberInfo), so history says what the technician saw.
ALTER TABLE recognition_text ADD COLUMN part_number_facts TEXT
  CHECK (part_number_facts IS NULL OR (json_valid(part_number_facts) AND json_type(part_number_facts) = 'object'));

CREATE INDEX recognition_text_part_number ON recognition_text (part_number COLLATE NOCASE)
  WHERE part_number IS NOT NULL;
