-- The delivery log: one row per letter, keyed by the message id derived from its event.
-- `letter` (the address and the rendered text: personal data) is kept only until the row
-- settles (SENT, ABANDONED, EXPIRED); the log keeps the recipient's domain, never the address.
CREATE TABLE messages (
    message_id       text PRIMARY KEY,
    kind             text NOT NULL,
    recipient_domain text NOT NULL,
    state            text NOT NULL,
    attempts         integer NOT NULL DEFAULT 0,
    last_error       text,
    letter           jsonb,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    next_attempt_at  timestamptz NOT NULL,
    sent_at          timestamptz,
    CHECK (state IN ('PENDING', 'SENDING', 'FAILED', 'SENT', 'ABANDONED', 'EXPIRED'))
);
CREATE INDEX messages_due ON messages (next_attempt_at)
    WHERE state IN ('PENDING', 'SENDING', 'FAILED');

-- Outcomes follow revisions: a later `verified_at` replaces the outcome recorded.
ALTER TABLE outcomes ADD COLUMN verified_at timestamptz;
