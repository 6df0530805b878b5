-- A subject's counts kept in several rows, summed when read (docs/portals.md): a support's
-- count moved in the same transaction as the support holds the count's row lock until the
-- commit's WAL flush, so two capture workers storing one auxiliary's supports at once
-- waited for each other's commit on every write. Each write now moves the counts of one
-- shard drawn at random (1 to 16), verdicts move shard 0's; the rows before this migration
-- become shard 0, their sums unchanged.
ALTER TABLE captured_counts ADD COLUMN shard smallint NOT NULL DEFAULT 0;
ALTER TABLE captured_counts DROP CONSTRAINT captured_counts_pkey;
ALTER TABLE captured_counts ADD PRIMARY KEY (process_id, aspirant_id, captured_by, shard);
