#!/usr/bin/env bash
# Live-push benchmark: starts a throw-away cxpulse server (embedded PostgreSQL, demo tenant, no live
# demo traffic, BENCH_ENDPOINTS=true), runs bench/LiveBench.java against it (N WebSocket clients,
# steady single-response POSTs; latency POST acknowledged → update received, heap per client,
# frames and bytes per tick, CPU), then runs `cxpulse verify` against the still-running server,
# stops it and removes its data. Every extra argument goes to LiveBench, e.g.
# `bench/live.sh --clients 200 --runs 1`.
# Environment (bench/lib.sh): BENCH_PORT, CXPULSE_JAR, REBUILD=1, KEEP=1, SERVER_JAVA_OPTS (extra JVM
# options for the server); LIVE_TICK_MS (passed to the server; default 500), LIVEBENCH_JAVA_OPTS
# (JVM options of the client; default: serial GC, 1 GB fixed heap).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BENCH_NAME=live.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh

bench_jar
command -v jcmd >/dev/null || log "no jcmd on PATH: LiveBench looks next to its own java; heap figures need it"

# 1,000 sockets on each side, plus the server's own files: raise the soft limit for both processes.
want_fds=16384
hard_fds="$(ulimit -Hn)"
if [[ "$hard_fds" != unlimited && "$hard_fds" -lt "$want_fds" ]]; then want_fds="$hard_fds"; fi
ulimit -n "$want_fds" 2>/dev/null || log "could not raise the open-file limit (now $(ulimit -n))"
log "open-file limit: $(ulimit -n)"

start_demo_server cxpulse-live

VIEWER_TOKEN="$(demo_token viewer)"
INGEST_TOKEN="$(demo_token ingest)"
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

verify_and_report

stop_server
[[ $bench_rc == 0 ]] || exit "$bench_rc"
exit "$verify_rc"
