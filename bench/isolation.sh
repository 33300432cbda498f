#!/usr/bin/env bash
# One tenant cannot hurt another (issue 19): a quiet tenant's read latency alone and while one token
# of another tenant floods wide verbatim searches (bench/IsolationBench.java), twice: with the
# server's default limits, then with the read budgets and the per-tenant share of the read pool
# turned off (RATE_READ_PER_TOKEN=0 RATE_READ_PER_TENANT=0 READ_CONCURRENCY_PER_TENANT=0: the
# behaviour the finding measured, except /health/ready, which keeps its own connection). Any
# limit set in the environment applies to the first run (e.g. READ_CONCURRENCY_PER_TENANT=1).
#
# The demo tenant floods (VERBATIM_ROWS comments loaded with psql, default 300,000, as bench/reads.sh);
# tenant acme of the test catalog is the quiet one. Needs a JDK 17+, curl, psql (Debian's
# postgresql-client; without it the demo's few thousand comments are searched).
#
# Usage: bench/isolation.sh      BENCH_SECONDS (default 20) per phase, THREADS (default 16) flooding;
#        KEEP=1 keeps the temporary DATA_DIRs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${VERBATIM_ROWS:-300000}"
SECONDS_PER_PHASE="${BENCH_SECONDS:-20}"
THREADS="${THREADS:-16}"
BENCH_NAME=isolation.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_jar
PSQL="${PSQL:-$(command -v psql || ls -1 /usr/lib/postgresql/*/bin/psql 2>/dev/null | tail -1 || true)}"
export CXPULSE_CATALOG="$PWD/server/src/test/resources/test-catalog.json"

run() {
  start_demo_server cxpulse-isolation
  if [[ -x "$PSQL" ]]; then
    local pg_port
    pg_port="$(sed -n 4p "$DATA/pg/postmaster.pid")"
    log "loading $ROWS comments into tenant demo"
    PGPASSWORD="$(cat "$DATA/pg-password")" "$PSQL" -X -q -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres \
      -v rows="$ROWS" -f bench/verbatims-load.sql
    PGPASSWORD="$(cat "$DATA/pg-password")" "$PSQL" -X -q -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -c ANALYZE
  else
    log "no psql: the flood searches the demo's own comments only"
  fi
  local quiet flood
  quiet="$(DATA_DIR="$DATA" java -jar "$JAR" token --tenant acme --role viewer 2>/dev/null | tail -1)"
  flood="$(demo_token viewer)"
  java bench/IsolationBench.java --port "$PORT" --quiet-token "$quiet" --flood-token "$flood" \
    --seconds "$SECONDS_PER_PHASE" --threads "$THREADS"
  stop_server
  [[ "${KEEP:-0}" == 1 ]] || rm -rf "$DATA"
}

echo "== with the default limits"
run
echo
echo "== without read budgets, one tenant may take the whole read pool"
RATE_READ_PER_TOKEN=0 RATE_READ_PER_TENANT=0 READ_CONCURRENCY_PER_TENANT=0 run
