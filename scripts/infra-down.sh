#!/usr/bin/env bash
# Stops the Kafka and Redis that infra-up.sh started (found by their pid files). Idempotent.
#   --purge   also delete their data and logs (the downloaded Kafka jars are kept)
set -euo pipefail
# shellcheck source=scripts/infra-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/infra-env.sh"

PURGE=0
for arg in "$@"; do
  case "$arg" in
    --purge) PURGE=1 ;;
    -h | --help)
      sed -n '2,3p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) die "unknown argument: $arg (expected --purge)" ;;
  esac
done

[[ -d "$TOCSIN_HOME" ]] || {
  say "nothing to stop ($TOCSIN_HOME does not exist)"
  exit 0
}
take_infra_lock

wait_gone() {
  local pid="$1" deadline=$((SECONDS + $2))
  while kill -0 "$pid" 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
  return 0
}

stop_kafka() {
  local pid t=$SECONDS
  if ! pid="$(live_pid "$KAFKA_PID_FILE" kafka.Kafka)"; then
    rm -f "$KAFKA_PID_FILE"
    say "kafka not running"
    return 0
  fi
  say "stopping kafka (pid $pid)…"
  # SIGTERM runs the broker's controlled shutdown, which flushes and closes the logs cleanly.
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_gone "$pid" "$KAFKA_STOP_TIMEOUT"; then
    say "kafka still up after ${KAFKA_STOP_TIMEOUT}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 10 || die "kafka (pid $pid) survived SIGKILL"
  fi
  rm -f "$KAFKA_PID_FILE"
  say "kafka stopped ($((SECONDS - t))s)"
}

stop_redis() {
  local pid t=$SECONDS
  if ! pid="$(live_pid "$REDIS_PID_FILE" redis-server)"; then
    rm -f "$REDIS_PID_FILE"
    say "redis not running"
    return 0
  fi
  say "stopping redis (pid $pid)…"
  # nosave: the append-only file already holds the data; skip an extra RDB snapshot.
  redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  if ! wait_gone "$pid" 15; then
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 5 || die "redis (pid $pid) survived SIGKILL"
  fi
  rm -f "$REDIS_PID_FILE"
  say "redis stopped ($((SECONDS - t))s)"
}

stop_kafka
stop_redis

if ((PURGE)); then
  rm -rf "$TOCSIN_HOME/kafka/data" "$TOCSIN_HOME/kafka/conf" "$TOCSIN_HOME/kafka/cluster-id" \
    "$REDIS_DATA" "$TOCSIN_LOGS" "$TOCSIN_RUN" "$TOCSIN_HOME/env"
  say "purged data and logs (kept jars in $TOCSIN_HOME/kafka/lib-*)"
fi
