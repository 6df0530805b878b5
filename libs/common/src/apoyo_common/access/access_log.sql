-- The access log (docs/security.md, "Access log"): one row per read of personal data or
-- evidence, hash-chained (apoyo_common.access.entries). Append-only: the triggers refuse any
-- change; `prev` UNIQUE means two entries can never follow the same one (no fork).
CREATE TABLE access_log (
    seq bigint PRIMARY KEY CHECK (seq > 0),
    at timestamptz NOT NULL,
    subject text NOT NULL,
    role text NOT NULL,
    purpose text NOT NULL,
    kind text NOT NULL,
    support_ids text[] NOT NULL,
    process_id text,
    aspirant_id text,
    prev text NOT NULL UNIQUE,
    chain text NOT NULL UNIQUE
);

CREATE INDEX access_log_support_ids ON access_log USING gin (support_ids);

CREATE FUNCTION access_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'access_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change();

CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
    FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuse_change();
