-- What a request told about itself (IP, user agent, consent hash, grant): for its certificate.
ALTER TABLE supports ADD COLUMN submission jsonb NOT NULL DEFAULT '{}';
CREATE INDEX supports_captured_by ON supports (process_id, aspirant_id, captured_by);

-- Single-use permissions of citizens: invitations and self-service e-mail codes.
-- Only hashes of tokens (SHA-256) and codes (HMAC) are kept; spent with the support it stored.
CREATE TABLE grants (
    grant_id          text PRIMARY KEY,
    kind              text NOT NULL,
    process_id        text NOT NULL,
    aspirant_id       text NOT NULL,
    email             text NOT NULL,
    created_at        timestamptz NOT NULL,
    expires_at        timestamptz NOT NULL,
    token_sha256      text,
    code_hmac         text,
    attempts          integer NOT NULL DEFAULT 0,
    opened_at         timestamptz,
    email_verified_at timestamptz,
    spent_at          timestamptz,
    support_id        text REFERENCES supports (support_id)
);
CREATE INDEX grants_aspirant ON grants (process_id, aspirant_id, created_at);

-- Auxiliaries (the FURA): one aspirant each; a revoked one captures no more.
CREATE TABLE auxiliaries (
    auxiliary_id  text PRIMARY KEY,
    process_id    text NOT NULL,
    aspirant_id   text NOT NULL,
    clave_elector text NOT NULL,
    form          jsonb NOT NULL,
    registered_by text NOT NULL,
    registered_at timestamptz NOT NULL,
    revoked_at    timestamptz
);
CREATE UNIQUE INDEX auxiliaries_one_aspirant ON auxiliaries (process_id, clave_elector)
    WHERE revoked_at IS NULL;
CREATE INDEX auxiliaries_aspirant ON auxiliaries (process_id, aspirant_id);

-- Each support's signed certificate, made once on first request and served as stored.
CREATE TABLE certificates (
    support_id text PRIMARY KEY REFERENCES supports (support_id),
    document   bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
