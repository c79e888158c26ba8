#!/usr/bin/env bash
# Starts (or reuses) the real infrastructure: single-node KRaft Kafka on 127.0.0.1:9092 and
# Redis on 127.0.0.1:6379, creates the topics, installs chromium for browser tests.
# Idempotent: whatever is already running is left alone, whatever died is started again.
#
#   TOCSIN_KAFKA_NODES=3           a local 3-node KRaft cluster instead (ports KAFKA_PORT..+5),
#                                  topics with 3 replicas and min.insync.replicas=2
#   TOCSIN_REDIS_HA=sentinel       Redis primary + replica + three sentinels (ports REDIS_PORT..+4)
#   TOCSIN_TOPIC_REPLICATION / TOCSIN_TOPIC_MIN_INSYNC   override the replication of new topics
#   KAFKA_BROKERS=host:port[,...]  use that Kafka instead of starting one (topics still created)
#   REDIS_URL=redis://host:port    use that Redis instead of starting one
#   TOCSIN_REDIS_PASSWORD=…        start Redis with requirepass; the REDIS_URL written carries it
#   TOCSIN_SKIP_CHROMIUM=1         do not install chromium
#   TOCSIN_MVN_ARGS="..."          extra mvn arguments (e.g. -Dmaven.repo.local=/tmp/m2)
#   TOCSIN_PARTITIONS_MENTIONS_RAW / _MENTIONS_ENRICHED / _MENTIONS_TALLIES / _MENTIONS_DLQ / _ALERTS_SIGNALS
set -euo pipefail
# shellcheck source=scripts/infra-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/infra-env.sh"

T0=$SECONDS
take_infra_lock
mkdir -p "$TOCSIN_HOME/kafka" "$KAFKA_CONF" "$REDIS_DATA" "$TOCSIN_LOGS" "$TOCSIN_RUN"

# --- system packages -------------------------------------------------------------------------
ensure_packages() {
  local missing=()
  if [[ -z "${REDIS_URL:-}" ]] && ! command -v redis-server >/dev/null 2>&1; then
    missing+=(redis-server)
  fi
  if ! command -v redis-cli >/dev/null 2>&1; then missing+=(redis-tools); fi
  if [[ -n "$REDIS_HA" ]] && ! command -v redis-sentinel >/dev/null 2>&1; then missing+=(redis-sentinel); fi
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
  local i voters="" dir
  for ((i = 1; i <= KAFKA_NODES; i++)); do voters+="${voters:+,}$i@$KAFKA_HOST:$(kafka_node_controller_port "$i")"; done
  for ((i = 1; i <= KAFKA_NODES; i++)); do
    dir="$(kafka_node_dir "$i")"
    mkdir -p "$dir/conf" "$dir/data" "$(kafka_node_logs "$i")"
    sed -e "s|@NODE_ID@|$i|g" -e "s|@QUORUM_VOTERS@|$voters|g" \
      -e "s|@KAFKA_HOST@|$KAFKA_HOST|g" -e "s|@KAFKA_PORT@|$(kafka_node_port "$i")|g" \
      -e "s|@CONTROLLER_PORT@|$(kafka_node_controller_port "$i")|g" -e "s|@DATA_DIR@|$dir/data|g" \
      -e "s|@REPLICATION@|$TOPIC_REPLICATION|g" -e "s|@MIN_ISR@|$TOPIC_MIN_INSYNC|g" \
      "$TOCSIN_ROOT/scripts/kafka/server.properties" >"$dir/conf/server.properties"
  done
  # Short client timeouts so the CLI fails fast (and is retried) instead of hanging 60s.
  cat >"$KAFKA_CONF/client.properties" <<EOF
request.timeout.ms=5000
default.api.timeout.ms=10000
EOF
}

# Every node of a cluster is formatted with the same cluster id.
format_kafka_storage() {
  local dir
  dir="$(kafka_node_dir "$1")"
  [[ -f "$dir/data/meta.properties" ]] && return 0
  if [[ ! -s "$KAFKA_CLUSTER_ID_FILE" ]]; then
    kafka_tool kafka.tools.StorageTool random-uuid | tail -n 1 >"$KAFKA_CLUSTER_ID_FILE.tmp"
    mv "$KAFKA_CLUSTER_ID_FILE.tmp" "$KAFKA_CLUSTER_ID_FILE"
  fi
  local log="$TOCSIN_LOGS/kafka-format.log"
  if ! kafka_tool kafka.tools.StorageTool format --ignore-formatted \
    -t "$(cat "$KAFKA_CLUSTER_ID_FILE")" -c "$dir/conf/server.properties" >"$log" 2>&1; then
    cat "$log" >&2
    die "kafka storage format failed (node $1)"
  fi
}

