#!/usr/bin/env bash
# Live-push benchmark: starts a throw-away cxpulse server (embedded PostgreSQL, demo tenant, no live
# demo traffic, BENCH_ENDPOINTS=true), runs bench/LiveBench.java against it (N WebSocket clients,
# steady single-response POSTs; latency POST acknowledged → update received, heap per client,
# frames and bytes per tick, CPU), then runs `cxpulse verify` against the still-running server,
# stops it and removes its data. Every extra argument goes to LiveBench, e.g.
# `bench/live.sh --clients 200 --runs 1`.
# Environment: BENCH_PORT (default: a free port in 20000-39999), CXPULSE_JAR (default
# server/target/cxpulse.jar, built when missing), REBUILD=1 to build it anyway, LIVE_TICK_MS
# (passed to the server; default 500), SERVER_JAVA_OPTS (extra JVM options for the server),
# LIVEBENCH_JAVA_OPTS (JVM options of the client; default: serial GC, 1 GB fixed heap).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JAR="server/target/cxpulse.jar"

log() { printf '[live.sh %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Same jar rules as ingest.sh: tests are not compiled, so a work-in-progress test cannot break it.
if [[ -n "${CXPULSE_JAR:-}" ]]; then
  JAR="$CXPULSE_JAR"
  [[ -f "$JAR" ]] || { log "CXPULSE_JAR=$JAR does not exist"; exit 1; }
elif [[ ! -f "$JAR" || "${REBUILD:-0}" == 1 ]]; then
  log "building $JAR"
  ./mvnw -q -Dmaven.test.skip=true package
fi
log "jar: $JAR ($(date -r "$JAR" '+%Y-%m-%d %H:%M:%S'))"
command -v jcmd >/dev/null || log "no jcmd on PATH: LiveBench looks next to its own java; heap figures need it"

# 1,000 sockets on each side, plus the server's own files: raise the soft limit for both processes.
want_fds=16384
hard_fds="$(ulimit -Hn)"
if [[ "$hard_fds" != unlimited && "$hard_fds" -lt "$want_fds" ]]; then want_fds="$hard_fds"; fi
ulimit -n "$want_fds" 2>/dev/null || log "could not raise the open-file limit (now $(ulimit -n))"
log "open-file limit: $(ulimit -n)"

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT="${BENCH_PORT:-}"
if [[ -z "$PORT" ]]; then
  for _ in $(seq 1 50); do
    candidate=$((20000 + RANDOM % 20000))
    if port_free "$candidate"; then PORT=$candidate; break; fi
  done
fi
[[ -n "$PORT" ]] || { log "no free port found"; exit 1; }

DATA="$(mktemp -d "${TMPDIR:-/tmp}/cxpulse-live.XXXXXX")"
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
  rm -rf "$DATA"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "starting the server on port $PORT with DATA_DIR $DATA"
# SERVER_JAVA_OPTS is split on spaces on purpose (several options).
# shellcheck disable=SC2086
env -u DATABASE_URL -u PGHOST -u PGPORT -u PGDATABASE -u PGUSER -u PGPASSWORD \
  DATA_DIR="$DATA" HTTP_PORT="$PORT" BENCH_ENDPOINTS=true DEMO_RATE=0 \
  java ${SERVER_JAVA_OPTS:-} -jar "$JAR" serve --demo >"$DATA/server.log" 2>&1 &
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

VIEWER_TOKEN="$(DATA_DIR="$DATA" java -jar "$JAR" token --tenant demo --role viewer 2>/dev/null | tail -1)"
INGEST_TOKEN="$(DATA_DIR="$DATA" java -jar "$JAR" token --tenant demo --role ingest 2>/dev/null | tail -1)"
[[ -n "$VIEWER_TOKEN" && -n "$INGEST_TOKEN" ]] || { log "could not get the tokens"; exit 1; }
PG_PID="$(head -1 "$DATA/pg/postmaster.pid")"

log "server pid $SERVER_PID, PostgreSQL postmaster pid $PG_PID; benchmark starts"
bench_rc=0
# The client keeps ~50 MB of socket buffers alive; a small fixed heap with the serial collector and
# early promotion keeps its own GC pauses (which would delay its timestamps) out of the figures.
# shellcheck disable=SC2086
CXPULSE_VIEWER_TOKEN="$VIEWER_TOKEN" CXPULSE_INGEST_TOKEN="$INGEST_TOKEN" \
  java ${LIVEBENCH_JAVA_OPTS:--XX:+UseSerialGC -Xms1g -Xmx1g -XX:MaxTenuringThreshold=1} bench/LiveBench.java \
  --port "$PORT" --server-pid "$SERVER_PID" --pg-pid "$PG_PID" "$@" || bench_rc=$?

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
