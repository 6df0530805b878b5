#!/usr/bin/env bash
# Prometheus and postgres_exporter on loopback, without Docker, from Debian's packages
# (docs/operations.md, "Running Prometheus and Grafana"). Grafana has no package here: import
# deploy/grafana/dashboards/*.json into a Grafana of your own, or use docker-compose.yml; or
# draw them from this Prometheus with `python -m scripts.dashboard_picture`.
#
#   APOYO_METRICS_TARGETS=127.0.0.1:8000,127.0.0.1:8001 deploy/local/monitoring.sh start
#   deploy/local/monitoring.sh queries   every dashboard query, evaluated now: series found
#   deploy/local/monitoring.sh status | stop | install
#
# Prometheus listens on 127.0.0.1:${PROM_PORT:-9490} and loads deploy/prometheus/alerts.yml;
# the exporter on ${EXPORTER_PORT:-9487} reads APOYO_DATABASE_URL (the local server by
# default). Not the packages' own ports: where systemd runs, Debian starts its own instances.
set -euo pipefail
LOG_TAG=monitoring
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PROM_PORT=${PROM_PORT:-9490}
EXPORTER_PORT=${EXPORTER_PORT:-9487}
DIR=$APOYO_STATE/monitoring
PPID_FILE=$DIR/prometheus.pid
XPID_FILE=$DIR/exporter.pid
DSN=${APOYO_DATABASE_URL:-postgresql://apoyo:apoyo@$APOYO_HOST:55432/apoyo}

do_install() {
  local missing=()
  command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
  command -v prometheus-postgres-exporter >/dev/null 2>&1 || missing+=(prometheus-postgres-exporter)
  ((${#missing[@]} == 0)) || apt_install "${missing[@]}"
  log "$(prometheus --version 2>&1 | head -1)"
}

write_config() {
  local targets=${APOYO_METRICS_TARGETS:?set APOYO_METRICS_TARGETS to the services host:port list}
  local list each
  IFS=, read -ra each <<<"$targets"
  list=$(printf '"%s", ' "${each[@]}")
  mkdir -p "$DIR"
  cat >"$DIR/prometheus.yml" <<YAML
global: {scrape_interval: 5s, evaluation_interval: 5s}
rule_files: ["$REPO_ROOT/deploy/prometheus/alerts.yml"]
scrape_configs:
  - job_name: apoyo
    honor_labels: true
    static_configs: [{targets: [${list%, }]}]
  - job_name: postgres
    static_configs: [{targets: ["$APOYO_HOST:$EXPORTER_PORT"]}]
YAML
}

do_start() {
  command -v prometheus >/dev/null 2>&1 || do_install
  write_config
  local pid
  if ! pid=$(pidfile_alive "$XPID_FILE" prometheus-postgres-exporter); then
    port_open "$EXPORTER_PORT" && die "port $EXPORTER_PORT is in use (set EXPORTER_PORT)"
    # The DSN goes through the environment, not argv (not visible in ps).
    DATA_SOURCE_NAME="$DSN?sslmode=disable" start_detached "$DIR/exporter.log" "$XPID_FILE" \
      prometheus-postgres-exporter --web.listen-address="$APOYO_HOST:$EXPORTER_PORT"
  fi
  if ! pid=$(pidfile_alive "$PPID_FILE" "$DIR/prometheus.yml"); then
    port_open "$PROM_PORT" && die "port $PROM_PORT is in use (set PROM_PORT)"
    start_detached "$DIR/prometheus.log" "$PPID_FILE" prometheus \
      --config.file="$DIR/prometheus.yml" --storage.tsdb.path="$DIR/tsdb" \
      --web.listen-address="$APOYO_HOST:$PROM_PORT"
  fi
  local deadline=$((SECONDS + 60))
  until curl -fs "http://$APOYO_HOST:$PROM_PORT/-/ready" >/dev/null; do
    ((SECONDS < deadline)) || { show_log_tail "$DIR/prometheus.log"; die "prometheus not ready"; }
    sleep 0.5
  done
  echo "prometheus ready on http://$APOYO_HOST:$PROM_PORT (targets $APOYO_METRICS_TARGETS)"
}

do_stop() {
  stop_pidfile prometheus "$PPID_FILE" "$DIR/prometheus.yml" 30
  stop_pidfile postgres_exporter "$XPID_FILE" prometheus-postgres-exporter 10
}

do_status() {
  local pid
  if pid=$(pidfile_alive "$PPID_FILE" "$DIR/prometheus.yml") &&
    curl -fs "http://$APOYO_HOST:$PROM_PORT/-/ready" >/dev/null; then
    echo "prometheus running on http://$APOYO_HOST:$PROM_PORT (pid $pid)"
    return 0
  fi
  echo "prometheus: not running"
  return 1
}

do_queries() {
  python3 "$DEPLOY_LOCAL_DIR/dashboard_queries.py" "http://$APOYO_HOST:$PROM_PORT"
}

dispatch "${1:-}" queries do_queries
