# shellcheck shell=bash disable=SC2034 # the variables are used by the scripts that source this file
# Shared settings and helpers for infra-up.sh / infra-down.sh. Sourced, not run.
# Everything the scripts create lives under $TOCSIN_HOME (default: <repo>/.tocsin).

TOCSIN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOCSIN_HOME="${TOCSIN_HOME:-$TOCSIN_ROOT/.tocsin}"

KAFKA_VERSION="${TOCSIN_KAFKA_VERSION:-3.9.1}"
KAFKA_HOST=127.0.0.1
KAFKA_PORT="${TOCSIN_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${TOCSIN_KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_START_TIMEOUT="${TOCSIN_KAFKA_START_TIMEOUT:-120}"
# 1: the single dev broker. 3: a local KRaft cluster of combined broker+controller nodes, node i
# listening on KAFKA_PORT + 2(i-1) (clients) and the next port (controller), e.g. 9092/9093,
# 9094/9095, 9096/9097.
KAFKA_NODES="${TOCSIN_KAFKA_NODES:-1}"
[[ "$KAFKA_NODES" == 1 || "$KAFKA_NODES" == 3 ]] || {
  printf 'tocsin: ERROR: TOCSIN_KAFKA_NODES must be 1 or 3, got "%s"\n' "$KAFKA_NODES" >&2
  exit 1
}
if ((KAFKA_NODES > 1)); then
  # Three JVMs share the machine: a smaller heap each is plenty for a local cluster.
  KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx384m -Xms384m}"
else
  KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx512m -Xms512m}"
fi
KAFKA_STOP_TIMEOUT="${TOCSIN_KAFKA_STOP_TIMEOUT:-30}"

REDIS_HOST=127.0.0.1
REDIS_PORT="${TOCSIN_REDIS_PORT:-6379}"
REDIS_START_TIMEOUT="${TOCSIN_REDIS_START_TIMEOUT:-20}"
# sentinel: a primary on REDIS_PORT, its replica on REDIS_PORT+1 and three sentinels on
# REDIS_PORT+2..+4 watching them under the name REDIS_SENTINEL_NAME.
REDIS_HA="${TOCSIN_REDIS_HA:-}"
[[ -z "$REDIS_HA" || "$REDIS_HA" == sentinel ]] || {
  printf 'tocsin: ERROR: TOCSIN_REDIS_HA must be empty or "sentinel", got "%s"\n' "$REDIS_HA" >&2
  exit 1
}
REDIS_SENTINEL_NAME="${REDIS_SENTINEL_NAME:-tocsin}"
# TOCSIN_REDIS_PASSWORD: the Redis infra-up.sh starts asks for it (requirepass), and the REDIS_URL
# it writes carries it. redis-cli reads it from REDISCLI_AUTH, never from its command line.
REDIS_PASSWORD="${TOCSIN_REDIS_PASSWORD:-}"
[[ "$REDIS_PASSWORD" =~ ^[A-Za-z0-9._~-]*$ ]] || {
  printf 'tocsin: ERROR: TOCSIN_REDIS_PASSWORD: expected letters, digits, ".", "_", "~" or "-" (it goes in a URL as it is)\n' >&2
  exit 1
}
[[ -z "$REDIS_PASSWORD" ]] || export REDISCLI_AUTH="$REDIS_PASSWORD"
REDIS_REPLICA_PORT=$((REDIS_PORT + 1))
REDIS_SENTINEL_PORTS=($((REDIS_PORT + 2)) $((REDIS_PORT + 3)) $((REDIS_PORT + 4)))

TOPIC_PARTITIONS_MENTIONS_RAW="${TOCSIN_PARTITIONS_MENTIONS_RAW:-6}"
TOPIC_PARTITIONS_MENTIONS_ENRICHED="${TOCSIN_PARTITIONS_MENTIONS_ENRICHED:-6}"
TOPIC_PARTITIONS_MENTIONS_TALLIES="${TOCSIN_PARTITIONS_MENTIONS_TALLIES:-6}"
TOPIC_PARTITIONS_MENTIONS_DLQ="${TOCSIN_PARTITIONS_MENTIONS_DLQ:-3}"
TOPIC_PARTITIONS_ALERTS_SIGNALS="${TOCSIN_PARTITIONS_ALERTS_SIGNALS:-3}"
TOPIC_PARTITIONS_ALERTS_EVENTS="${TOCSIN_PARTITIONS_ALERTS_EVENTS:-3}"
# A cluster keeps 3 copies and acknowledges a write once 2 hold it: one node can die without a
# lost or refused write. The single dev broker can only keep one.
if ((KAFKA_NODES > 1)); then
  TOPIC_REPLICATION="${TOCSIN_TOPIC_REPLICATION:-3}"
  TOPIC_MIN_INSYNC="${TOCSIN_TOPIC_MIN_INSYNC:-2}"
else
  TOPIC_REPLICATION="${TOCSIN_TOPIC_REPLICATION:-1}"
  TOPIC_MIN_INSYNC="${TOCSIN_TOPIC_MIN_INSYNC:-1}"
fi

