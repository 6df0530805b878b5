-- Auxiliaries' personal fields at rest (docs/security.md): the form is sealed with the
-- process's data key, and the clave de elector is kept only as a keyed hash (HMAC under the
-- deployment's citizen-key secret) that carries the rule "one active registration per clave
-- and process". Rows from before keep their plain clave under the old index; registering
-- checks them too (apoyo_capture.adapters.postgres_channels).
ALTER TABLE auxiliaries ADD COLUMN clave_key text;
ALTER TABLE auxiliaries ALTER COLUMN clave_elector DROP NOT NULL;
CREATE UNIQUE INDEX auxiliaries_one_clave_key ON auxiliaries (process_id, clave_key)
    WHERE revoked_at IS NULL;
