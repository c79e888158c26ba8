#!/usr/bin/env bash
# One command from a fresh clone to a live mention wall: installs dependencies, starts Kafka
# and Redis, builds and starts ingest, pipeline, alerter and gateway, then replays the demo stream.
# Ctrl-C stops the apps and the demo; `npm run infra:down` stops Kafka and Redis.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
LOGS="$ROOT/.tocsin/logs"
started=$(date +%s)

if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "tocsin: installing npm dependencies (npm ci)…"
  npm ci --no-audit --no-fund --loglevel=error
fi
bash scripts/infra-up.sh
# shellcheck source=scripts/infra-env.sh
source scripts/infra-env.sh
# The demo replays from "now": a previous run's event-time watermarks (up to hours ahead at 60×)
# would count every new mention as late, and its open alerts would absorb the new hits. Start
# clean on our own Redis; an external REDIS_URL is never touched.
if [[ -z "${REDIS_URL:-}" && "${TOCSIN_KEEP_STATE:-0}" != 1 ]]; then
  prefix="${REDIS_KEY_PREFIX:-tocsin:}"
  echo "tocsin: clearing the last demo's alerts and pipeline state (keys ${prefix}*; TOCSIN_KEEP_STATE=1 keeps them)"
  redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" --scan --pattern "${prefix}*" |
    xargs -r -n 1000 redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" UNLINK >/dev/null
fi
echo "tocsin: building the apps…"
npm run -s build >"$LOGS/build.log" 2>&1 || { tail -40 "$LOGS/build.log"; exit 1; }

export INGEST_PORT="${INGEST_PORT:-3000}" GATEWAY_PORT="${GATEWAY_PORT:-3001}"
pids=()
stop_all() {
  trap - INT TERM EXIT
  echo "tocsin: stopping apps…"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_all INT TERM EXIT

for app in ingest pipeline alerter gateway; do
  node "dist/apps/$app/apps/$app/src/main.js" >"$LOGS/$app.log" 2>&1 &
  pids+=($!)
  echo "tocsin: $app started (pid $!, log .tocsin/logs/$app.log)"
done

wait_for_http() {
  local url=$1 name=$2
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    sleep 0.5
  done
  echo "tocsin: $name did not answer at $url; last log lines:" >&2
  tail -20 "$LOGS/$name.log" >&2
  exit 1
}
wait_for_http "http://127.0.0.1:$INGEST_PORT/health" ingest
wait_for_http "http://127.0.0.1:$GATEWAY_PORT/v1/brands" gateway

echo
echo "tocsin: ready in $(( $(date +%s) - started ))s"
echo "tocsin: mention wall   → http://127.0.0.1:$GATEWAY_PORT/"
echo "tocsin: alert console  → http://127.0.0.1:$GATEWAY_PORT/console.html"
echo "tocsin: ingest API     → POST http://127.0.0.1:$INGEST_PORT/v1/mentions"
echo
npx tsx scripts/demo-stream.ts --ingest "http://127.0.0.1:$INGEST_PORT" "$@" &
pids+=($!)
wait
