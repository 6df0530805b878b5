-- Perceptual hashes of every credential picture and selfie, to catch the same picture sent
-- for different supports of a process (the 2018 "simulated credentials").
CREATE TABLE picture_hashes (
    process_id text NOT NULL,
    support_id text NOT NULL,
    kind       text NOT NULL,
    phash      bigint NOT NULL,
    PRIMARY KEY (support_id, kind)
);
CREATE INDEX picture_hashes_process ON picture_hashes (process_id);
