-- Outcomes are revised (duplicates settle, the review desk decides): a record keeps the
-- latest, by the time notification handled it. Rows from before have no time: any
-- outcome replaces them.
ALTER TABLE records ADD COLUMN notified_at timestamptz;
ALTER TABLE records ADD COLUMN outcome jsonb;

-- What capture stored of each support (from `support.captured`): the form without the
-- e-mail address, and the evidence references (object keys, hashes).
CREATE TABLE captured (
    support_id text PRIMARY KEY,
    form       jsonb NOT NULL,
    evidence   jsonb NOT NULL
);

-- The processes (from `process.defined`): their cut and aspirants.
CREATE TABLE processes (
    process_id text PRIMARY KEY,
    definition jsonb NOT NULL
);

-- One row per requested package. A worker claims a PENDING job by setting `lease_until`
-- and bumping `attempts` (the fencing token: only the holder of the latest attempt may
-- finish it); a crashed worker's lease runs out and another resumes the job from the start.
CREATE TABLE jobs (
    export_id      text PRIMARY KEY,
    process_id     text NOT NULL,
    aspirant_id    text NOT NULL,
    status         text NOT NULL CHECK (status IN ('PENDING', 'READY', 'FAILED')),
    attempts       integer NOT NULL DEFAULT 0,
    lease_until    timestamptz,
    requested_by   text NOT NULL,
    created_at     timestamptz NOT NULL,
    finished_at    timestamptz,
    supports       integer,
    chain_head     text,
    package_key    text,
    package_sha256 text,
    package_bytes  bigint,
    error          text
);
CREATE INDEX jobs_due ON jobs (created_at) WHERE status = 'PENDING';
