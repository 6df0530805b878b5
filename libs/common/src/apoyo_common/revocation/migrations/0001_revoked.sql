-- Revoked bearer tokens (docs/security.md, "Tokens"): by subject (every token of someone) or
-- by token id (`jti`, one token). Shared by every service that checks tokens; rows are few
-- and stay until their tokens would have expired anyway.
CREATE TABLE revoked (
    kind       text NOT NULL CHECK (kind IN ('subject', 'jti')),
    value      text NOT NULL,
    revoked_at timestamptz NOT NULL,
    revoked_by text NOT NULL,
    reason     text NOT NULL DEFAULT '',
    PRIMARY KEY (kind, value)
);
