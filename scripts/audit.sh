#!/usr/bin/env bash
# The dependency audit (`make audit`, part of `make test`): the locked requirements exported
# from uv.lock (every group, hashes included, the workspace's own packages left out), audited
# by scripts/audit.py. Needs PyPI reachable; docs/security.md, "Supply chain".
set -euo pipefail
cd "$(dirname "$0")/.."
UV="$(bash scripts/bootstrap.sh --print-uv | tail -1)"
mkdir -p .local/audit
UV_CACHE_DIR="${APOYO_CACHE:-$HOME/.cache/apoyo}/uv-cache" "$UV" export --frozen --quiet \
  --format requirements-txt --all-groups --no-emit-workspace -o .local/audit/requirements.txt
.venv/bin/python scripts/audit.py .local/audit/requirements.txt
