-- One row per support decoded; the primary key is the business id that makes redelivery a no-op.
CREATE TABLE decodings (
    support_id  text PRIMARY KEY,
    process_id  text NOT NULL,
    citizen_key text NOT NULL,
    images      integer NOT NULL,
    image_bytes bigint NOT NULL,
    flags       jsonb NOT NULL,
    output      jsonb NOT NULL,
    decoded_at  timestamptz NOT NULL
);
CREATE INDEX decodings_process ON decodings (process_id);
