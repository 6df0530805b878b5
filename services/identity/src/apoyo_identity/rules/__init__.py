"""Credential rules as pure functions: MRZ (ICAO 9303 TD1), CURP, clave de elector, OCR, CIC."""
