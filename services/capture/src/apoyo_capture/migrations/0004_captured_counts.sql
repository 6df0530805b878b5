-- Each token subject's supports for an aspirant, kept as supports arrive and verdicts change
-- (docs/portals.md): the auxiliaries' table reads one row per auxiliary instead of counting
-- all of the aspirant's supports on every request. `decided`: neither RECIBIDO nor
-- PENDIENTE_REVISION; `rejected`: decided and not EN_LISTA_NOMINAL.
CREATE TABLE captured_counts (
    process_id  text NOT NULL,
    aspirant_id text NOT NULL,
    captured_by text NOT NULL,
    supports    bigint NOT NULL DEFAULT 0,
    decided     bigint NOT NULL DEFAULT 0,
    rejected    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (process_id, aspirant_id, captured_by)
);
INSERT INTO captured_counts
SELECT process_id, aspirant_id, captured_by, count(*),
    count(*) FILTER (WHERE status NOT IN ('RECIBIDO', 'PENDIENTE_REVISION')),
    count(*) FILTER (WHERE status NOT IN ('RECIBIDO', 'PENDIENTE_REVISION', 'EN_LISTA_NOMINAL'))
FROM supports GROUP BY process_id, aspirant_id, captured_by;