kafka_out_file() { if ((KAFKA_NODES == 1)); then printf '%s\n' "$KAFKA_OUT_FILE"; else printf '%s\n' "$TOCSIN_LOGS/kafka-$1.out"; fi; }

KAFKA_STARTED_PIDS=()
start_kafka_node() {
  local i="$1" pid pid_file port name="kafka"
  pid_file="$(kafka_node_pid_file "$i")"
  port="$(kafka_node_port "$i")"
  ((KAFKA_NODES == 1)) || name="kafka node $i"
  if pid="$(live_pid "$pid_file" kafka.Kafka)"; then
    say "$name already running (pid $pid)"
    return 0
  fi
  if port_open "$KAFKA_HOST" "$port"; then
    say "something already listens on $KAFKA_HOST:$port (not started by tocsin): using it as $name"
    return 0
  fi
  say "starting $name $KAFKA_VERSION…"
  format_kafka_storage "$i"
  # shellcheck disable=SC2086 # KAFKA_HEAP_OPTS / KAFKA_JVM_OPTS are lists of JVM flags
  setsid java $KAFKA_HEAP_OPTS -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true ${KAFKA_JVM_OPTS:-} \
    -Dkafka.logs.dir="$(kafka_node_logs "$i")" \
    -Dlog4j.configuration="file:$TOCSIN_ROOT/scripts/kafka/log4j.properties" \
    -cp "$(kafka_classpath)" kafka.Kafka "$(kafka_node_dir "$i")/conf/server.properties" \
    >"$(kafka_out_file "$i")" 2>&1 </dev/null 9>&- &
  KAFKA_STARTED_PIDS+=("$i:$!")
  echo "$!" >"$pid_file"
}

start_kafka() {
  local i
  for ((i = 1; i <= KAFKA_NODES; i++)); do start_kafka_node "$i"; done
}

kafka_failure() {
  local i out log
  {
    printf 'tocsin: ERROR: %s\n' "$1"
    # An external broker's logs are elsewhere; ours would only mislead.
    [[ -n "${KAFKA_BROKERS:-}" ]] && exit 1
    for ((i = 1; i <= KAFKA_NODES; i++)); do
      out="$(kafka_out_file "$i")"
      log="$(kafka_node_logs "$i")/server.log"
      if [[ -s "$out" ]]; then
        echo "--- tail of $out"
        tail -n 20 "$out"
      fi
      if [[ -s "$log" ]]; then
        echo "--- errors in $log"
        grep -E '^\[[^]]*\] (ERROR|FATAL)|^Caused by' "$log" | tail -n 8 || true
        echo "--- tail of $log (stack frames left out)"
        grep -vE '^[[:space:]]+(at |\.\.\. [0-9]+ more)' "$log" | tail -n 12 || true
      fi
    done
  } >&2
  exit 1
}

