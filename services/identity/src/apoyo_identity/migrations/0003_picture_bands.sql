-- The reuse search without a scan of the whole process (multi-index hashing): each hash is
-- also stored under each of its four 16-bit quarters ("bands"). Two hashes at Hamming
-- distance 7 or less differ in at most 1 bit in at least one quarter (if every quarter
-- differed in 2 or more, they would differ in 8), so the new picture's candidates are found
-- under each of its quarters and the 16 one-bit variants of each: 68 index probes, a few
-- hundred candidates in a process of a million pictures. The distance is then checked inside
-- the index (the hash is carried in it), without visiting a table.
CREATE TABLE picture_bands (
    process_id text NOT NULL,
    band       smallint NOT NULL,  -- which quarter of the hash, 0 the lowest
    value      integer NOT NULL,   -- that quarter, 0..65535
    support_id text NOT NULL,
    kind       text NOT NULL,
    phash      bigint NOT NULL,
    PRIMARY KEY (process_id, band, value, support_id, kind) INCLUDE (phash)
);

INSERT INTO picture_bands (process_id, band, value, support_id, kind, phash)
SELECT h.process_id, b.band, ((h.phash >> (16 * b.band)) & 65535)::integer, h.support_id,
       h.kind, h.phash
FROM picture_hashes h, generate_series(0, 3) AS b(band);