# Jars are keyed by version so a version bump never mixes classpaths; --purge keeps them.
KAFKA_LIB="$TOCSIN_HOME/kafka/lib-$KAFKA_VERSION"
KAFKA_CLUSTER_ID_FILE="$TOCSIN_HOME/kafka/cluster-id"
KAFKA_DATA="$TOCSIN_HOME/kafka/data"
KAFKA_CONF="$TOCSIN_HOME/kafka/conf"
REDIS_DATA="$TOCSIN_HOME/redis"
TOCSIN_LOGS="$TOCSIN_HOME/logs"
TOCSIN_RUN="$TOCSIN_HOME/run"
KAFKA_PID_FILE="$TOCSIN_RUN/kafka.pid"
REDIS_PID_FILE="$TOCSIN_RUN/redis.pid"
KAFKA_LOG_FILE="$TOCSIN_LOGS/kafka/server.log"
REDIS_SENTINEL_DIR="$TOCSIN_HOME/redis-sentinel"
KAFKA_OUT_FILE="$TOCSIN_LOGS/kafka.out"
REDIS_LOG_FILE="$TOCSIN_LOGS/redis.log"

say() { printf 'tocsin: %s\n' "$*"; }
die() {
  printf 'tocsin: ERROR: %s\n' "$*" >&2
  exit 1
}

# Serialises infra-up/infra-down: tests, CI and people may call them at the same time.
take_infra_lock() {
  mkdir -p "$TOCSIN_HOME"
  exec 9>"$TOCSIN_HOME/infra.lock"
  if ! flock -w 300 9; then
    die "another infra-up/infra-down holds $TOCSIN_HOME/infra.lock for more than 300s"
  fi
}

# pid from $1 if that process is alive and its command line contains $2.
live_pid() {
  local file="$1" pattern="$2" pid
  [[ -s "$file" ]] || return 1
  pid="$(tr -dc '0-9' <"$file")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$pattern" || return 1
  printf '%s\n' "$pid"
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

require_java() {
  command -v java >/dev/null 2>&1 || die "java not found: Kafka needs a Java 17+ runtime (apt-get install -y openjdk-17-jre-headless)"
  local v
  v="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"
  [[ -n "$v" && "$v" -ge 17 ]] || die "java 17+ required, found: $(java -version 2>&1 | head -1)"
}

kafka_classpath() { printf '%s/*' "$KAFKA_LIB"; }

# Short-lived Kafka CLI JVM (TopicCommand, StorageTool): small heap, fast start, warnings only.
kafka_tool() {
  java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$TOCSIN_ROOT/scripts/kafka/tools-log4j.properties" \
    -cp "$(kafka_classpath)" "$@"
}

# Node i (1-based) of the Kafka cluster: its ports and folders. The single broker keeps the
# historical paths (kafka/data, run/kafka.pid) so an existing dev install is reused as it is.
kafka_node_port() { printf '%s\n' $((KAFKA_PORT + 2 * ($1 - 1))); }
kafka_node_controller_port() {
  if ((KAFKA_NODES == 1)); then printf '%s\n' "$KAFKA_CONTROLLER_PORT"; else printf '%s\n' $((KAFKA_PORT + 2 * ($1 - 1) + 1)); fi
}
kafka_node_dir() { if ((KAFKA_NODES == 1)); then printf '%s\n' "$TOCSIN_HOME/kafka"; else printf '%s\n' "$TOCSIN_HOME/kafka/node-$1"; fi; }
kafka_node_pid_file() { if ((KAFKA_NODES == 1)); then printf '%s\n' "$KAFKA_PID_FILE"; else printf '%s\n' "$TOCSIN_RUN/kafka-$1.pid"; fi; }
kafka_node_logs() { if ((KAFKA_NODES == 1)); then printf '%s\n' "$TOCSIN_LOGS/kafka"; else printf '%s\n' "$TOCSIN_LOGS/kafka-$1"; fi; }
kafka_bootstrap() {
  local i list=""
  for ((i = 1; i <= KAFKA_NODES; i++)); do list+="${list:+,}$KAFKA_HOST:$(kafka_node_port "$i")"; done
  printf '%s\n' "$list"
}

# Redis instances of the Sentinel set-up, by role: primary, replica, sentinel-1..3.
redis_sentinel_list() {
  local port list=""
  for port in "${REDIS_SENTINEL_PORTS[@]}"; do list+="${list:+,}$REDIS_HOST:$port"; done
  printf '%s\n' "$list"
}

# The URL of the Redis the scripts start, with its password when it has one.
redis_own_url() {
  if [[ -n "$REDIS_PASSWORD" ]]; then
    printf 'redis://:%s@%s:%s\n' "$REDIS_PASSWORD" "$REDIS_HOST" "$REDIS_PORT"
  else
    printf 'redis://%s:%s\n' "$REDIS_HOST" "$REDIS_PORT"
  fi
}

# A connection URL as it may be printed: without its user and password.
redact_url() { sed -E 's#^([A-Za-z][A-Za-z0-9+.-]*://)[^@/]*@#\1***@#' <<<"$1"; }
