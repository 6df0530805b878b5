-- The perceptual hash gained a fine half (vision/phash.py): a picture is reused only when
-- both halves are near. `phash` keeps the coarse half, which the bands index; rows recorded
-- before this have no fine half (NULL) and are judged on the coarse half alone, as then.
ALTER TABLE picture_hashes ADD COLUMN fine bigint;
ALTER TABLE picture_bands ADD COLUMN fine bigint;
UPDATE picture_bands b SET fine = h.fine
FROM picture_hashes h WHERE h.support_id = b.support_id AND h.kind = b.kind;
ALTER TABLE picture_bands DROP CONSTRAINT picture_bands_pkey;
ALTER TABLE picture_bands
    ADD PRIMARY KEY (process_id, band, value, support_id, kind) INCLUDE (phash, fine);
