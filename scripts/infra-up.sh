#!/usr/bin/env bash
# Starts (or reuses) the real infrastructure: single-node KRaft Kafka on 127.0.0.1:9092 and
# Redis on 127.0.0.1:6379, creates the topics, installs chromium for browser tests.
# Idempotent: whatever is already running is left alone.
#
#   KAFKA_BROKERS=host:port[,...]  use that Kafka instead of starting one (topics still created)
#   REDIS_URL=redis://host:port    use that Redis instead of starting one
#   TOCSIN_SKIP_CHROMIUM=1         do not install chromium
#   TOCSIN_MVN_ARGS="..."          extra mvn arguments (e.g. -Dmaven.repo.local=/tmp/m2)
#   TOCSIN_PARTITIONS_MENTIONS_RAW / _MENTIONS_ENRICHED / _MENTIONS_DLQ / _ALERTS_SIGNALS
set -euo pipefail
# shellcheck source=scripts/infra-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/infra-env.sh"

T0=$SECONDS
take_infra_lock
mkdir -p "$TOCSIN_HOME/kafka" "$KAFKA_CONF" "$KAFKA_DATA" "$REDIS_DATA" "$TOCSIN_LOGS/kafka" "$TOCSIN_RUN"

# --- system packages -------------------------------------------------------------------------
ensure_packages() {
  local missing=()
  if [[ -z "${REDIS_URL:-}" ]] && ! command -v redis-server >/dev/null 2>&1; then
    missing+=(redis-server)
  fi
  if ! command -v redis-cli >/dev/null 2>&1; then missing+=(redis-tools); fi
  if [[ "${TOCSIN_SKIP_CHROMIUM:-0}" != 1 && ! -x /usr/bin/chromium ]]; then missing+=(chromium); fi
  ((${#missing[@]})) || return 0

  say "installing ${missing[*]} (apt)…"
  local sudo=()
  if [[ "$(id -u)" != 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to apt-get install ${missing[*]}"
    sudo=(sudo)
  fi
  local log="$TOCSIN_LOGS/apt.log" t=$SECONDS
  if ! { "${sudo[@]}" apt-get update -q &&
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"; } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "apt-get install ${missing[*]} failed (full log: $log)"
  fi
  say "installed ${missing[*]} ($((SECONDS - t))s)"
}

# --- kafka -----------------------------------------------------------------------------------
ensure_kafka_jars() {
  if [[ -f "$KAFKA_LIB/.complete" ]]; then return 0; fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found: it resolves Kafka's jars from Maven Central (apt-get install -y maven)"
  say "resolving kafka $KAFKA_VERSION jars with maven…"
  local t=$SECONDS tmp="$KAFKA_LIB.tmp.$$" log="$TOCSIN_LOGS/mvn.log"
  rm -rf "$tmp"
  # shellcheck disable=SC2086 # TOCSIN_MVN_ARGS is a list of arguments
  if ! mvn -B -Dstyle.color=never -f "$TOCSIN_ROOT/scripts/kafka/pom.xml" ${TOCSIN_MVN_ARGS:-} \
    -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" >"$log" 2>&1; then
    rm -rf "$tmp"
    grep -E 'ERROR|FAIL' "$log" | head -n 20 >&2 || tail -n 20 "$log" >&2
    die "maven could not resolve kafka $KAFKA_VERSION (full log: $log)"
  fi
  [[ -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ]] || die "maven finished but kafka_2.13-$KAFKA_VERSION.jar is missing (log: $log)"
  # Only a complete set is published, so an interrupted download is never mistaken for a cache.
  touch "$tmp/.complete"
  rm -rf "$KAFKA_LIB"
  mv "$tmp" "$KAFKA_LIB"
  say "kafka jars ready: $(find "$KAFKA_LIB" -name '*.jar' | wc -l) jars ($((SECONDS - t))s)"
}

write_kafka_conf() {
  sed -e "s|@KAFKA_HOST@|$KAFKA_HOST|g" -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" \
    -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" -e "s|@DATA_DIR@|$KAFKA_DATA|g" \
    "$TOCSIN_ROOT/scripts/kafka/server.properties" >"$KAFKA_CONF/server.properties"
  # Short client timeouts so the CLI fails fast (and is retried) instead of hanging 60s.
  cat >"$KAFKA_CONF/client.properties" <<EOF
request.timeout.ms=5000
default.api.timeout.ms=10000
EOF
}

format_kafka_storage() {
  [[ -f "$KAFKA_DATA/meta.properties" ]] && return 0
  if [[ ! -s "$KAFKA_CLUSTER_ID_FILE" ]]; then
    kafka_tool kafka.tools.StorageTool random-uuid | tail -n 1 >"$KAFKA_CLUSTER_ID_FILE.tmp"
    mv "$KAFKA_CLUSTER_ID_FILE.tmp" "$KAFKA_CLUSTER_ID_FILE"
  fi
  local log="$TOCSIN_LOGS/kafka-format.log"
  if ! kafka_tool kafka.tools.StorageTool format --ignore-formatted \
    -t "$(cat "$KAFKA_CLUSTER_ID_FILE")" -c "$KAFKA_CONF/server.properties" >"$log" 2>&1; then
    cat "$log" >&2
    die "kafka storage format failed"
  fi
}

KAFKA_STARTED_PID=""
start_kafka() {
  local pid
  if pid="$(live_pid "$KAFKA_PID_FILE" kafka.Kafka)"; then
    say "kafka already running (pid $pid)"
    return 0
  fi
  if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
    say "something already listens on $KAFKA_HOST:$KAFKA_PORT (not started by tocsin): using it as kafka"
    return 0
  fi
  say "starting kafka $KAFKA_VERSION…"
  format_kafka_storage
  # shellcheck disable=SC2086 # KAFKA_HEAP_OPTS / KAFKA_JVM_OPTS are lists of JVM flags
  setsid java $KAFKA_HEAP_OPTS -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true ${KAFKA_JVM_OPTS:-} \
    -Dkafka.logs.dir="$TOCSIN_LOGS/kafka" \
    -Dlog4j.configuration="file:$TOCSIN_ROOT/scripts/kafka/log4j.properties" \
    -cp "$(kafka_classpath)" kafka.Kafka "$KAFKA_CONF/server.properties" \
    >"$KAFKA_OUT_FILE" 2>&1 </dev/null 9>&- &
  KAFKA_STARTED_PID=$!
  echo "$KAFKA_STARTED_PID" >"$KAFKA_PID_FILE"
}

kafka_failure() {
  {
    printf 'tocsin: ERROR: %s\n' "$1"
    # An external broker's logs are elsewhere; ours would only mislead.
    [[ -n "${KAFKA_BROKERS:-}" ]] && exit 1
    if [[ -s "$KAFKA_OUT_FILE" ]]; then
      echo "--- tail of $KAFKA_OUT_FILE"
      tail -n 20 "$KAFKA_OUT_FILE"
    fi
    if [[ -s "$KAFKA_LOG_FILE" ]]; then
      echo "--- errors in $KAFKA_LOG_FILE"
      grep -E '^\[[^]]*\] (ERROR|FATAL)|^Caused by' "$KAFKA_LOG_FILE" | tail -n 8 || true
      echo "--- tail of $KAFKA_LOG_FILE (stack frames left out)"
      grep -vE '^[[:space:]]+(at |\.\.\. [0-9]+ more)' "$KAFKA_LOG_FILE" | tail -n 12 || true
    fi
  } >&2
  exit 1
}

# Ready = the broker answers an admin request. The answer (a describe of our topics) is kept.
TOPICS_DESCRIBE=""
wait_kafka() {
  local t=$SECONDS deadline=$((SECONDS + KAFKA_START_TIMEOUT)) out
  while :; do
    if [[ -n "$KAFKA_STARTED_PID" ]] && ! kill -0 "$KAFKA_STARTED_PID" 2>/dev/null; then
      rm -f "$KAFKA_PID_FILE"
      kafka_failure "kafka exited during startup"
    fi
    if [[ -n "${KAFKA_BROKERS:-}" ]] || port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
      if out="$(describe_topics 2>&1)"; then
        TOPICS_DESCRIBE="$out"
        break
      fi
    fi
    if ((SECONDS >= deadline)); then
      [[ -n "${out:-}" ]] && printf '%s\n' "$out" | tail -n 5 >&2
      kafka_failure "kafka on $BOOTSTRAP not ready after ${KAFKA_START_TIMEOUT}s"
    fi
    sleep 1
  done
  say "kafka ready on $BOOTSTRAP ($((SECONDS - t))s)"
}

# --- topics ----------------------------------------------------------------------------------
TOPICS=(mentions.raw mentions.enriched mentions.dlq alerts.signals alerts.events)
declare -A WANT=(
  [mentions.raw]="$TOPIC_PARTITIONS_MENTIONS_RAW"
  [mentions.enriched]="$TOPIC_PARTITIONS_MENTIONS_ENRICHED"
  [mentions.dlq]="$TOPIC_PARTITIONS_MENTIONS_DLQ"
  [alerts.signals]="$TOPIC_PARTITIONS_ALERTS_SIGNALS"
  [alerts.events]="$TOPIC_PARTITIONS_ALERTS_EVENTS"
)

topic_cmd() {
  kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" \
    --command-config "$KAFKA_CONF/client.properties" "$@"
}

describe_topics() {
  local re
  re="$(printf '%s|' "${TOPICS[@]}")"
  re="${re%|}"
  # --if-exists: no match yet is an answer too (a fresh broker), not an error
  topic_cmd --describe --if-exists --topic "^(${re//./\\.})\$"
}

ensure_topics() {
  local topic have want created=() t=$SECONDS
  declare -A HAVE=()
  while read -r topic have; do
    HAVE[$topic]="$have"
  done < <(printf '%s\n' "$TOPICS_DESCRIBE" |
    awk '/PartitionCount:/ { for (i = 1; i < NF; i++) { if ($i == "Topic:") t = $(i + 1); if ($i == "PartitionCount:") p = $(i + 1) } print t, p }')

  for topic in "${TOPICS[@]}"; do
    want="${WANT[$topic]}"
    have="${HAVE[$topic]:-}"
    if [[ -z "$have" ]]; then
      topic_cmd --create --if-not-exists --topic "$topic" --partitions "$want" \
        --replication-factor "$TOPIC_REPLICATION" >/dev/null ||
        die "could not create topic $topic on $BOOTSTRAP"
      created+=("$topic($want)")
    elif ((have < want)); then
      say "topic $topic has $have partitions, raising to $want"
      topic_cmd --alter --topic "$topic" --partitions "$want" >/dev/null ||
        die "could not raise partitions of $topic to $want"
      HAVE[$topic]="$want"
    elif ((have > want)); then
      say "warning: topic $topic has $have partitions, more than the $want asked (Kafka cannot shrink)"
    fi
  done
  if ((${#created[@]})); then
    say "created topics ${created[*]} ($((SECONDS - t))s)"
  else
    say "topics present: $(for t in "${TOPICS[@]}"; do printf "%s(%s) " "$t" "${HAVE[$t]}"; done | sed "s/ $//")"
  fi
}

# --- redis -----------------------------------------------------------------------------------
redis_ping() { redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

start_redis() {
  local pid t=$SECONDS
  if [[ -n "${REDIS_URL:-}" ]]; then
    if command -v redis-cli >/dev/null 2>&1 && ! redis-cli -u "$REDIS_URL" ping 2>/dev/null | grep -q PONG; then
      say "warning: REDIS_URL=$REDIS_URL does not answer PING"
    else
      say "redis: using REDIS_URL=$REDIS_URL"
    fi
    return 0
  fi
  if pid="$(live_pid "$REDIS_PID_FILE" redis-server)"; then
    say "redis already running (pid $pid)"
    return 0
  fi
  if redis_ping; then
    say "redis already answers on $REDIS_HOST:$REDIS_PORT (not started by tocsin): using it"
    return 0
  fi
  say "starting redis…"
  # appendonly: state (alerts, timers, baselines) survives a restart of Redis.
  redis-server --daemonize yes --bind "$REDIS_HOST" --port "$REDIS_PORT" \
    --dir "$REDIS_DATA" --pidfile "$REDIS_PID_FILE" --logfile "$REDIS_LOG_FILE" \
    --appendonly yes >/dev/null 9>&- ||
    die "redis-server failed to start (log: $REDIS_LOG_FILE)"
  local deadline=$((SECONDS + REDIS_START_TIMEOUT))
  until redis_ping; do
    if ((SECONDS >= deadline)); then
      tail -n 20 "$REDIS_LOG_FILE" >&2 || true
      die "redis on $REDIS_HOST:$REDIS_PORT did not answer PING after ${REDIS_START_TIMEOUT}s"
    fi
    sleep 0.2
  done
  say "redis ready on $REDIS_HOST:$REDIS_PORT ($((SECONDS - t))s)"
}

# --- main ------------------------------------------------------------------------------------
ensure_packages
require_java
ensure_kafka_jars
write_kafka_conf

if [[ -n "${KAFKA_BROKERS:-}" ]]; then
  BOOTSTRAP="$KAFKA_BROKERS"
  say "kafka: using KAFKA_BROKERS=$BOOTSTRAP"
else
  BOOTSTRAP="$KAFKA_HOST:$KAFKA_PORT"
  start_kafka
fi
# Redis starts while the Kafka JVM boots.
start_redis
wait_kafka
ensure_topics

cat >"$TOCSIN_HOME/env" <<EOF
KAFKA_BROKERS=$BOOTSTRAP
REDIS_URL=${REDIS_URL:-redis://$REDIS_HOST:$REDIS_PORT}
EOF
say "infrastructure up ($((SECONDS - T0))s)"
