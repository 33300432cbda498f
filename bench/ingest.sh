#!/usr/bin/env bash
# Ingest benchmark: starts a throw-away cxpulse server (embedded PostgreSQL, demo tenant, no live
# demo traffic, BENCH_ENDPOINTS=true), runs bench/IngestBench.java against it (noop and ingest runs
# alternated), then runs `cxpulse verify` against the still-running server, stops it and removes
# its data. Every extra argument goes to IngestBench, e.g. `bench/ingest.sh --connections 256 --runs 1`.
# Environment: BENCH_PORT (default: a free port in 20000-39999), CXPULSE_JAR (default
# server/target/cxpulse.jar, built when missing), REBUILD=1 to build it anyway, KEEP=1 to keep the
# temporary DATA_DIR (server.log, PostgreSQL's data and log) afterwards.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JAR="server/target/cxpulse.jar"

log() { printf '[ingest.sh %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Build the jar if it is missing (REBUILD=1: always). Tests are not compiled (-Dmaven.test.skip=true):
# the benchmark needs none, so a work-in-progress test cannot break it. CXPULSE_JAR points at another
# build, e.g. one made from a clean `git archive HEAD` export when the working tree is in flux.
if [[ -n "${CXPULSE_JAR:-}" ]]; then
  JAR="$CXPULSE_JAR"
  [[ -f "$JAR" ]] || { log "CXPULSE_JAR=$JAR does not exist"; exit 1; }
elif [[ ! -f "$JAR" || "${REBUILD:-0}" == 1 ]]; then
  log "building $JAR"
  ./mvnw -q -Dmaven.test.skip=true package
fi
log "jar: $JAR ($(date -r "$JAR" '+%Y-%m-%d %H:%M:%S'))"

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT="${BENCH_PORT:-}"
if [[ -z "$PORT" ]]; then
  for _ in $(seq 1 50); do
    candidate=$((20000 + RANDOM % 20000))
    if port_free "$candidate"; then PORT=$candidate; break; fi
  done
fi
[[ -n "$PORT" ]] || { log "no free port found"; exit 1; }

DATA="$(mktemp -d "${TMPDIR:-/tmp}/cxpulse-bench.XXXXXX")"
SERVER_PID=""

stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    log "stopping the server (pid $SERVER_PID) with SIGTERM"
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 600); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      log "server still running after 60 s; SIGKILL"
      kill -KILL "$SERVER_PID" 2>/dev/null || true
      wait "$SERVER_PID" 2>/dev/null || true
    fi
  fi
  SERVER_PID=""
  # The embedded postmaster is not a child of the JVM: make sure it is gone before deleting its data.
  if [[ -f "$DATA/pg/postmaster.pid" ]]; then
    pg_pid="$(head -1 "$DATA/pg/postmaster.pid" 2>/dev/null || true)"
    if [[ "$pg_pid" =~ ^[0-9]+$ ]] && kill -0 "$pg_pid" 2>/dev/null \
        && grep -q postgres "/proc/$pg_pid/cmdline" 2>/dev/null; then
      log "embedded PostgreSQL (pid $pg_pid) outlived the server; fast shutdown (SIGINT)"
      kill -INT "$pg_pid" 2>/dev/null || true
      for _ in $(seq 1 300); do kill -0 "$pg_pid" 2>/dev/null || break; sleep 0.1; done
    fi
  fi
}
cleanup() {
  stop_server
  if [[ "${KEEP:-0}" == 1 ]]; then log "KEEP=1: keeping $DATA (server.log, pg/)"; else rm -rf "$DATA"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "starting the server on port $PORT with DATA_DIR $DATA"
env -u DATABASE_URL -u PGHOST -u PGPORT -u PGDATABASE -u PGUSER -u PGPASSWORD \
  DATA_DIR="$DATA" HTTP_PORT="$PORT" BENCH_ENDPOINTS=true DEMO_RATE=0 \
  java -jar "$JAR" serve --demo >"$DATA/server.log" 2>&1 &
SERVER_PID=$!

ready=0
for _ in $(seq 1 240); do
  kill -0 "$SERVER_PID" 2>/dev/null || { log "the server exited during start:"; tail -40 "$DATA/server.log" >&2; exit 1; }
  if [[ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$PORT/health/ready" || true)" == 200 ]]; then
    ready=1; break
  fi
  sleep 0.5
done
[[ $ready == 1 ]] || { log "not ready after 120 s"; tail -40 "$DATA/server.log" >&2; exit 1; }
log "ready; waiting for the demo backfill to finish"
for _ in $(seq 1 240); do
  grep -q "demo backfill" "$DATA/server.log" && break
  sleep 0.5
done
grep "demo backfill" "$DATA/server.log" >&2 || log "no backfill line after 120 s; going on"
sleep 3

TOKEN="$(DATA_DIR="$DATA" java -jar "$JAR" token --tenant demo --role ingest 2>/dev/null | tail -1)"
[[ -n "$TOKEN" ]] || { log "could not get an ingest token"; exit 1; }
PG_PID="$(head -1 "$DATA/pg/postmaster.pid")"
if [[ "$(curl -s -o /dev/null -m 5 -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -d '{}' "http://127.0.0.1:$PORT/api/v1/noop" || true)" != 200 ]]; then
  log "POST /api/v1/noop does not answer 200: is $JAR older than BENCH_ENDPOINTS? (rebuild: REBUILD=1)"; exit 1
fi

# The writer's batch sizes come from PostgreSQL's transaction counter, read with psql when there is one
# (any version: the embedded server's port is line 4 of postmaster.pid).
PG_ARGS=()
PSQL="${PSQL:-$(command -v psql || ls -1 /usr/lib/postgresql/*/bin/psql 2>/dev/null | tail -1 || true)}"
PG_PORT="$(sed -n 4p "$DATA/pg/postmaster.pid" 2>/dev/null || true)"
if [[ -n "$PSQL" && -x "$PSQL" && "$PG_PORT" =~ ^[0-9]+$ ]]; then
  PG_ARGS=(--pg-port "$PG_PORT" --psql "$PSQL")
else
  log "no psql found (or no PostgreSQL port): no writer batch sizes (tx/s, ev/tx)"
fi

log "server pid $SERVER_PID, PostgreSQL postmaster pid $PG_PID; benchmark starts"
bench_rc=0
CXPULSE_TOKEN="$TOKEN" java bench/IngestBench.java --port "$PORT" --server-pid "$SERVER_PID" --pg-pid "$PG_PID" \
  "${PG_ARGS[@]}" "$@" || bench_rc=$?

echo
echo "verify (against the still-running server):"
verify_rc=0
DATA_DIR="$DATA" java -jar "$JAR" verify 2>"$DATA/verify.err" || verify_rc=$?
if [[ $verify_rc != 0 ]]; then
  echo "verify exited with $verify_rc"; tail -20 "$DATA/verify.err"
fi
if grep -E "WARN|ERROR" "$DATA/server.log" | grep -v "development signing key" >/dev/null; then
  echo
  echo "server warnings/errors during the run: $(grep -E "WARN|ERROR" "$DATA/server.log" | grep -vc "development signing key") line(s); the first 10, cut at 300 characters:"
  grep -E "WARN|ERROR" "$DATA/server.log" | grep -v "development signing key" | head -10 | cut -c1-300
fi

stop_server
[[ $bench_rc == 0 ]] || exit "$bench_rc"
exit "$verify_rc"
