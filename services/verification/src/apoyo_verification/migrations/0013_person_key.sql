-- Duplicates are settled per person (docs/verification.md, "Duplicates"): the keyed hash of
-- the roll record's identificador when the support's record was found, else the message's
-- citizen key. Existing rows keep their citizen key as their person: they were settled by it.
ALTER TABLE supports ADD COLUMN person_key text;
UPDATE supports SET person_key = citizen_key;
ALTER TABLE supports ALTER COLUMN person_key SET NOT NULL;

CREATE INDEX supports_person ON supports (process_id, person_key, received_at);

-- The safety net of the duplicates rule, now per person: one standing support each.
DROP INDEX supports_one_counting;
CREATE UNIQUE INDEX supports_one_counting ON supports (process_id, person_key)
    WHERE status IN ('EN_LISTA_NOMINAL', 'PENDIENTE_REVISION');
