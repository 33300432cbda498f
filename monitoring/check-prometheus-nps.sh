#!/usr/bin/env bash
# End-to-end check of the metrics with a real Prometheus (Debian's `prometheus` package):
#   1. starts cxpulse (server/target/cxpulse.jar, embedded PostgreSQL in a temporary DATA_DIR,
#      the test catalog) and a Prometheus configured from monitoring/prometheus.yml and
#      monitoring/rules/*.yml, scraping it every second;
#   2. posts known responses (and a retry, which must not count twice);
#   3. computes the hotline's NPS over the last 10 minutes in PromQL from increase() of the
#      category counters and compares it with GET /api/v1/scorecards for the same 10 minutes;
#      also the live NPS gauge against the 1h scorecard, the recording rule, every rule's health,
#      and every query of the Grafana dashboard (must succeed and return data).
# Everything listens on 127.0.0.1 only. Every wait is bounded. Exit 0 when all checks pass.
#
# Usage: monitoring/check-prometheus-nps.sh   (after ./mvnw -B verify or ./mvnw -DskipTests package)
# Needs: java 17+, curl, jq, prometheus.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jar=$root/server/target/cxpulse.jar
catalog=$root/server/src/test/resources/test-catalog.json
dashboard=$root/monitoring/grafana/cxpulse-dashboard.json

for tool in java curl jq prometheus; do
  command -v "$tool" >/dev/null || { echo "check-prometheus-nps: $tool is not installed" >&2; exit 2; }
done
[ -f "$jar" ] || { echo "check-prometheus-nps: $jar is missing; run ./mvnw -B -DskipTests package" >&2; exit 2; }

work=$(mktemp -d -t cxpulse-prom-check.XXXXXX)
server_pid=
prometheus_pid=
cleanup() {
  for pid in $prometheus_pid $server_pid; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAILED: $*" >&2
  echo "--- cxpulse log (tail) ---" >&2; tail -n 30 "$work/server.log" >&2 || true
  echo "--- prometheus log (tail) ---" >&2; tail -n 30 "$work/prometheus.log" >&2 || true
  exit 1
}

# A port nobody listens on (the check for "nobody" is a failed connection).
free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  fail "no free port found"
}

# wait_until SECONDS DESCRIPTION COMMAND...: retries COMMAND every half second, up to SECONDS.
wait_until() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || fail "timed out after ${seconds}s waiting for $what"
    sleep 0.5
  done
}

cx_port=$(free_port)
prom_port=$(free_port)
cx=http://127.0.0.1:$cx_port
prom=http://127.0.0.1:$prom_port

echo "== starting cxpulse on $cx (embedded PostgreSQL in $work/data)"
env -u DATABASE_URL -u PGHOST DATA_DIR="$work/data" HTTP_PORT="$cx_port" CXPULSE_CATALOG="$catalog" \
  HTTP_INSTANCES=2 java -jar "$jar" serve >"$work/server.log" 2>&1 &
server_pid=$!
wait_until 180 "cxpulse /health/ready" curl -fsS "$cx/health/ready"

token() { DATA_DIR="$work/data" java -jar "$jar" token --tenant acme --role "$1" --ttl 1h | tail -n 1; }
ingest_token=$(token ingest)
viewer_token=$(token viewer)

echo "== starting Prometheus on $prom with monitoring/prometheus.yml (1 s scrape and rule interval)"
sed -e "s#'localhost:8080'#'127.0.0.1:$cx_port'#" \
    -e 's#scrape_interval: 15s#scrape_interval: 1s#' \
    -e 's#evaluation_interval: 15s#evaluation_interval: 1s#' \
    -e "s#- rules/\*.yml#- $root/monitoring/rules/*.yml#" \
    monitoring/prometheus.yml >"$work/prometheus.yml"
grep -q "127.0.0.1:$cx_port" "$work/prometheus.yml" && grep -q "scrape_interval: 1s" "$work/prometheus.yml" \
  && grep -q "$root/monitoring/rules" "$work/prometheus.yml" || fail "could not derive the Prometheus configuration"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" >"$work/prometheus.log" 2>&1 &
prometheus_pid=$!
wait_until 60 "Prometheus /-/ready" curl -fsS "$prom/-/ready"

