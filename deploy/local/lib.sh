# shellcheck shell=bash
# Shared helpers for deploy/local/*.sh. Sourced, not executed.
#
# Conventions:
#   APOYO_CACHE  downloaded/built artefacts, survives fresh clones   (default ~/.cache/apoyo)
#   APOYO_STATE  runtime state: data dirs, logs, pid files            (default <repo>/.local/infra)

DEPLOY_LOCAL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$DEPLOY_LOCAL_DIR/../.." && pwd)
APOYO_CACHE=${APOYO_CACHE:-${HOME:-/root}/.cache/apoyo}
APOYO_STATE=${APOYO_STATE:-$REPO_ROOT/.local/infra}
APOYO_HOST=127.0.0.1 # loopback only, on purpose
export APOYO_CACHE APOYO_STATE

LOG_TAG=${LOG_TAG:-infra}

log() { printf '[%s %s] %s\n' "$LOG_TAG" "$(date +%T)" "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

# Run a command as root: directly when we are root, else through sudo.
as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

_APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install manually: $*"
  if [[ $_APT_UPDATED -eq 0 ]]; then
    log "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
    _APT_UPDATED=1
  fi
  log "apt-get install -y $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "$@" >/dev/null
}

# True when a TCP port on loopback accepts connections.
port_open() {
  timeout 3 bash -c "exec 3<>/dev/tcp/$APOYO_HOST/$1" 2>/dev/null
}

# pid_alive PID [PATTERN]: PID exists, is not a zombie, and (if given) its
# command line contains PATTERN (guards against recycled pids).
pid_alive() {
  local pid=$1 pat=${2:-} state
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)
  [[ $state != Z ]] || return 1
  if [[ -n $pat ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$pat" || return 1
  fi
}

# pidfile_alive PIDFILE PATTERN: prints the pid and succeeds when it runs.
pidfile_alive() {
  local f=$1 pat=$2 pid
  [[ -s $f ]] || return 1
  pid=$(<"$f")
  pid_alive "$pid" "$pat" || return 1
  printf '%s\n' "$pid"
}

# start_detached LOGFILE PIDFILE CMD...: runs CMD in its own session, detached
# from the caller's terminal, stdout+stderr appended to LOGFILE.
start_detached() {
  local logfile=$1 pidfile=$2
  shift 2
  mkdir -p "$(dirname "$logfile")" "$(dirname "$pidfile")"
  printf '\n==== %s starting: %s\n' "$(date -Is)" "$*" >>"$logfile"
  # In a non-interactive shell the background child is not a process-group
  # leader, so setsid does not fork and $! is the server's own pid.
  setsid nohup "$@" >>"$logfile" 2>&1 </dev/null &
  echo $! >"$pidfile"
}

# stop_pidfile NAME PIDFILE PATTERN [TIMEOUT]: SIGTERM, wait, then SIGKILL.
stop_pidfile() {
  local name=$1 pidfile=$2 pat=$3 timeout=${4:-30} pid
  if ! pid=$(pidfile_alive "$pidfile" "$pat"); then
    rm -f "$pidfile"
    log "$name is not running"
    return 0
  fi
  log "stopping $name (pid $pid, SIGTERM, up to ${timeout}s)"
  kill -TERM "$pid" 2>/dev/null || true
  wait_gone "$pid" "$timeout"
  if pid_alive "$pid"; then
    log "$name did not stop within ${timeout}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 10
  fi
  pid_alive "$pid" && die "could not stop $name (pid $pid)"
  rm -f "$pidfile"
  log "$name stopped"
}

# show_log_tail FILE: print the end of a log to stderr (for failures).
show_log_tail() {
  [[ -f $1 ]] || return 0
  printf -- '----- last lines of %s -----\n' "$1" >&2
  tail -n "${2:-30}" "$1" >&2 || true
  printf -- '-----\n' >&2
}

# wait_gone PID SECONDS: wait until the process is gone, or the seconds have passed.
wait_gone() {
  local i
  for ((i = 0; i < $2 * 5; i++)); do
    pid_alive "$1" || return 0
    sleep 0.2
  done
}

# dispatch ACTION [NAME FUNCTION]...: the verbs every server script offers (install, start,
# stop, status, each a do_VERB function), then any extra NAME run by its FUNCTION.
dispatch() {
  local action=${1:-}
  shift || true
  case $action in
    install | start | stop | status)
      "do_$action"
      return
      ;;
  esac
  while (($# >= 2)); do
    if [[ $action == "$1" ]]; then
      "$2"
      return
    fi
    shift 2
  done
  usage_exit
}

usage_exit() {
  echo "usage: $0 {install|start|stop|status}" >&2
  exit 2
}
