-- The signed record of each purge (docs/security.md, "Retention and purge"): what was
-- destroyed and the aggregates kept, signed with the institute's Ed25519 key.
CREATE TABLE purges (
    process_id text PRIMARY KEY,
    purged_at  timestamptz NOT NULL,
    record     jsonb NOT NULL
);