# query EXPR [TIME]: the instant vector's result array.
query() {
  local args=(--data-urlencode "query=$1")
  [ $# -lt 2 ] || args+=(--data-urlencode "time=$2")
  curl -fsS "$prom/api/v1/query" "${args[@]}" | jq -e 'select(.status == "success") | .data.result'
}
# scalar EXPR [TIME]: the value of a one-element result, or "none".
scalar() {
  query "$@" | jq -r 'if length == 1 then .[0].value[1] else "none" end'
}

hotline='tenant="acme",touchpoint="hotline"'
# The counters exist at 0 from the start: Prometheus must see them at 0 before any traffic, so
# that increase() over the window counts every response.
zero_counters_scraped() { [ "$(scalar "count(cxpulse_nps_responses_total{$hotline} == 0)")" = 3 ]; }
wait_until 60 "the first scrape of the zero counters" zero_counters_scraped

echo "== posting known responses"
# hotline NPS scores: 10 x10, 9 x8 -> 18 promoters; 8 x6, 7 x5 -> 11 passives; 6 x4, 3 x3, 0 x2 -> 9 detractors;
# n = 38, NPS = 100 * (18 - 9) / 38 = 23.684...; plus 2 hotline responses without NPS and 5 at the store.
items=()
add() { # add COUNT SCORE TOUCHPOINT
  for _ in $(seq 1 "$1"); do
    items+=("{\"eventId\":\"check-${#items[@]}\",\"touchpoint\":\"$3\",\"nps\":$2,\"csat\":$(( $2 >= 9 ? 5 : $2 >= 7 ? 4 : 2 ))}")
  done
}
add 10 10 hotline; add 8 9 hotline; add 6 8 hotline; add 5 7 hotline; add 4 6 hotline; add 3 3 hotline; add 2 0 hotline
add 5 9 store
items+=('{"eventId":"check-csat-1","touchpoint":"hotline","csat":3}' '{"eventId":"check-csat-2","touchpoint":"hotline","csat":4}')
post() {
  curl -fsS -X POST "$cx/api/v1/feedback" -H "Authorization: Bearer $ingest_token" \
    -H 'Content-Type: application/json' -d "$1"
  echo
}
join() { local IFS=,; echo "[$*]"; }
post "$(join "${items[@]:0:15}")"
post "$(join "${items[@]:15:15}")"
post "$(join "${items[@]:30}")"
# A retry of three responses already stored: acknowledged as duplicates, never counted again.
post "$(join "${items[@]:0:3}")"

all_scraped() { [ "$(scalar "sum(cxpulse_nps_responses_total{$hotline})")" = 38 ]; }
wait_until 60 "Prometheus to scrape all 38 NPS responses" all_scraped
# The live NPS gauge is refreshed every 5 s: give it a refresh and a scrape.
sleep 7

# Evaluate at the timestamp of the latest scrape, so that increase() needs no extrapolation.
t=$(scalar "max(timestamp(cxpulse_nps_responses_total{$hotline}))")
[ "$t" != none ] || fail "no sample of cxpulse_nps_responses_total"
from=$(date -u -d "@$(( ${t%.*} - 600 ))" +%Y-%m-%dT%H:%M:%SZ)
to=$(date -u -d "@$(( ${t%.*} + 1 ))" +%Y-%m-%dT%H:%M:%SZ)

inc() { echo "sum(increase(cxpulse_nps_responses_total{$hotline$1}[10m]))"; }
promql_nps="100 * ($(inc ',category="promoter"') - $(inc ',category="detractor"')) / $(inc '')"
prom_n=$(scalar "$(inc '')" "$t")
prom_p=$(scalar "$(inc ',category="promoter"')" "$t")
prom_d=$(scalar "$(inc ',category="detractor"')" "$t")
prom_nps=$(scalar "$promql_nps" "$t")

card=$(curl -fsS -G "$cx/api/v1/scorecards" -H "Authorization: Bearer $viewer_token" \
  --data-urlencode "from=$from" --data-urlencode "to=$to" --data-urlencode "touchpoints=hotline")
card_n=$(echo "$card" | jq -r '.touchpoints[0].nps.n')
card_p=$(echo "$card" | jq -r '.touchpoints[0].nps.promoters')
card_d=$(echo "$card" | jq -r '.touchpoints[0].nps.detractors')
card_nps=$(echo "$card" | jq -r '.touchpoints[0].nps.score')
card_window=$(echo "$card" | jq -r '"\(.window.from) .. \(.window.to)"')

live_gauge=$(scalar "max(cxpulse_live_nps{$hotline})" "$t")
card_1h=$(curl -fsS -G "$cx/api/v1/scorecards" -H "Authorization: Bearer $viewer_token" \
  --data-urlencode "window=1h" --data-urlencode "touchpoints=hotline" | jq -r '.touchpoints[0].nps.score')
recorded=$(scalar "tenant_touchpoint:cxpulse_nps:1h{$hotline}")

same() { # same A B: equal as numbers, to 1e-9 relative
  awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = (a < 0 ? -a : a); exit !(d <= 1e-9 * (m > 1 ? m : 1)) }'
}

