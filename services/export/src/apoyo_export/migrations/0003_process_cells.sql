-- Verification's `process.cells`: the LN of each process's territory and of its dispersion
-- units at one cut, what summary.json needs. The newest announcement of a cut replaces the
-- others (a cut loaded again); the package uses the one of the process's current cut.
CREATE TABLE process_cells (
    process_id  text NOT NULL,
    cut         date NOT NULL,
    computed_at timestamptz NOT NULL,
    cells       jsonb NOT NULL,
    PRIMARY KEY (process_id, cut)
);
