-- The roll's lookup indexes on the leading key alone (docs/voter-roll.md, "Tables"): a CIC
-- or a clave de elector all but identifies its record, so the rest of each lookup's key is
-- checked on the one or two rows found, and the narrower keys make a state's cut sort and
-- load faster. Existing cuts get the new indexes here; a load builds them on its partition.
DROP INDEX roll_card;
DROP INDEX roll_clave;
CREATE INDEX roll_card ON roll (cic);
CREATE INDEX roll_clave ON roll (clave_elector);
