"""Credential rules as pure functions: MRZ (ICAO 9303 TD1), OCR, CIC; the CURP and clave de
elector rules, which verification needs too, are in `apoyo_common.rules`."""
