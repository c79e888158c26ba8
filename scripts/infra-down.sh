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

# Stops one of our services: its own polite stop first, SIGKILL after `timeout` seconds.
stop_service() {
  local name="$1" pid_file="$2" pattern="$3" timeout="$4" polite_stop="$5" pid t=$SECONDS
  if ! pid="$(live_pid "$pid_file" "$pattern")"; then
    rm -f "$pid_file"
    say "$name not running"
    return 0
  fi
  say "stopping $name (pid $pid)…"
  "$polite_stop" "$pid"
  if ! wait_gone "$pid" "$timeout"; then
    say "$name still up after ${timeout}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 10 || die "$name (pid $pid) survived SIGKILL"
  fi
  rm -f "$pid_file"
  say "$name stopped ($((SECONDS - t))s)"
}

# SIGTERM runs the broker's controlled shutdown, which flushes and closes the logs cleanly.
terminate_kafka() { kill -TERM "$1" 2>/dev/null || true; }

# nosave: the append-only file already holds the data; skip an extra RDB snapshot.
shutdown_redis() {
  redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || kill -TERM "$1" 2>/dev/null || true
}

terminate() { kill -TERM "$1" 2>/dev/null || true; }

# Whatever was started, single node or cluster, is found by its pid file.
stop_kafka() {
  local pid_file pid
  stop_service kafka "$KAFKA_PID_FILE" kafka.Kafka "$KAFKA_STOP_TIMEOUT" terminate_kafka
  # All nodes of a cluster at once: the last one alone would wait in vain for a controller
  # quorum to approve its controlled shutdown, then be killed.
  for pid_file in "$TOCSIN_RUN"/kafka-*.pid; do
    [[ -e "$pid_file" ]] && pid="$(live_pid "$pid_file" kafka.Kafka)" && terminate_kafka "$pid"
  done
  for pid_file in "$TOCSIN_RUN"/kafka-*.pid; do
    [[ -e "$pid_file" ]] || continue
    stop_service "kafka node $(basename "$pid_file" .pid | sed 's/^kafka-//')" "$pid_file" kafka.Kafka "$KAFKA_STOP_TIMEOUT" terminate_kafka
  done
}
# Sentinels first: stopping the primary under their watch would start a failover.
stop_redis() {
  local pid_file
  stop_service redis "$REDIS_PID_FILE" redis-server 15 shutdown_redis
  for pid_file in "$TOCSIN_RUN"/redis-sentinel-*.pid "$TOCSIN_RUN"/redis-replica.pid "$TOCSIN_RUN"/redis-primary.pid; do
    [[ -e "$pid_file" ]] || continue
    # SIGTERM: Redis flushes its append-only file and exits.
    stop_service "redis $(basename "$pid_file" .pid | sed 's/^redis-//')" "$pid_file" redis- 15 terminate
  done
}

stop_kafka
stop_redis

if ((PURGE)); then
  rm -rf "$TOCSIN_HOME/kafka/data" "$TOCSIN_HOME/kafka/conf" "$TOCSIN_HOME/kafka/cluster-id" \
    "$TOCSIN_HOME"/kafka/node-* "$REDIS_SENTINEL_DIR" "$REDIS_DATA" "$TOCSIN_LOGS" "$TOCSIN_RUN" "$TOCSIN_HOME/env"
  say "purged data and logs (kept jars in $TOCSIN_HOME/kafka/lib-*)"
fi
