#!/usr/bin/env bash
# Read benchmark: starts a throw-away cxpulse server (embedded PostgreSQL, demo tenant with its 30-day
# backfill, no live demo traffic, BENCH_ENDPOINTS=true), then
#   1. analysis reads: bench/ReadBench.java with bench/reads-analysis.txt (trends, best, leaderboard,
#      values, cases, value/*) over the demo data, against POST /api/v1/noop of the same server;
#   2. verbatim search at scale: loads VERBATIM_ROWS (default 300,000) English and Chinese comments into
#      tenant demo with bench/verbatims-load.sql (SQL straight into feedback), times the queries of
#      bench/reads-verbatims.txt through the API, then runs the verbatim statement of VerbatimStore in
#      psql as a PREPAREd statement (EXPLAIN ANALYZE: plan and PostgreSQL's own time) with
#      plan_cache_mode custom, generic and auto-after-6-executions, for every q of the spec.
# `verify` is not run: part 2 writes rows behind the counters' back.
# Usage: bench/reads.sh [analysis|verbatims|all]   (default all)
# Environment (bench/lib.sh): CXPULSE_JAR, REBUILD=1, BENCH_PORT, KEEP=1 keeps DATA_DIR, SERVER_JAVA_OPTS;
# VERBATIM_ROWS (300000), REQUESTS (30 per endpoint and round), ROUNDS (3), WARMUP (5),
# PSQL (default: psql on PATH or the newest /usr/lib/postgresql/*/bin/psql).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PART="${1:-all}"
[[ "$PART" =~ ^(analysis|verbatims|all)$ ]] || { echo "usage: bench/reads.sh [analysis|verbatims|all]" >&2; exit 2; }
ROWS="${VERBATIM_ROWS:-300000}"
REQUESTS="${REQUESTS:-30}"
ROUNDS="${ROUNDS:-3}"
WARMUP="${WARMUP:-5}"

BENCH_NAME=reads.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh

bench_jar
PSQL="${PSQL:-$(command -v psql || ls -1 /usr/lib/postgresql/*/bin/psql 2>/dev/null | tail -1 || true)}"
if [[ "$PART" != analysis && ! -x "$PSQL" ]]; then log "part verbatims needs psql (PSQL=…)"; exit 1; fi

start_demo_server cxpulse-reads

# manager: sees every field (customerId of verbatims), like the console.
TOKEN="$(demo_token manager)"
[[ -n "$TOKEN" ]] || { log "could not get a manager token"; exit 1; }
PG_PORT="$(sed -n 4p "$DATA/pg/postmaster.pid")"
psql_db() { PGPASSWORD="$(cat "$DATA/pg-password")" "$PSQL" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres "$@"; }
read_bench() {
  CXPULSE_TOKEN="$TOKEN" java bench/ReadBench.java --port "$PORT" --spec "$1" --requests "$REQUESTS" \
    --rounds "$ROUNDS" --warmup "$WARMUP"
}
rc=0

# The demo backfill has just inserted ~8,500 responses and ~57,000 outcomes: until autovacuum's ANALYZE
# runs, the planner sees the tables as empty and value queries can take seconds (see RESULTS.md,
# 2026-11-26 03:00). Measure the steady state: ANALYZE first.
if [[ -x "$PSQL" ]]; then psql_db -c "ANALYZE" >/dev/null; else log "no psql: no ANALYZE before the reads"; fi

if [[ "$PART" != verbatims ]]; then
  echo "== analysis reads over the demo data ($(psql_db -tA -c "SELECT count(*) FROM feedback WHERE tenant = 'demo'" 2>/dev/null || echo '?') responses)"
  read_bench bench/reads-analysis.txt || rc=$?
fi

