-- Progress and thresholds (docs/verification.md, "Progress"). `cell` is where a support's
-- record lives (entidad-distrito_federal-distrito_local-municipio-seccion), when one was found.
ALTER TABLE supports ADD COLUMN cell text;

-- The aggregates, moved in the transaction that records or revises the outcomes: supports per
-- process, aspirant, published status and cell ('' without a record).
CREATE TABLE tally (
    process_id  text NOT NULL,
    aspirant_id text NOT NULL,
    status      text NOT NULL,
    cell        text NOT NULL,
    n           bigint NOT NULL,
    PRIMARY KEY (process_id, aspirant_id, status, cell)
);
INSERT INTO tally (process_id, aspirant_id, status, cell, n)
    SELECT process_id, aspirant_id, status, '', count(*) FROM supports GROUP BY 1, 2, 3;

-- LN records per cell of each cut, counted once when the cut is loaded (or on first use for
-- cuts loaded before this migration): the roll has millions of rows, a territory's cells
-- a few thousand.
CREATE TABLE roll_cells (
    cut              date NOT NULL,
    cell             text COLLATE "C" NOT NULL,
    entidad          text COLLATE "C" NOT NULL,
    distrito_federal text COLLATE "C" NOT NULL,
    distrito_local   text COLLATE "C" NOT NULL,
    municipio        text COLLATE "C" NOT NULL,
    seccion          text COLLATE "C" NOT NULL,
    ln               bigint NOT NULL,
    PRIMARY KEY (cut, cell)
);
