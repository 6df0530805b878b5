#!/usr/bin/env bash
# S3-compatible object storage on loopback, for dev and CI: Versity S3 Gateway
# (versitygw, Apache-2.0, Go) with its posix backend, built from its Go module
# with `go install` into the cache. See README.md for why not MinIO.
#
#   deploy/local/s3.sh {install|start|stop|status}
#
# env: S3_PORT (9000), S3_ACCESS_KEY (apoyo), S3_SECRET_KEY (apoyo-secret-key),
#      S3_REGION (us-east-1), VERSITYGW_VERSION (v1.8.0), S3_START_TIMEOUT (60),
#      S3_KEEP_ALIVE (1 keeps connections after an answer, as MinIO and AWS do; 0 closes them),
#      S3_MD5_ETAG (0: ETags from the object's checksum, no MD5 of every upload; 1: MD5 ETags),
#      APOYO_CACHE, APOYO_STATE
set -euo pipefail
LOG_TAG=s3
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

VERSITYGW_VERSION=${VERSITYGW_VERSION:-v1.8.0}
VERSITYGW_MODULE=github.com/versity/versitygw
S3_PORT=${S3_PORT:-9000}
S3_ACCESS_KEY=${S3_ACCESS_KEY:-apoyo}
S3_SECRET_KEY=${S3_SECRET_KEY:-apoyo-secret-key}
S3_REGION=${S3_REGION:-us-east-1}
S3_START_TIMEOUT=${S3_START_TIMEOUT:-60}
# 1: kept-alive connections, as MinIO and AWS keep them (versitygw closes each one after its
# answer by default), so the tests meet the connection reuse production has. Whoever opens an
# S3 client closes it (S3Store.aclose): a kept connection left open is a ResourceWarning.
S3_KEEP_ALIVE=${S3_KEEP_ALIVE:-1}
# 0: versitygw's --data-integrity-etag. By default it hashes every upload twice, an MD5 for the
# ETag and the CRC64NVME checksum it stores; with this the ETag is made from the checksum
# ("CRC64NVME-<base64>"). The MD5 was a sixth of the server's CPU under capture's uploads
# (docs/operations.md, *Capture's reception, sixth pass*), and nothing here reads an ETag as an
# MD5 (apoyo's clients check what they stored by their own SHA-256).
S3_MD5_ETAG=${S3_MD5_ETAG:-0}

S3_HOME=$APOYO_CACHE/s3/versitygw-$VERSITYGW_VERSION
S3_BIN=$S3_HOME/versitygw
SSTATE=$APOYO_STATE/s3
SDATA=$SSTATE/data         # one directory per bucket
SVERS=$SSTATE/versions     # object versions (for buckets with versioning enabled)
SPID=$SSTATE/s3.pid
SLOG=$SSTATE/s3.log
HEALTH_PATH=/_health       # "_health" is not a valid bucket name, so no clash
ENDPOINT=$APOYO_HOST:$S3_PORT

ensure_go() {
  if ! command -v go >/dev/null 2>&1; then
    log "no Go toolchain found, trying Debian's golang-go"
    apt_install golang-go ca-certificates
  fi
  command -v go >/dev/null 2>&1 || die "Go not found; versitygw $VERSITYGW_VERSION needs Go >= 1.25"
  local v
  v=$(go env GOVERSION | sed 's/^go//')
  # Go >= 1.21 can fetch a newer toolchain itself (GOTOOLCHAIN=auto) if the module asks for one.
  if [[ $(printf '%s\n1.21\n' "$v" | sort -V | head -n 1) != 1.21 ]]; then
    die "Go $v is too old (need >= 1.21, ideally >= 1.25) to build versitygw"
  fi
}

do_install() {
  if [[ -x $S3_BIN && -f $S3_HOME/.complete ]]; then
    log "versitygw $VERSITYGW_VERSION already built (cached in $S3_HOME)"
    return 0
  fi
  ensure_go
  log "building versitygw $VERSITYGW_VERSION with go install (first time: ~2 min on 2 cores)"
  local tmp=$S3_HOME.tmp.$$ t0=$SECONDS
  rm -rf "$tmp"
  mkdir -p "$tmp"
  if ! GOBIN=$tmp GOFLAGS=-buildvcs=false go install -trimpath \
    -ldflags "-s -w -X main.Version=$VERSITYGW_VERSION -X main.Build=go-install -X main.BuildTime=$(date -u +%FT%TZ)" \
    "$VERSITYGW_MODULE/cmd/versitygw@$VERSITYGW_VERSION"; then
    rm -rf "$tmp"
    die "go install $VERSITYGW_MODULE/cmd/versitygw@$VERSITYGW_VERSION failed"
  fi
  echo "$VERSITYGW_VERSION" >"$tmp/.complete"
  rm -rf "$S3_HOME"
  mkdir -p "$(dirname "$S3_HOME")"
  mv "$tmp" "$S3_HOME"
  log "versitygw $VERSITYGW_VERSION built in $((SECONDS - t0))s: $S3_BIN"
}

