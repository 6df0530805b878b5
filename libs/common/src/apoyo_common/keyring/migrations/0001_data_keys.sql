-- One data key per process (docs/security.md, "Encryption at rest"), wrapped by the
-- institute's key-encryption key `kek_id`. A purge drops the wrapped key and keeps the row as
-- a tombstone (`destroyed_at`), so that nothing can make a new key for the process.
CREATE TABLE data_keys (
    process_id   text PRIMARY KEY,
    kek_id       text,
    wrapped      bytea,
    created_at   timestamptz NOT NULL,
    destroyed_at timestamptz,
    CHECK ((wrapped IS NULL) = (destroyed_at IS NOT NULL)),
    CHECK ((wrapped IS NULL) = (kek_id IS NULL))
);
