-- Voter-roll cuts (docs/voter-roll.md). `roll` is partitioned by cut: one partition per
-- loaded cut, swapped in whole by the loader. `roll_template` is the one definition of a
-- row: the partitioned table and every staging table are made LIKE it, so that a loader
-- never locks `roll` itself until the swap.
CREATE TABLE roll_template (
    cut              date NOT NULL,
    cic              text NOT NULL,
    identificador    text NOT NULL,
    clave_elector    text NOT NULL,
    emision          text NOT NULL,
    curp             text,
    apellido_paterno text NOT NULL,
    apellido_materno text NOT NULL,
    nombre           text NOT NULL,
    fecha_nacimiento date NOT NULL,
    sexo             text NOT NULL,
    entidad          text NOT NULL,
    distrito_federal text NOT NULL,
    distrito_local   text NOT NULL,
    municipio        text NOT NULL,
    seccion          text NOT NULL,
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
