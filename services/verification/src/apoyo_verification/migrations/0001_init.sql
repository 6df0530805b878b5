-- One row per support; the unique citizen constraint of the duplicates rule comes with it.
CREATE TABLE supports (
    support_id  text PRIMARY KEY,
    process_id  text NOT NULL,
    aspirant_id text NOT NULL,
    citizen_key text NOT NULL,
    status      text NOT NULL,
    received_at timestamptz NOT NULL,
    output      jsonb NOT NULL,
    verified_at timestamptz NOT NULL
);
CREATE INDEX supports_citizen ON supports (process_id, citizen_key, received_at);
CREATE INDEX supports_aspirant ON supports (process_id, aspirant_id, status);
