-- The support's signed certificate, from `support.captured` version 2 (sealed: it names the
-- address and the client's IP). NULL for a version 1 event: its certificate is read from
-- object storage (`certificates/<process>/<support>.json`) when a package is built.
ALTER TABLE captured ADD COLUMN certificate bytea;