echo
echo "== hotline, last 10 minutes (evaluated at $(date -u -d "@${t%.*}" +%H:%M:%SZ), scorecard window $card_window)"
printf '%-48s %-22s %s\n' "" "Prometheus (increase)" "cxpulse scorecard"
printf '%-48s %-22s %s\n' "NPS responses n" "$prom_n" "$card_n"
printf '%-48s %-22s %s\n' "promoters" "$prom_p" "$card_p"
printf '%-48s %-22s %s\n' "detractors" "$prom_d" "$card_d"
printf '%-48s %-22s %s\n' "NPS = 100 (P - D) / n" "$prom_nps" "$card_nps"
printf '%-48s %-22s %s\n' "live gauge cxpulse_live_nps vs 1h scorecard" "$live_gauge" "$card_1h"
printf '%-48s %-22s %s\n' "recording rule tenant_touchpoint:cxpulse_nps:1h" "$recorded" "$card_1h"
echo

status=0
check() { # check DESCRIPTION A B
  if same "$2" "$3"; then echo "ok   $1"; else echo "FAIL $1: $2 != $3"; status=1; fi
}
check "n equal" "$prom_n" "$card_n"
check "promoters equal" "$prom_p" "$card_p"
check "detractors equal" "$prom_d" "$card_d"
check "NPS from Prometheus equals the scorecard's" "$prom_nps" "$card_nps"
check "n is the 38 posted (the retries not counted)" "$card_n" 38
check "live NPS gauge equals the 1h scorecard" "$live_gauge" "$card_1h"
# The rule runs at its own times, where increase() extrapolates by up to a second; same factor
# for each category, so the ratio agrees to floating-point rounding.
if awk -v a="$recorded" -v b="$card_1h" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < 1e-6) }'; then
  echo "ok   recording rule equals the 1h scorecard"
else
  echo "FAIL recording rule: $recorded != $card_1h"; status=1
fi

# Every recording and alerting rule evaluates without error.
rules_evaluated() { [ "$(curl -fsS "$prom/api/v1/rules" | jq '[.data.groups[].rules[] | select(.health == "unknown")] | length')" = 0 ]; }
wait_until 30 "every rule to be evaluated" rules_evaluated
bad_rules=$(curl -fsS "$prom/api/v1/rules" | jq -r '.data.groups[].rules[] | select(.health != "ok") | "\(.name): \(.lastError)"')
if [ -z "$bad_rules" ]; then
  echo "ok   all $(curl -fsS "$prom/api/v1/rules" | jq '[.data.groups[].rules[]] | length') rules of monitoring/rules evaluate (health ok)"
else
  echo "FAIL rules with errors:"; echo "$bad_rules"; status=1
fi

# Every query of the Grafana dashboard runs and returns data, with the variables set as Grafana would.
total=0
empty=0
while IFS= read -r expr; do
  total=$((total + 1))
  q=${expr//\$__rate_interval/1m}
  q=${q//\$__range/10m}
  q=${q//\$tenant/acme}
  q=${q//\$touchpoint/.*}
  q=${q//\$instance/.*}
  if ! result=$(query "$q" "$t"); then
    echo "FAIL dashboard query errors: $expr"; status=1
  elif [ "$(echo "$result" | jq length)" = 0 ]; then
    echo "FAIL dashboard query returns no data: $expr"; empty=$((empty + 1)); status=1
  fi
done < <(jq -r '.panels[].targets[]?.expr' "$dashboard")
[ "$empty" -gt 0 ] || [ "$status" -ne 0 ] || echo "ok   all $total queries of monitoring/grafana/cxpulse-dashboard.json return data"

echo
if [ "$status" -eq 0 ]; then echo "PASSED: Prometheus computes the same NPS as cxpulse"; else echo "FAILED"; fi
exit "$status"
