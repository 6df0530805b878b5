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

if [ "${1:-}" = "--print-uv" ]; then  # for scripts/audit.sh: the uv this checkout uses
  echo "$UV_HOME/bin/uv"
  exit 0
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
# System packages the Python packages rely on, from Debian, installed when we are root.
need_package() {  # PACKAGE WHY: install PACKAGE unless already installed
  local package=$1 why=$2
  dpkg -s "$package" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "bootstrap: installing $package ($why)"
    local install=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package")
    # A fresh image may have no package lists yet: update only when the first try fails.
    "${install[@]}" >/dev/null || { apt-get update -qq && "${install[@]}" >/dev/null; } \
      || echo "bootstrap: WARNING: could not install $package" >&2
  else
    echo "bootstrap: WARNING: $package is missing ($why): run 'sudo apt-get install $package'" >&2
  fi
}
need_package fonts-ocr-b "the OCR-B font: MRZ templates and synthetic credentials"
need_package libzbar0 "the zbar library pyzbar loads, for the barcode benchmark"
need_package fonts-dejavu-core "DejaVu Sans: the accents on the printed cédulas"
need_package chromium "the browser the citizen-form tests drive with Playwright"
# The machine's own Node.js may carry npm outside Debian's packages (Debian's npm then
# conflicts with it): ask apt only when there is no npm at all.
command -v npm >/dev/null \
  || need_package npm "npm installs axe-core, the accessibility check of the browser tests"
# axe-core at the version tests/axe/package-lock.json pins; reinstalled only when the lock changes.
if command -v npm >/dev/null; then
  installed=tests/axe/node_modules/.package-lock.json
  if [ ! -f "$installed" ] || [ tests/axe/package-lock.json -nt "$installed" ]; then
    (cd tests/axe && npm ci --ignore-scripts --no-audit --no-fund --silent) \
      || echo "bootstrap: WARNING: npm ci in tests/axe failed: the accessibility checks will fail" >&2
  fi
fi
# kustomize and the operators' CRDs for the Kubernetes manifests' tests (docs/kubernetes.md).
bash scripts/k8s-tools.sh || echo "bootstrap: WARNING: scripts/k8s-tools.sh failed: tests/unit/deploy will fail" >&2
echo "bootstrap: .venv ready ($(.venv/bin/python --version))"