if [[ "$PART" != analysis ]]; then
  echo
  echo "== verbatim search: loading $ROWS comments into tenant demo"
  t0=$(date +%s)
  psql_db -v rows="$ROWS" -f bench/verbatims-load.sql
  log "loaded in $(( $(date +%s) - t0 )) s"
  read_bench bench/reads-verbatims.txt || rc=$?

  echo
  echo "== the same statement in psql (VerbatimStore.LATEST, limit 51 = page 50 + 1, window 30d, all nine touchpoints)"
  echo "   time = EXPLAIN (ANALYZE, TIMING OFF) Execution Time, the best of 3; plan = its nodes, outermost first"
  # The statement exactly as VerbatimStore sends it (kept in sync by hand: see bench/README.md).
  SQL="$(sed -n '/String LATEST = """/,/LIMIT \$13""";/p' server/src/main/java/io/cxpulse/analysis/VerbatimStore.java \
    | sed '1d; s/""";//')"
  if [[ -z "$SQL" ]]; then log "could not read the statement from VerbatimStore.java"; exit 1; fi
  ARGS="'demo', ARRAY['website','online-chat','store-reception','billing','delivery-install','app','hotline','onsite-repair','returns'],
    (date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') - interval '29 days') AT TIME ZONE 'Asia/Shanghai',
    (date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') + interval '1 day') AT TIME ZONE 'Asia/Shanghai'"
  printf '%-16s %-13s %10s  %s\n' "q" "mode" "ms" "plan"
  # First line: no q (the page of latest-no-q and of /best's verbatims), then every q of the spec.
  { echo; grep -v '^#' bench/reads-verbatims.txt | grep -o 'q=[^ ]*' | sed 's/^q=//'; } | while read -r enc; do
    q="$(printf '%b' "${enc//%/\\x}")"
    if [[ -z "$q" ]]; then pat="NULL"; q="(no q)"; else pat="'%${q}%'"; fi
    for mode in force_custom_plan force_generic_plan auto auto-mixed; do
      # auto: six executions with the same q first, so the plan cache may switch to the generic plan (as the
      # server's named statements may: the pg client caches them per connection). auto-mixed: three
      # executions with q = "z" (no match, 1 character: an expensive custom plan) and three with this q,
      # as a connection of the server sees a mix: a high average custom cost makes the generic plan win.
      warm=""
      [[ $mode == auto ]] && warm="$(for _ in 1 2 3 4 5 6; do echo "EXECUTE v($ARGS, $pat, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 51);"; done)"
      [[ $mode == auto-mixed ]] && warm="$(for _ in 1 2 3; do echo "EXECUTE v($ARGS, '%z%', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 51);"; echo "EXECUTE v($ARGS, $pat, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 51);"; done)"
      out="$(psql_db <<SQL_EOF
SET plan_cache_mode = ${mode%-mixed};
PREPARE v(text, text[], timestamptz, timestamptz, text, int2, int2, text, text, text, timestamptz, text, int8) AS
$SQL;
\o /dev/null
$warm
\o
EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) EXECUTE v($ARGS, $pat, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 51);
EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) EXECUTE v($ARGS, $pat, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 51);
EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) EXECUTE v($ARGS, $pat, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 51);
SQL_EOF
)"
      ms="$(grep -o 'Execution Time: [0-9.]*' <<<"$out" | awk '{print $3}' | sort -g | head -1)"
      plan="$(awk '/Execution Time/{exit} /^ *(->)? *[A-Z][A-Za-z ]*(Scan|Limit|Sort|Append|Gather|Heap|BitmapAnd|BitmapOr)/{
          l=$0; sub(/^ *(-> *)?/, "", l); sub(/ *\(actual.*/, "", l); sub(/ on feedback/, "", l); printf "%s%s", sep, l; sep=" > " }
          /^Planning Time/{exit}' <<<"$out")"
      printf '%-16s %-13s %10s  %s\n' "$q" "${mode%%_plan}" "${ms:-?}" "$plan"
    done
  done
fi

stop_server
exit "$rc"
