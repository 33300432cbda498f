#!/usr/bin/env bash
# Soak run (bench, not CI): a steady load for SOAK_SECONDS (default 1800) against a cxpulse server on
# its own PostgreSQL (a separate cluster this script owns, so it can restart it), with one PostgreSQL
# restart (pg_ctl restart -m fast) at 1/3 and one server restart (SIGTERM, start again on the same port
# and database) at 2/3 of the run. Load: bench/Soak.java — RATE single-response POSTs/s retried with
# the same eventId until acknowledged, and CLIENTS live WebSocket clients that reconnect and resubscribe.
# Measured at start (after warm-up), before and after each restart and at the end: heap used after a
# forced GC, RSS, open fds of the server, PostgreSQL connections, live clients subscribed. At the end:
# every acknowledged eventId is in feedback exactly once, `cxpulse verify` reports no difference, and
# the live clients' last numbers equal GET /api/v1/scorecards.
# Environment: SOAK_SECONDS (1800), RATE (50), CLIENTS (50), WARMUP (60), SETTLE (60, seconds after a
# restart before the "after" reading), CXPULSE_JAR, REBUILD=1, BENCH_PORT, PG_BIN (dir with initdb,
# pg_ctl, psql; default /usr/lib/postgresql/<newest>/bin), SERVER_JAVA_OPTS.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SOAK_SECONDS="${SOAK_SECONDS:-1800}"; RATE="${RATE:-50}"; CLIENTS="${CLIENTS:-50}"
WARMUP="${WARMUP:-60}"; SETTLE="${SETTLE:-60}"

BENCH_NAME=soak.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh

TMP="$(mktemp -d "${TMPDIR:-/tmp}/cxpulse-soak.XXXXXX")"
chmod 755 "$TMP"
SERVER_PID=""; SOAK_PID=""; PG_STARTED=0

bench_jar

