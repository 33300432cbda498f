# Shared by the bench scripts (source it; it is not run on its own): the jar, a free port, a
# throw-away demo server on the embedded PostgreSQL, stopping it, and the verify/warnings report.
# The sourcing script sets BENCH_NAME (for log lines) and `set -euo pipefail`, and is run from ROOT.
#
# Environment read here: CXPULSE_JAR (default server/target/cxpulse.jar, built when missing),
# REBUILD=1 (build it anyway), BENCH_PORT (default: a free port in 20000-39999), KEEP=1 (keep the
# temporary directory), SERVER_JAVA_OPTS (extra JVM options of the server, split on spaces).

log() { printf '[%s %s] %s\n' "${BENCH_NAME:-bench}" "$(date +%H:%M:%S)" "$*" >&2; }

# Sets JAR (absolute). Tests are not compiled (-Dmaven.test.skip=true): a benchmark needs none, so a
# work-in-progress test cannot break it. When the working tree does not build, a clean export of HEAD
# is built in a new temporary directory instead (left there: the jar is used after this returns).
bench_jar() {
  local src
  JAR="${CXPULSE_JAR:-server/target/cxpulse.jar}"
  if [[ -n "${CXPULSE_JAR:-}" ]]; then
    [[ -f "$JAR" ]] || { log "CXPULSE_JAR=$JAR does not exist"; exit 1; }
  elif [[ ! -f "$JAR" || "${REBUILD:-0}" == 1 ]]; then
    log "building $JAR"
    if ! ./mvnw -q -Dmaven.test.skip=true package; then
      src="$(mktemp -d "${TMPDIR:-/tmp}/cxpulse-head.XXXXXX")"
      log "the working tree does not build; building a clean export of HEAD in $src"
      git archive HEAD | tar -x -C "$src"
      (cd "$src" && ./mvnw -q -Dmaven.test.skip=true package)
      JAR="$src/server/target/cxpulse.jar"
    fi
  fi
  JAR="$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")"
  log "jar: $JAR ($(date -r "$JAR" '+%Y-%m-%d %H:%M:%S'))"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Prints a port nobody listens on, in 20000-39999.
free_port() {
  local c
  for _ in $(seq 1 50); do
    c=$((20000 + RANDOM % 20000))
    if port_free "$c"; then echo "$c"; return 0; fi
  done
  log "no free port found"
  return 1
}

# Stops the server of SERVER_PID (SIGTERM, SIGKILL after 60 s), then an embedded postmaster of
# DATA/pg that outlived it: it is not a child of the JVM, and its data is about to be deleted.
stop_server() {
  if [[ -n "${SERVER_PID:-}" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    log "stopping the server (pid $SERVER_PID) with SIGTERM"
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 600); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      log "server still running after 60 s; SIGKILL"
      kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
  local pg_pid
  if [[ -n "${DATA:-}" && -f "$DATA/pg/postmaster.pid" ]]; then
    pg_pid="$(head -1 "$DATA/pg/postmaster.pid" 2>/dev/null || true)"
    if [[ "$pg_pid" =~ ^[0-9]+$ ]] && kill -0 "$pg_pid" 2>/dev/null \
        && grep -q postgres "/proc/$pg_pid/cmdline" 2>/dev/null; then
      log "embedded PostgreSQL (pid $pg_pid) outlived the server; fast shutdown (SIGINT)"
      kill -INT "$pg_pid" 2>/dev/null || true
      for _ in $(seq 1 300); do kill -0 "$pg_pid" 2>/dev/null || break; sleep 0.1; done
    fi
  fi
}

# Waits until GET /health/ready on PORT answers 200 (up to $2 seconds, default 120); the server's
# log is $1. Returns 1 if the server exits or is not ready in time.
wait_ready() {
  local tries=$(( ${2:-120} * 2 ))
  for _ in $(seq 1 "$tries"); do
    kill -0 "$SERVER_PID" 2>/dev/null || { log "the server exited during start:"; tail -40 "$1" >&2; return 1; }
    if [[ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$PORT/health/ready" || true)" == 200 ]]; then
      return 0
    fi
    sleep 0.5
  done
  log "not ready after ${2:-120} s"; tail -40 "$1" >&2
  return 1
}

# Waits (up to 120 s) for the demo's "demo backfill" log line in $1, then 3 s more.
wait_backfill() {
  log "waiting for the demo backfill to finish"
  for _ in $(seq 1 240); do
    grep -q "demo backfill" "$1" && break
    sleep 0.5
  done
  grep "demo backfill" "$1" >&2 || log "no backfill line after 120 s; going on"
  sleep 3
}

# A throw-away demo server: DATA is a new temporary directory (prefix $1) holding the embedded
# PostgreSQL and server.log, PORT a free port (or BENCH_PORT), no live demo traffic, the bench
# endpoints on. Removed again on exit unless KEEP=1. Returns once the demo backfill is done.
start_demo_server() {
  PORT="${BENCH_PORT:-$(free_port)}"
  DATA="$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")"
  SERVER_PID=""
  trap 'stop_server; if [[ "${KEEP:-0}" == 1 ]]; then log "KEEP=1: keeping $DATA (server.log, pg/)"; else rm -rf "$DATA"; fi' EXIT
  trap 'exit 130' INT TERM
  log "starting the server on port $PORT with DATA_DIR $DATA"
  # SERVER_JAVA_OPTS is split on spaces on purpose (several options).
  # shellcheck disable=SC2086
  env -u DATABASE_URL -u PGHOST -u PGPORT -u PGDATABASE -u PGUSER -u PGPASSWORD \
    DATA_DIR="$DATA" HTTP_PORT="$PORT" BENCH_ENDPOINTS=true DEMO_RATE=0 \
    java ${SERVER_JAVA_OPTS:-} -jar "$JAR" serve --demo >"$DATA/server.log" 2>&1 &
  SERVER_PID=$!
  wait_ready "$DATA/server.log" || exit 1
  log "ready"
  wait_backfill "$DATA/server.log"
}

# A token of the demo tenant with role $1 (further arguments go to `cxpulse token`).
demo_token() {
  local role="$1"; shift
  DATA_DIR="$DATA" java -jar "$JAR" token --tenant demo --role "$role" "$@" 2>/dev/null | tail -1
}

# Runs `cxpulse verify` against the still-running server and prints its verdict and the server's
# warnings and errors of the run; sets verify_rc.
verify_and_report() {
  echo
  echo "verify (against the still-running server):"
  verify_rc=0
  DATA_DIR="$DATA" java -jar "$JAR" verify 2>"$DATA/verify.err" || verify_rc=$?
  if [[ $verify_rc != 0 ]]; then
    echo "verify exited with $verify_rc"; tail -20 "$DATA/verify.err"
  fi
  local warnings
  warnings="$(grep -E "WARN|ERROR" "$DATA/server.log" | grep -v -e "using the development key" -e "generated a development signing key" || true)"
  if [[ -n "$warnings" ]]; then
    echo
    echo "server warnings/errors during the run: $(wc -l <<<"$warnings") line(s); the first 10, cut at 300 characters:"
    head -10 <<<"$warnings" | cut -c1-300
  fi
}
