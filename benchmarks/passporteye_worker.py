# mypy: ignore-errors
"""Runs PassportEye on image files and prints one JSON line per image.

Runs under the bench venv (.local/bench-venv, made by benchmarks/setup_anchors.sh), not the
project's: `.local/bench-venv/bin/python benchmarks/passporteye_worker.py PATH...` or paths one a
line on stdin. Each line: {"path", "lines": [3 strings] or null, "valid": bool, "ms"}.

`lines` are the TD1 lines as PassportEye parses them: its OCR clean-up of Tesseract's text, each
line cut or padded with '<' to 30 characters (its TD1 parser reads them so); null when the
clean-up did not give 3 lines. `valid` is PassportEye's own claim: valid_score 100 or all four
TD1 check digits valid. `ms` is the wall time of `read_mrz(path)`, measured after a warm-up run.
"""

import json
import os
import sys
import time
import warnings

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # Tesseract's OpenMP: one core, as ours

from passporteye import read_mrz
from passporteye.mrz.text import MRZOCRCleaner

TD1_WIDTH = 30


def lines_of(mrz):
    if mrz is None or mrz.mrz_type != "TD1":
        return None
    lines = MRZOCRCleaner.apply(mrz.aux.get("raw_text", ""))
    if len(lines) != 3:
        return None
    return [line[:TD1_WIDTH].ljust(TD1_WIDTH, "<") for line in lines]


def claims_valid(mrz):
    if mrz is None:
        return False
    return mrz.valid_score == 100 or (mrz.mrz_type == "TD1" and all(mrz.valid_check_digits))


def main(argv):
    paths = argv or [line.strip() for line in sys.stdin if line.strip()]
    if not paths:
        return
    warnings.simplefilter("ignore")  # scikit-image and imageio chatter on every image
    read_mrz(paths[0])  # warm-up: imports, first Tesseract start
    for path in paths:
        start = time.perf_counter()
        mrz = read_mrz(path)
        ms = (time.perf_counter() - start) * 1000
        record = {"path": path, "lines": lines_of(mrz), "valid": claims_valid(mrz), "ms": ms}
        print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
