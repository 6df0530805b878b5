#!/usr/bin/env bash
# Install the whole workspace into .venv from the lockfile (uv.lock), on a fresh machine too.
# uv itself comes from PyPI into a cached venv; Python is the machine's (3.11+), never downloaded.
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION=0.13.8
CACHE="${APOYO_CACHE:-$HOME/.cache/apoyo}"
UV_HOME="$CACHE/uv-$UV_VERSION"
PYTHON="${APOYO_PYTHON:-python3}"

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "bootstrap: $PYTHON is older than 3.11" >&2
  exit 1
fi
if [ ! -x "$UV_HOME/bin/uv" ]; then
  echo "bootstrap: installing uv $UV_VERSION into $UV_HOME"
  "$PYTHON" -m venv "$UV_HOME"
  "$UV_HOME/bin/pip" install --quiet --disable-pip-version-check "uv==$UV_VERSION"
fi

export UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT=.venv UV_CACHE_DIR="$CACHE/uv-cache"
"$UV_HOME/bin/uv" sync --locked --python "$PYTHON" --quiet

# As root, the embedded PostgreSQL runs as `nobody`, which must be able to walk down to this
# checkout (its .venv holds the server binaries, .local its data). Grant traverse-only (o+x).
if [ "$(id -u)" = 0 ]; then
  dir="$(pwd)"
  while [ "$dir" != "/" ]; do
    if [ "$(( $(stat -c '%a' "$dir" | tail -c 2) & 1 ))" = 0 ]; then
      echo "bootstrap: granting o+x on $dir so the embedded PostgreSQL (user nobody) can reach it"
      chmod o+x "$dir"
    fi
    dir="$(dirname "$dir")"
  done
fi
# The synthetic credentials (src/apoyo/synthetic) print their MRZ in OCR-B, Debian's fonts-ocr-b.
OCRB_FONT=/usr/share/fonts/opentype/ocr-b/OCRB.otf
ocrb_install() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-ocr-b >/dev/null; }
if [ ! -f "$OCRB_FONT" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "bootstrap: installing fonts-ocr-b (OCR-B font for the synthetic credentials' MRZ)"
    # A fresh image may have no package lists yet: update only when the first try fails.
    ocrb_install || { apt-get update -qq && ocrb_install; } \
      || echo "bootstrap: WARNING: could not install fonts-ocr-b; synthetic credentials will fail" >&2
  else
    echo "bootstrap: WARNING: $OCRB_FONT is missing and the synthetic credentials need it:" \
      "run 'sudo apt-get install fonts-ocr-b' (or point APOYO_OCRB_FONT at an OCR-B font file)" >&2
  fi
fi
# pyzbar (an identity dependency, measured by benchmarks/barcodes.py) loads Debian's libzbar0.
zbar_present() { { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | grep -q 'libzbar\.so\.0'; }
zbar_install() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libzbar0 >/dev/null; }
if ! zbar_present; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "bootstrap: installing libzbar0 (the zbar library pyzbar loads)"
    zbar_install || { apt-get update -qq && zbar_install; } \
      || echo "bootstrap: WARNING: could not install libzbar0; importing pyzbar will fail" >&2
  else
    echo "bootstrap: WARNING: the zbar library is missing and pyzbar needs it:" \
      "run 'sudo apt-get install libzbar0'" >&2
  fi
fi
echo "bootstrap: .venv ready ($(.venv/bin/python --version))"
