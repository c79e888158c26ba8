#!/usr/bin/env bash
# One command from a fresh clone to a live mention wall: installs dependencies, starts Kafka
# and Redis, builds and starts ingest, pipeline, alerter and gateway (and the collector when SOURCES_FILE
# names a sources file), each restarted if it dies (scripts/supervise.sh), then replays the demo
# stream.
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
# The apps talk to the servers infra-up.sh started (TOCSIN_KAFKA_PORT / TOCSIN_REDIS_PORT move them).
export KAFKA_BROKERS="${KAFKA_BROKERS:-$KAFKA_HOST:$KAFKA_PORT}" REDIS_URL="${REDIS_URL:-$(redis_own_url)}"
echo "tocsin: building the apps…"
npm run -s build >"$LOGS/build.log" 2>&1 || { tail -40 "$LOGS/build.log"; exit 1; }

export INGEST_PORT="${INGEST_PORT:-3000}" GATEWAY_PORT="${GATEWAY_PORT:-3001}" PIPELINE_HEALTH_PORT="${PIPELINE_HEALTH_PORT:-3002}" ALERTER_HEALTH_PORT="${ALERTER_HEALTH_PORT:-3004}"
# The console's sockets are accepted only from the public URL's origin: open the pages at it.
export PUBLIC_URL="${PUBLIC_URL:-http://127.0.0.1:$GATEWAY_PORT}"
# Session cookies are signed with a secret made once for this checkout and kept in .tocsin/.
if [[ -z "${SESSION_SECRET:-}" ]]; then
  [[ -s "$ROOT/.tocsin/session-secret" ]] ||
    (umask 077 && mkdir -p "$ROOT/.tocsin" &&
      node -e "process.stdout.write(require('node:crypto').randomBytes(48).toString('base64'))" >"$ROOT/.tocsin/session-secret")
  SESSION_SECRET="$(cat "$ROOT/.tocsin/session-secret")"
  export SESSION_SECRET
fi
# The demo plays event time 60× faster than the clock, so its mentions run hours ahead of it:
# here that is the point, not a wrong clock, and the allowance is a week instead of 5 minutes.
export MAX_CLOCK_SKEW_MS="${MAX_CLOCK_SKEW_MS:-604800000}"
# The example plan pages a bridge on this host over plain http, without a signing secret: only
# development allows that (with a warning); production needs https and a secret per webhook.
export NODE_ENV="${NODE_ENV:-development}"
pids=()
stop_all() {
  trap - INT TERM EXIT
  echo "tocsin: stopping apps…"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [[ -n "${demo_key_id:-}" ]]; then revoke_demo_key; fi
}
trap stop_all INT TERM EXIT

apps=(ingest pipeline alerter gateway)
# The collector reads real networks and feeds: only when a sources file is given.
if [[ -n "${SOURCES_FILE:-}" ]]; then
  npx tsx scripts/sources-check.ts "$SOURCES_FILE"
  export COLLECTOR_PORT="${COLLECTOR_PORT:-3003}"
  apps+=(collector)
fi
# The pages' scripts are rebuilt on every change under apps/gateway/web: reload the page to see it.
# tsx itself, not npx: npx does not pass the stop signal on, and the watcher would outlive us.
node_modules/.bin/tsx scripts/web-build.ts --watch >"$LOGS/web.log" 2>&1 &
pids+=($!)
# Each app under its own supervisor: an app that dies is said so and started again (backoff).
for app in "${apps[@]}"; do
  : >"$LOGS/$app.log"
  bash scripts/supervise.sh "$app" "$LOGS/$app.log" -- node "dist/apps/$app/apps/$app/src/main.js" &
  pids+=($!)
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
wait_for_http "http://127.0.0.1:$PIPELINE_HEALTH_PORT/health" pipeline
wait_for_http "http://127.0.0.1:$GATEWAY_PORT/health" gateway
# One account per role (viewer, cm, manager, admin), new passwords each start; `npm run users` manages real ones.
accounts="$(npx tsx scripts/users.ts demo)"

echo
echo "tocsin: ready in $(( $(date +%s) - started ))s"
echo "tocsin: mention wall   → http://127.0.0.1:$GATEWAY_PORT/"
echo "tocsin: alert console  → http://127.0.0.1:$GATEWAY_PORT/console.html"
echo "tocsin: page scripts   → rebuilt from apps/gateway/web on change (log: .tocsin/logs/web.log)"
echo "tocsin: sign in        → $PUBLIC_URL/signin.html"
echo "$accounts" | sed 's/^/tocsin: /'
echo "tocsin: ingest API     → POST http://127.0.0.1:$INGEST_PORT/v1/mentions (Authorization: Bearer <key from npm run -s keys -- create --source NAME>)"
if [[ -n "${SOURCES_FILE:-}" ]]; then
  echo "tocsin: collector      → $SOURCES_FILE, health http://127.0.0.1:$COLLECTOR_PORT/health"
fi
echo
# The demo posts like any source: with an ingest key, created for this run and revoked at its end.
INGEST_KEY="$(npx tsx scripts/ingest-keys.ts create --source demo 2>/dev/null)" ||
  { echo "tocsin: could not create the demo's ingest key (npx tsx scripts/ingest-keys.ts create --source demo)" >&2; exit 1; }
demo_key_id="${INGEST_KEY:4:12}"
revoke_demo_key() { npx tsx scripts/ingest-keys.ts revoke "$demo_key_id" >/dev/null 2>&1 || true; }
echo "tocsin: demo ingest key $demo_key_id (revoked when this stops; npm run -s keys -- list)"
INGEST_KEY="$INGEST_KEY" node_modules/.bin/tsx scripts/demo-stream.ts --ingest "http://127.0.0.1:$INGEST_PORT" "$@" &
pids+=($!)
wait