# Ready = the broker answers an admin request. The answer (a describe of our topics) is kept.
TOPICS_DESCRIBE=""
wait_kafka() {
  local t=$SECONDS deadline=$((SECONDS + KAFKA_START_TIMEOUT)) out started
  while :; do
    for started in "${KAFKA_STARTED_PIDS[@]}"; do
      if ! kill -0 "${started#*:}" 2>/dev/null; then
        rm -f "$(kafka_node_pid_file "${started%%:*}")"
        kafka_failure "kafka node ${started%%:*} exited during startup"
      fi
    done
    if [[ -n "${KAFKA_BROKERS:-}" ]] || port_open "$KAFKA_HOST" "$(kafka_node_port 1)"; then
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
TOPICS=(mentions.raw mentions.enriched mentions.tallies mentions.dlq alerts.signals alerts.events)
declare -A WANT=(
  [mentions.raw]="$TOPIC_PARTITIONS_MENTIONS_RAW"
  [mentions.enriched]="$TOPIC_PARTITIONS_MENTIONS_ENRICHED"
  [mentions.tallies]="$TOPIC_PARTITIONS_MENTIONS_TALLIES"
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

# A cluster's nodes register one by one: creating with 3 replicas is retried until 3 brokers
# are there to hold them.
create_topic() {
  local topic="$1" partitions="$2" deadline=$((SECONDS + KAFKA_START_TIMEOUT)) out
  until out="$(topic_cmd --create --if-not-exists --topic "$topic" --partitions "$partitions" \
    --replication-factor "$TOPIC_REPLICATION" --config "min.insync.replicas=$TOPIC_MIN_INSYNC" 2>&1)"; do
    if ((SECONDS >= deadline)); then
      printf '%s\n' "$out" | tail -n 5 >&2
      die "could not create topic $topic on $BOOTSTRAP (replication $TOPIC_REPLICATION, min.insync.replicas $TOPIC_MIN_INSYNC)"
    fi
    sleep 1
  done
}

ensure_topics() {
  local topic have want created=() t=$SECONDS
  declare -A HAVE=()
  while read -r topic have; do
    HAVE[$topic]="$have"
  done < <(printf '%s\n' "$TOPICS_DESCRIBE" |
    awk '/PartitionCount:/ { for (i = 1; i < NF; i++) { if ($i == "Topic:") t = $(i + 1); if ($i == "PartitionCount:") p = $(i + 1) } print t, p }')
  # Kafka does not raise a topic's replication factor by itself (that is a reassignment): an
  # existing topic with fewer copies than asked is reported, and the apps refuse it at start.
  while read -r topic have; do
    [[ -n "$topic" ]] && ((have < TOPIC_REPLICATION)) &&
      say "warning: topic $topic has replication factor $have, less than the $TOPIC_REPLICATION asked (kafka-reassign-partitions raises it)"
  done < <(printf '%s\n' "$TOPICS_DESCRIBE" |
    awk '/PartitionCount:/ { for (i = 1; i < NF; i++) { if ($i == "Topic:") t = $(i + 1); if ($i == "ReplicationFactor:") r = $(i + 1) } print t, r }')

  for topic in "${TOPICS[@]}"; do
    want="${WANT[$topic]}"
    have="${HAVE[$topic]:-}"
    if [[ -z "$have" ]]; then
      create_topic "$topic" "$want"
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
      say "warning: REDIS_URL=$(redact_url "$REDIS_URL") does not answer PING"
    else
      say "redis: using REDIS_URL=$(redact_url "$REDIS_URL")"
    fi
    return 0
  fi
  if pid="$(live_pid "$REDIS_PID_FILE" redis-server)"; then
    say "redis already running (pid $pid)"
    if [[ -n "$REDIS_PASSWORD" ]] && REDISCLI_AUTH='' redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
      say "warning: it answers without a password; TOCSIN_REDIS_PASSWORD applies when infra-up starts it (npm run infra:down first)"
    fi
    return 0
  fi
  if redis_ping; then
    say "redis already answers on $REDIS_HOST:$REDIS_PORT (not started by tocsin): using it"
    return 0
  fi
  say "starting redis…"
  # appendonly: state (alerts, timers, baselines) survives a restart of Redis. The password comes
  # in on stdin (the configuration file "-"), out of every process list.
  { [[ -z "$REDIS_PASSWORD" ]] || printf 'requirepass %s\n' "$REDIS_PASSWORD"; } |
    redis-server - --daemonize yes --bind "$REDIS_HOST" --port "$REDIS_PORT" \
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

# --- redis sentinel --------------------------------------------------------------------------
# One primary, one replica, three sentinels (a quorum of 2 can elect while one sentinel is down).
# Each instance gets a config file of its own: Sentinel rewrites it (and the replicas') as roles
# change, so a restarted node comes back in the role the set last gave it.
redis_instance_ping() { redis-cli -h "$REDIS_HOST" -p "$1" ping 2>/dev/null | grep -q PONG; }

wait_redis_instance() {
  local name="$1" port="$2" log="$3" deadline=$((SECONDS + REDIS_START_TIMEOUT))
  until redis_instance_ping "$port"; do
    if ((SECONDS >= deadline)); then
      tail -n 20 "$log" >&2 || true
      die "$name on $REDIS_HOST:$port did not answer PING after ${REDIS_START_TIMEOUT}s"
    fi
    sleep 0.2
  done
}

start_redis_instance() {
  local name="$1" port="$2" role="$3" dir="$REDIS_SENTINEL_DIR/$1" pid
  local conf="$dir/$1.conf" pid_file="$TOCSIN_RUN/redis-$1.pid" log="$TOCSIN_LOGS/redis-$1.log"
  if pid="$(live_pid "$pid_file" redis-)"; then
    say "redis $name already running (pid $pid)"
    return 0
  fi
  mkdir -p "$dir"
  if [[ ! -f "$conf" ]]; then
    {
      echo "bind $REDIS_HOST"
      echo "port $port"
      echo "dir $dir"
      if [[ "$role" == sentinel ]]; then
        echo "sentinel monitor $REDIS_SENTINEL_NAME $REDIS_HOST $REDIS_PORT 2"
        # Declared down after 1 s without an answer; a failover that stalls is retried after 5 s.
        echo "sentinel down-after-milliseconds $REDIS_SENTINEL_NAME 1000"
        echo "sentinel failover-timeout $REDIS_SENTINEL_NAME 5000"
        echo "sentinel parallel-syncs $REDIS_SENTINEL_NAME 1"
      else
        # Every write is in the append-only file, fsynced each second, on primary and replica.
        echo "appendonly yes"
        echo "appendfsync everysec"
        [[ "$role" == replica ]] && echo "replicaof $REDIS_HOST $REDIS_PORT"
      fi
    } >"$conf"
  fi
  # Runtime settings stay on the command line: Sentinel's config rewrite never sees them.
  local args=("$conf" --daemonize yes --pidfile "$pid_file" --logfile "$log")
  if [[ "$role" == sentinel ]]; then
    redis-sentinel "${args[@]}" >/dev/null 9>&- || die "redis sentinel $name failed to start (log: $log)"
  else
    redis-server "${args[@]}" >/dev/null 9>&- || die "redis $name failed to start (log: $log)"
  fi
  wait_redis_instance "redis $name" "$port" "$log"
  say "redis $name ready on $REDIS_HOST:$port"
}

start_redis_sentinel() {
  [[ -z "${REDIS_URL:-}" ]] || die "TOCSIN_REDIS_HA=sentinel starts its own Redis set; unset REDIS_URL"
  [[ -z "$REDIS_PASSWORD" ]] || die "TOCSIN_REDIS_PASSWORD is for the single Redis; the sentinel set runs without one"
  command -v redis-sentinel >/dev/null 2>&1 || die "redis-sentinel not found (apt-get install -y redis-sentinel)"
  local t=$SECONDS i=1 port name running=0
  for name in primary replica sentinel-1 sentinel-2 sentinel-3; do
    live_pid "$TOCSIN_RUN/redis-$name.pid" redis- >/dev/null && running=1
  done
  # A cold start begins afresh: after a failover, Sentinel has rewritten the configs (the primary
  # port became a replica, the sentinels remember the other node as primary), so the set would come
  # back with REDIS_URL naming a stale node that serves writes until it is demoted and resynced.
  # With any node still up (a node restarted after a kill), the set's state is kept.
  if ((!running)) && [[ -d "$REDIS_SENTINEL_DIR" ]]; then
    rm -rf "$REDIS_SENTINEL_DIR"
    say "redis sentinel set: cold start, previous roles and data cleared"
  fi
  start_redis_instance primary "$REDIS_PORT" primary
  start_redis_instance replica "$REDIS_REPLICA_PORT" replica
  for port in "${REDIS_SENTINEL_PORTS[@]}"; do
    start_redis_instance "sentinel-$i" "$port" sentinel
    i=$((i + 1))
  done
  say "redis sentinel set '$REDIS_SENTINEL_NAME' up: sentinels $(redis_sentinel_list) ($((SECONDS - t))s)"
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
  BOOTSTRAP="$(kafka_bootstrap)"
  start_kafka
fi
# Redis starts while the Kafka JVM boots.
if [[ -n "$REDIS_HA" ]]; then start_redis_sentinel; else start_redis; fi
wait_kafka
ensure_topics

# What the apps need to reach this infrastructure (KAFKA_*, REDIS_*; see README, Configuration).
# Readable by its owner only: REDIS_URL may carry a password.
install -m 600 /dev/null "$TOCSIN_HOME/env"
{
  echo "KAFKA_BROKERS=$BOOTSTRAP"
  echo "KAFKA_REPLICATION_FACTOR=$TOPIC_REPLICATION"
  echo "KAFKA_MIN_INSYNC_REPLICAS=$TOPIC_MIN_INSYNC"
  echo "REDIS_URL=${REDIS_URL:-$(redis_own_url)}"
  if [[ -n "$REDIS_HA" ]]; then
    echo "REDIS_SENTINELS=$(redis_sentinel_list)"
    echo "REDIS_SENTINEL_NAME=$REDIS_SENTINEL_NAME"
    echo "REDIS_CONFIRM_REPLICAS=1"
  fi
} >"$TOCSIN_HOME/env"
say "infrastructure up ($((SECONDS - T0))s)"
