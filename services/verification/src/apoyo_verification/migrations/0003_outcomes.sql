-- Classification and duplicates (docs/verification.md). `status` and `output` are what
-- `support.verified` says now; `verdict` is the support's own category before the duplicates
-- rule, kept so that a late, earlier support can revise the others.
ALTER TABLE supports
    ADD COLUMN verdict         text NOT NULL DEFAULT 'RECIBIDO',
    ADD COLUMN verdict_reasons text[] NOT NULL DEFAULT '{}';

-- The safety net of the duplicates rule: one standing support per citizen and process.
CREATE UNIQUE INDEX supports_one_counting ON supports (process_id, citizen_key)
    WHERE status IN ('EN_LISTA_NOMINAL', 'PENDIENTE_REVISION');

-- Processes as capture publishes them on `process.defined`.
CREATE TABLE processes (
    process_id text PRIMARY KEY,
    definition jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Events written with the outcomes that caused them (apoyo_common.outbox).
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
