-- The aspirant's portal lists its supports newest first, one keyset page at a time
-- (docs/portals.md): each filter has an index that starts with the aspirant, then the filtered
-- column, then the keyset order, so a page reads about its own rows and no more.
DROP INDEX supports_aspirant;  -- a prefix of the next one
CREATE INDEX supports_aspirant_recent ON supports (process_id, aspirant_id, received_at, support_id);
CREATE INDEX supports_aspirant_status
    ON supports (process_id, aspirant_id, status, received_at, support_id);
CREATE INDEX supports_aspirant_channel
    ON supports (process_id, aspirant_id, channel, received_at, support_id);
DROP INDEX supports_captured_by;  -- a prefix of the next one (the auxiliaries' counts use it)
CREATE INDEX supports_aspirant_captured_by
    ON supports (process_id, aspirant_id, captured_by, received_at, support_id);
-- Reasons are a JSON array: those with a reason are found through this index, then sorted.
CREATE INDEX supports_reasons ON supports USING gin (reasons jsonb_path_ops);
