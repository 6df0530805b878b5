-- The records a package is built from, in reception order per process and aspirant.
CREATE TABLE records (
    support_id    text PRIMARY KEY,
    process_id    text NOT NULL,
    aspirant_id   text NOT NULL,
    status        text NOT NULL,
    received_at   timestamptz NOT NULL,
    record_sha256 text NOT NULL,
    output        jsonb NOT NULL,
    exported_at   timestamptz NOT NULL
);
CREATE INDEX records_package ON records (process_id, aspirant_id, received_at, support_id);
