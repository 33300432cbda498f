#!/usr/bin/env bash
# Ingest benchmark: starts a throw-away cxpulse server (embedded PostgreSQL, demo tenant, no live
# demo traffic, BENCH_ENDPOINTS=true), runs bench/IngestBench.java against it (noop and ingest runs
# alternated), then runs `cxpulse verify` against the still-running server, stops it and removes
# its data. Every extra argument goes to IngestBench, e.g. `bench/ingest.sh --connections 256 --runs 1`.
# Environment (bench/lib.sh): BENCH_PORT, CXPULSE_JAR, REBUILD=1, KEEP=1 to keep the temporary
# DATA_DIR (server.log, PostgreSQL's data and log) afterwards, SERVER_JAVA_OPTS; PSQL.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BENCH_NAME=ingest.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh

bench_jar
start_demo_server cxpulse-bench

TOKEN="$(demo_token ingest)"
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
  PGPASSWORD="$(cat "$DATA/pg-password" 2>/dev/null || true)"
  export PGPASSWORD
else
  log "no psql found (or no PostgreSQL port): no writer batch sizes (tx/s, ev/tx)"
fi

log "server pid $SERVER_PID, PostgreSQL postmaster pid $PG_PID; benchmark starts"
bench_rc=0
CXPULSE_TOKEN="$TOKEN" java bench/IngestBench.java --port "$PORT" --server-pid "$SERVER_PID" --pg-pid "$PG_PID" \
  "${PG_ARGS[@]}" "$@" || bench_rc=$?

verify_and_report

stop_server
[[ $bench_rc == 0 ]] || exit "$bench_rc"
exit "$verify_rc"
