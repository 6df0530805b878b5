-- Processes as defined by the institute (interfaces.md §3).
CREATE TABLE processes (
    process_id text PRIMARY KEY,
    definition jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Every acknowledged support: durable here before the 202.
CREATE TABLE supports (
    support_id  text PRIMARY KEY,
    process_id  text NOT NULL,
    aspirant_id text NOT NULL,
    channel     text NOT NULL,
    captured_by text NOT NULL,
    status      text NOT NULL DEFAULT 'RECIBIDO',
    reasons     jsonb NOT NULL DEFAULT '[]',
    received_at timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    event       jsonb NOT NULL
);
CREATE INDEX supports_aspirant ON supports (process_id, aspirant_id, received_at);

-- The same key and body give the same answer; the same key with another body is a 409.
CREATE TABLE idempotency_keys (
    principal       text NOT NULL,
    idempotency_key text NOT NULL,
    fingerprint     text NOT NULL,
    support_id      text NOT NULL REFERENCES supports (support_id),
    PRIMARY KEY (principal, idempotency_key)
);

-- Transactional outbox: an acknowledged support reaches Kafka even if Kafka was down.
CREATE TABLE outbox (
    id            bigserial PRIMARY KEY,
    topic         text NOT NULL,
    key           bytea NOT NULL,
    payload       bytea NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    claimed_until timestamptz,
    published_at  timestamptz
);
CREATE INDEX outbox_pending ON outbox (id) WHERE published_at IS NULL;
