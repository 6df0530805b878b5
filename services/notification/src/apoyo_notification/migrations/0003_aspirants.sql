-- Who gets the daily summary: the aspirants of each process (names from `process.defined`).
-- No address here: it comes from the settings (docs/notification.md).
CREATE TABLE aspirants (
    process_id   text NOT NULL,
    aspirant_id  text NOT NULL,
    process_name text NOT NULL,
    name         text NOT NULL,
    PRIMARY KEY (process_id, aspirant_id)
);
