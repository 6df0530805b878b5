-- The hearing (docs/hearing.md). Where each support's images are, as identity measured them:
-- the hearing and the desk show them.
CREATE TABLE evidence (
    support_id text NOT NULL,
    kind       text NOT NULL,
    object_key text NOT NULL,
    sha256     text NOT NULL,
    PRIMARY KEY (support_id, kind)
);

-- One written contest per support, referred to the desk (cause AUDIENCIA).
CREATE TABLE contests (
    support_id   text PRIMARY KEY,
    process_id   text NOT NULL,
    aspirant_id  text NOT NULL,
    argument     text NOT NULL,
    contested_by text NOT NULL,
    contested_at timestamptz NOT NULL
);

-- An aspirant's supports that do not count, in keyset order: only those rows are indexed.
CREATE INDEX supports_hearing ON supports (process_id, aspirant_id, received_at, support_id)
    WHERE status NOT IN ('EN_LISTA_NOMINAL', 'RECIBIDO');
