#!/usr/bin/env bash
# Local infrastructure for apoyo (dev and CI): Kafka, PostgreSQL, S3 on loopback.
#
#   deploy/local/infra.sh install   fetch/build everything into the cache (no servers started)
#   deploy/local/infra.sh up        install + start all three, detached; writes $APOYO_STATE/env
#   deploy/local/infra.sh down      stop all three cleanly
#   deploy/local/infra.sh status    one line per server; exit 0 only if all three answer
#   deploy/local/infra.sh env       print the client environment as export lines
#                                   (use: eval "$(deploy/local/infra.sh env)")
#   deploy/local/infra.sh {start|stop|restart} {kafka|postgres|s3}
#                                   one server only (fault drills: the others keep running)
set -euo pipefail
LOG_TAG=infra
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

D=$DEPLOY_LOCAL_DIR
ENV_FILE=$APOYO_STATE/env

env_lines() {
  local pg_user=${PG_USER:-apoyo} pg_pw=${PG_PASSWORD:-apoyo} pg_db=${PG_DATABASE:-apoyo}
  cat <<EOF
export APOYO_KAFKA_BOOTSTRAP=$APOYO_HOST:${KAFKA_PORT:-9092}
export APOYO_DATABASE_URL=postgresql://$pg_user:$pg_pw@$APOYO_HOST:${PG_PORT:-55432}/$pg_db
export APOYO_S3_ENDPOINT=$APOYO_HOST:${S3_PORT:-9000}
export APOYO_S3_ACCESS_KEY=${S3_ACCESS_KEY:-apoyo}
export APOYO_S3_SECRET_KEY=${S3_SECRET_KEY:-apoyo-secret-key}
export APOYO_S3_REGION=${S3_REGION:-us-east-1}
EOF
}

do_install() {
  local t0=$SECONDS rc=0 kp sp
  "$D/postgres.sh" install
  # Maven fetch and Go build are independent: run them side by side.
  "$D/kafka.sh" install &
  kp=$!
  "$D/s3.sh" install &
  sp=$!
  wait "$kp" || rc=1
  wait "$sp" || rc=1
  ((rc == 0)) || die "install failed (see messages above)"
  log "install done in $((SECONDS - t0))s (cache: $APOYO_CACHE)"
}

do_up() {
  local t0=$SECONDS
  do_install
  mkdir -p "$APOYO_STATE"
  "$D/postgres.sh" start
  "$D/s3.sh" start
  "$D/kafka.sh" start
  env_lines >"$ENV_FILE"
  log "all up in $((SECONDS - t0))s; client environment written to $ENV_FILE (source it, or: eval \"\$($0 env)\")"
  env_lines
}

do_down() {
  local rc=0
  "$D/kafka.sh" stop || rc=1
  "$D/s3.sh" stop || rc=1
  "$D/postgres.sh" stop || rc=1
  ((rc == 0)) || die "some servers did not stop cleanly"
}

do_status() {
  local rc=0
  "$D/kafka.sh" status || rc=1
  "$D/postgres.sh" status || rc=1
  "$D/s3.sh" status || rc=1
  return "$rc"
}

# one_server ACTION NAME: start, stop or restart one of the three, by its own script.
one_server() {
  local action=$1 name=${2:-}
  case $name in
    kafka | postgres | s3) ;;
    *) die "name a server: kafka, postgres or s3 (got '${name}')" ;;
  esac
  if [[ $action == restart ]]; then
    "$D/$name.sh" stop
    "$D/$name.sh" start
  else
    "$D/$name.sh" "$action"
  fi
}

case ${1:-} in
  install) do_install ;;
  start | stop | restart) one_server "$1" "${2:-}" ;;
  up) do_up ;;
  down) do_down ;;
  status) do_status ;;
  env) env_lines ;;
  *)
    echo "usage: $0 {install|up|down|status|env} | {start|stop|restart} {kafka|postgres|s3}" >&2
    exit 2
    ;;
esac
