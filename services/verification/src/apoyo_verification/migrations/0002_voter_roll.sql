-- Voter-roll cuts (docs/voter-roll.md). `roll` is partitioned by cut: one partition per
-- loaded cut, swapped in whole by the loader. `roll_template` is the one definition of a
-- row: the partitioned table and every staging table are made LIKE it, so that a loader
-- never locks `roll` itself until the swap. Codes are ASCII and only ever compared for
-- equality, so they take the "C" collation: a locale's collation would slow every index
-- build and lookup for nothing.
CREATE TABLE roll_template (
    cut              date NOT NULL,
    cic              text COLLATE "C" NOT NULL,
    identificador    text COLLATE "C" NOT NULL,
    clave_elector    text COLLATE "C" NOT NULL,
    emision          text COLLATE "C" NOT NULL,
    curp             text COLLATE "C",
    apellido_paterno text NOT NULL,
    apellido_materno text NOT NULL,
    nombre           text NOT NULL,
    fecha_nacimiento date NOT NULL,
    sexo             text NOT NULL,
    entidad          text COLLATE "C" NOT NULL,
    distrito_federal text COLLATE "C" NOT NULL,
    distrito_local   text COLLATE "C" NOT NULL,
    municipio        text COLLATE "C" NOT NULL,
    seccion          text COLLATE "C" NOT NULL,
    vigencia         smallint NOT NULL,
    situacion        text NOT NULL,
    causa_baja       text
);

CREATE TABLE roll (LIKE roll_template INCLUDING ALL) PARTITION BY LIST (cut);

-- The lookup paths. The second also serves the clave-only lookup (its leading column);
-- the OCR is sección + identificador, so it is searched as those two columns.
CREATE INDEX roll_card ON roll (cic, identificador);
CREATE INDEX roll_clave ON roll (clave_elector, emision, seccion, identificador);

-- One row per loaded cut, written in the same transaction as the swap.
CREATE TABLE roll_cuts (
    cut        date PRIMARY KEY,
    partition  text NOT NULL,
    rows       bigint NOT NULL,
    loaded_at  timestamptz NOT NULL
);
