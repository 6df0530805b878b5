#!/usr/bin/env bash
# Installs the public anchors the benchmarks compare against, and nothing else:
#   - Debian's tesseract-ocr (apt, needs root), used by PassportEye;
#   - a separate venv .local/bench-venv with PassportEye from PyPI, pinned to versions
#     verified on Python 3.11 with Tesseract 5.3.0 (Debian 12).
# It never touches the project's .venv. Idempotent: a second run with the same pins does nothing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.local/bench-venv"
PYTHON="${PYTHON:-python3}"

# Every package of the bench venv, pinned: PassportEye 2.2.2 and what it pulls in, as verified.
PINS=(
  passporteye==2.2.2
  pytesseract==0.3.13
  numpy==2.4.6
  scipy==1.17.1
  scikit-image==0.26.0
  scikit-learn==1.9.1
  imageio==2.38.1
  matplotlib==3.11.2
  pdfminer==20191125
  pillow==13.0.0
  tifffile==2026.3.3
  networkx==3.6.1
  lazy-loader==0.6
  joblib==1.6.0
  threadpoolctl==3.8.0
  contourpy==1.3.3
  cycler==0.12.1
  fonttools==4.68.0
  kiwisolver==1.5.1
  pyparsing==3.3.3
  python-dateutil==4.0.0
  packaging==26.4
  pycryptodome==4.4.0
  cloudpickle==3.1.3
  narwhals==2.29.0
  tzdata==2026.6
)

install_tesseract() {
  if command -v tesseract >/dev/null 2>&1; then
    echo "tesseract: $(tesseract --version 2>&1 | head -n1) (already installed)"
    return
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "tesseract is missing and this is not root: run as root" >&2
    echo "  apt-get update && apt-get install -y tesseract-ocr" >&2
    exit 1
  fi
  echo "installing tesseract-ocr (apt)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr >/dev/null
  echo "tesseract: $(tesseract --version 2>&1 | head -n1)"
}

install_venv() {
  local stamp="$VENV/.pins" wanted
  wanted="$(printf '%s\n' "${PINS[@]}")"
  if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
    echo "bench venv: $VENV (already up to date)"
    return
  fi
  echo "creating bench venv: $VENV"
  mkdir -p "$ROOT/.local"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${PINS[@]}"
  printf '%s\n' "$wanted" >"$stamp"
}

check() {
  # A real OCR call through PassportEye's own Tesseract wrapper, on a line of MRZ text.
  "$VENV/bin/python" -W ignore - <<'EOF2'
import numpy as np
import passporteye
import pytesseract
from passporteye.util.ocr import ocr
from PIL import Image, ImageDraw, ImageFont

line = "IDAUT10000999<6<<<<<<<<<<<<<<<"
image = Image.new("L", (900, 80), 255)
ImageDraw.Draw(image).text((10, 15), line, fill=0, font=ImageFont.load_default(size=40))
text = ocr(np.asarray(image))
assert "<<<" in text, f"PassportEye/Tesseract read {text!r}"
print(f"passporteye {passporteye.__version__}, tesseract {pytesseract.get_tesseract_version()}: ok")
EOF2
}

install_tesseract
install_venv
check
