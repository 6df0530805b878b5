-- One row per support outcome handled; the delivery log of e-mails joins it later.
CREATE TABLE outcomes (
    support_id    text PRIMARY KEY,
    process_id    text NOT NULL,
    status        text NOT NULL,
    messages_sent integer NOT NULL,
    output        jsonb NOT NULL,
    notified_at   timestamptz NOT NULL
);
