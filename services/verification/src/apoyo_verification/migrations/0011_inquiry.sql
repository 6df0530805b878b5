-- A citizen's "was it me?" (docs/hearing.md): one-time codes e-mailed to an address given with
-- a support under the clave. Only keyed hashes of the clave and of the code are kept.
CREATE TABLE inquiry_codes (
    request_id text PRIMARY KEY,
    clave_hmac text NOT NULL,
    code_hmac  text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    attempts   integer NOT NULL DEFAULT 0,
    spent_at   timestamptz
);
CREATE INDEX inquiry_codes_clave ON inquiry_codes (clave_hmac, created_at DESC);