healthy() {
  port_open "$S3_PORT" || return 1
  local status
  # shellcheck disable=SC2016 # expanded by the inner bash
  status=$(timeout 5 bash -c '
    exec 3<>"/dev/tcp/$1/$2"
    printf "GET %s HTTP/1.0\r\nHost: %s:%s\r\n\r\n" "$3" "$1" "$2" >&3
    head -n 1 <&3' _ "$APOYO_HOST" "$S3_PORT" "$HEALTH_PATH" 2>/dev/null || true)
  [[ $status == *" 200"* ]]
}

# Each bucket's directory in a block group of its own (ext2/3/4's "top directory" flag on the
# data folder: the kernel places each new subfolder, a bucket, as it places folders at the
# filesystem's root). On ext4 without a journal, as on this project's dev machines, creating a
# file first steps over every inode of its group freed in the last minutes (`recently_deleted`
# in the kernel), and a load run's bucket, deleted at its end, left thousands there: the next
# run's bucket, created in the same group, spent half the server's CPU on that walk
# (docs/operations.md, *Capture's reception, ninth pass*). Elsewhere chattr fails: no matter.
spread_buckets() {
  chattr +T "$SDATA" 2>/dev/null || true
}

ready_line() { echo "s3 versitygw $VERSITYGW_VERSION ready on http://$ENDPOINT (access key $S3_ACCESS_KEY, region $S3_REGION)"; }

do_start() {
  [[ -x $S3_BIN && -f $S3_HOME/.complete ]] || do_install
  local pid
  if pid=$(pidfile_alive "$SPID" "$S3_BIN"); then
    log "already running (pid $pid)"
  else
    rm -f "$SPID"
    port_open "$S3_PORT" && die "port $ENDPOINT is already in use by another process (set S3_PORT)"
    mkdir -p "$SDATA" "$SVERS"
    spread_buckets
    local keep_alive=()
    [[ $S3_KEEP_ALIVE == 1 ]] && keep_alive=(--keep-alive)
    local etags=()
    [[ $S3_MD5_ETAG == 1 ]] || etags=(--data-integrity-etag)
    log "starting versitygw $VERSITYGW_VERSION (data $SDATA, log $SLOG)"
    # credentials go through the environment, not argv (not visible in ps)
    ROOT_ACCESS_KEY_ID=$S3_ACCESS_KEY ROOT_SECRET_ACCESS_KEY=$S3_SECRET_KEY \
      start_detached "$SLOG" "$SPID" "$S3_BIN" \
      --port "$ENDPOINT" --region "$S3_REGION" --health "$HEALTH_PATH" --quiet "${keep_alive[@]}" \
      posix "${etags[@]}" --versioning-dir "$SVERS" "$SDATA"
    pid=$(<"$SPID")
  fi
  local deadline=$((SECONDS + S3_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! pid_alive "$pid"; then
      rm -f "$SPID"
      show_log_tail "$SLOG"
      die "versitygw exited during startup"
    fi
    if healthy; then
      ready_line
      return 0
    fi
    sleep 0.3
  done
  show_log_tail "$SLOG"
  die "versitygw not ready after ${S3_START_TIMEOUT}s (pid $pid)"
}

do_stop() {
  stop_pidfile s3 "$SPID" versitygw "${S3_STOP_TIMEOUT:-20}"
}

do_status() {
  local pid
  if ! pid=$(pidfile_alive "$SPID" versitygw); then
    echo "s3: not running"
    return 1
  fi
  if healthy; then
    echo "s3 versitygw $VERSITYGW_VERSION running on http://$ENDPOINT (pid $pid)"
    return 0
  fi
  echo "s3: process $pid up but not answering on $ENDPOINT"
  return 1
}

dispatch "${1:-}"