# --- PostgreSQL binaries -------------------------------------------------------------------------
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)}"
[[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" && -x "$PG_BIN/psql" ]] \
  || { log "no PostgreSQL binaries (PG_BIN=$PG_BIN); install Debian's: apt-get install -y postgresql"; exit 1; }
AS_PG=()
if [[ "$(id -u)" == 0 ]]; then
  id postgres >/dev/null 2>&1 || { log "running as root needs a 'postgres' user for initdb"; exit 1; }
  AS_PG=(runuser -u postgres --)
fi

PORT="${BENCH_PORT:-$(free_port)}"
PG_PORT="$(free_port)"
while [[ "$PG_PORT" == "$PORT" ]]; do PG_PORT="$(free_port)"; done

PGDATA="$TMP/pgdata"
DATA="$TMP/data"; mkdir -p "$DATA"
OUT="$TMP/out"; mkdir -p "$OUT"
EVENTS="$OUT/events"; : >"$EVENTS"
psql_q() { "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d cxpulse -XAtq -v ON_ERROR_STOP=1 "$@"; }

cleanup() {
  set +e
  if [[ -n "$SOAK_PID" ]] && kill -0 "$SOAK_PID" 2>/dev/null; then kill -TERM "$SOAK_PID"; wait "$SOAK_PID" 2>/dev/null; fi
  stop_server
  if [[ $PG_STARTED == 1 ]]; then "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w -t 60 stop >/dev/null 2>&1; fi
  if [[ -n "${KEEP:-}" ]]; then log "KEEP set: leaving $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- our own PostgreSQL ----------------------------------------------------------------------------
mkdir -p "$PGDATA"; [[ ${#AS_PG[@]} == 0 ]] || chown postgres "$PGDATA"; chmod 700 "$PGDATA"
log "initdb in $PGDATA, PostgreSQL on 127.0.0.1:$PG_PORT"
"${AS_PG[@]}" "$PG_BIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 >"$TMP/initdb.log" 2>&1 \
  || { cat "$TMP/initdb.log"; exit 1; }
touch "$TMP/pg.log"; [[ ${#AS_PG[@]} == 0 ]] || chown postgres "$TMP/pg.log"
"${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$TMP/pg.log" -w -t 60 \
  -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PGDATA -c max_connections=100" start >/dev/null
PG_STARTED=1
"$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -XAtq -c "CREATE DATABASE cxpulse" >/dev/null
export DATABASE_URL="postgresql://postgres:postgres@127.0.0.1:$PG_PORT/cxpulse"
pg_pid() { head -1 "$PGDATA/postmaster.pid" 2>/dev/null || true; }

# --- server ----------------------------------------------------------------------------------------
start_server() {
  # SERVER_JAVA_OPTS is split on spaces on purpose.
  # shellcheck disable=SC2086
  env -u PGHOST -u PGPORT -u PGDATABASE -u PGUSER -u PGPASSWORD \
    DATA_DIR="$DATA" HTTP_PORT="$PORT" DEMO_RATE=0 DATABASE_URL="$DATABASE_URL" \
    java ${SERVER_JAVA_OPTS:-} -jar "$JAR" serve --demo >>"$TMP/server.log" 2>&1 &
  SERVER_PID=$!
  wait_ready "$TMP/server.log" 60
}
log "starting the server on port $PORT (DATA_DIR $DATA, DATABASE_URL $DATABASE_URL)"
start_server
log "ready (pid $SERVER_PID)"
wait_backfill "$TMP/server.log"
VIEWER_TOKEN="$(DATA_DIR="$DATA" java -jar "$JAR" token --tenant demo --role viewer --ttl 1d 2>/dev/null | tail -1)"
INGEST_TOKEN="$(DATA_DIR="$DATA" java -jar "$JAR" token --tenant demo --role ingest --ttl 1d 2>/dev/null | tail -1)"
[[ -n "$VIEWER_TOKEN" && -n "$INGEST_TOKEN" ]] || { log "could not get the tokens"; exit 1; }

# --- measurements ------------------------------------------------------------------------------
MEAS="$OUT/measurements"
printf '%-24s %-8s %8s %9s %7s %5s %5s %6s %8s %7s %5s %8s %8s\n' point time heap_MB heap_cap RSS_MB fds socks http_c pg_conn pg_cxp live acked pending >"$MEAS"
status_val() { sed -n "s/^$1=//p" "$OUT/status" 2>/dev/null || echo -; }
measure() {
  local point="$1" heap="-" cap="-" rss="-" fds="-" socks="-" httpc="-" pgc="-" pgx="-"
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    jcmd "$SERVER_PID" GC.run >/dev/null 2>&1 || true
    local hi; hi="$(jcmd "$SERVER_PID" GC.heap_info 2>/dev/null | grep -m1 -E 'total [0-9]+K, used [0-9]+K' || true)"
    if [[ "$hi" =~ total\ ([0-9]+)K,\ used\ ([0-9]+)K ]]; then
      cap=$(( BASH_REMATCH[1] / 1024 )); heap=$(awk "BEGIN{printf \"%.1f\", ${BASH_REMATCH[2]}/1024}")
    fi
    rss=$(( $(awk '/VmRSS/{print $2}' "/proc/$SERVER_PID/status") / 1024 ))
    fds=$(ls "/proc/$SERVER_PID/fd" | wc -l)
    socks=$(ls -l "/proc/$SERVER_PID/fd" 2>/dev/null | grep -c 'socket:' || true)
  fi
  httpc=$(ss -Htn state established "( sport = :$PORT )" 2>/dev/null | wc -l)
  pgc="$(psql_q -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type='client backend'" 2>/dev/null || echo -)"
  pgx="$(psql_q -c "SELECT count(*) FROM pg_stat_activity WHERE datname='cxpulse' AND pid<>pg_backend_pid()" 2>/dev/null || echo -)"
  printf '%-24s %-8s %8s %9s %7s %5s %5s %6s %8s %7s %5s %8s %8s\n' "$point" "$(date +%H:%M:%S)" "$heap" "$cap" "$rss" "$fds" "$socks" "$httpc" \
    "$pgc" "$pgx" "$(status_val connected)" "$(status_val acked)" "$(status_val pending)" | tee -a "$MEAS"
}
event() { echo "$(date +%s%3N) $1" >>"$EVENTS"; log "EVENT $1"; }

# --- load ------------------------------------------------------------------------------------------
log "load: $RATE POST/s, $CLIENTS live clients, $SOAK_SECONDS s; PostgreSQL restart at $((SOAK_SECONDS / 3)) s, server restart at $((2 * SOAK_SECONDS / 3)) s"
ulimit -n 16384 2>/dev/null || true
CXPULSE_INGEST_TOKEN="$INGEST_TOKEN" CXPULSE_VIEWER_TOKEN="$VIEWER_TOKEN" \
  java -Xmx512m bench/Soak.java --port "$PORT" --rate "$RATE" --clients "$CLIENTS" --seconds "$SOAK_SECONDS" \
  --out "$OUT" --events "$EVENTS" &
SOAK_PID=$!
for _ in $(seq 1 120); do [[ -f "$OUT/status" ]] && break; sleep 0.5; done   # the source launcher compiles first
T0=$(date +%s)
until_t() { local target=$((T0 + $1)); while (( $(date +%s) < target )); do kill -0 "$SOAK_PID" 2>/dev/null || return 1; sleep 1; done; }

until_t "$WARMUP"
measure "start (after warm-up)"
until_t $((SOAK_SECONDS / 3))
measure "before PG restart"
event "PostgreSQL restart"
"${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w -t 60 \
  -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PGDATA -c max_connections=100" restart >/dev/null
log "PostgreSQL restarted (postmaster pid $(pg_pid))"
until_t $((SOAK_SECONDS / 3 + SETTLE))
measure "after PG restart"
until_t $((2 * SOAK_SECONDS / 3))
measure "before server restart"
event "server restart (SIGTERM)"
t_stop=$(date +%s%3N)
stop_server
t_stopped=$(date +%s%3N)
started=0
for attempt in 1 2 3; do
  if start_server; then started=1; break; fi
  log "server start attempt $attempt failed (under load); see above"
  stop_server
done
[[ $started == 1 ]] || { log "the server did not come back after 3 attempts"; exit 1; }
t_ready=$(date +%s%3N)
log "server stopped in $((t_stopped - t_stop)) ms, started again and ready after $((t_ready - t_stopped)) ms (pid $SERVER_PID)"
echo "$t_ready server ready again" >>"$EVENTS"
until_t $((2 * SOAK_SECONDS / 3 + SETTLE)) || true
measure "after server restart"
soak_rc=0
wait "$SOAK_PID" || soak_rc=$?
SOAK_PID=""
sleep 2
measure "end"

# --- checks -----------------------------------------------------------------------------------------
echo
log "checks"
acked=$(wc -l <"$OUT/acked.txt")
check_rc=0
psql_q <<SQL >"$OUT/check.txt" || check_rc=$?
CREATE TEMP TABLE acked (event_id text);
\copy acked FROM '$OUT/acked.txt'
SELECT 'acknowledged ids: ' || count(*) || ' (distinct ' || count(DISTINCT event_id) || ')' FROM acked;
SELECT 'acknowledged ids found in feedback: ' || count(*) FROM acked a JOIN feedback f ON f.tenant='demo' AND f.event_id=a.event_id;
SELECT 'acknowledged ids missing from feedback: ' || count(*) FROM acked a WHERE NOT EXISTS (SELECT 1 FROM feedback f WHERE f.tenant='demo' AND f.event_id=a.event_id);
SELECT 'feedback rows of acknowledged ids appearing more than once: ' || count(*) FROM (SELECT event_id FROM feedback WHERE tenant='demo' AND event_id IN (SELECT event_id FROM acked) GROUP BY event_id HAVING count(*) > 1) d;
SELECT 'soak rows in feedback: ' || count(*) || ', of them not acknowledged to the client: ' || count(*) FILTER (WHERE event_id NOT IN (SELECT event_id FROM acked)) FROM feedback WHERE tenant='demo' AND event_id LIKE 'soak-%';
SQL
cat "$OUT/check.txt"
echo
echo "verify (DATABASE_URL, against the running server):"
verify_rc=0
DATA_DIR="$DATA" DATABASE_URL="$DATABASE_URL" java -jar "$JAR" verify 2>"$OUT/verify.err" || verify_rc=$?
echo "verify exit status: $verify_rc"; [[ $verify_rc == 0 ]] || tail -20 "$OUT/verify.err"
echo
echo "server log: $(grep -cE 'WARN|ERROR' "$TMP/server.log" || true) WARN/ERROR line(s); distinct ones (cut at 200 characters, timestamps removed):"
grep -E "WARN|ERROR" "$TMP/server.log" | cut -c1-400 | sed -E 's/^[0-9:. T-]+//' | cut -c1-200 | sort | uniq -c | sort -rn | head -25
echo
echo "PostgreSQL log: $(grep -cE 'ERROR|FATAL' "$TMP/pg.log" || true) ERROR/FATAL line(s); distinct:"
grep -E "ERROR|FATAL" "$TMP/pg.log" | sed -E 's/^[0-9: .-]+UTC //; s/\[[0-9]+\] //' | cut -c1-160 | sort | uniq -c | sort -rn | head -15
echo
echo "measurements:"
cat "$MEAS"
missing=$(sed -n 's/^acknowledged ids missing from feedback: //p' "$OUT/check.txt")
dups=$(sed -n 's/^feedback rows of acknowledged ids appearing more than once: //p' "$OUT/check.txt")
if [[ $check_rc != 0 || "$missing" != 0 || "$dups" != 0 || $verify_rc != 0 ]]; then log "FAILED"; exit 1; fi
log "done: $acked acknowledged, all in feedback exactly once, verify clean (Soak exit $soak_rc)"
exit "$soak_rc"
