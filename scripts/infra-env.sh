# shellcheck shell=bash disable=SC2034 # the variables are used by the scripts that source this file
# Shared settings and helpers for infra-up.sh / infra-down.sh. Sourced, not run.
# Everything the scripts create lives under $TOCSIN_HOME (default: <repo>/.tocsin).

TOCSIN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOCSIN_HOME="${TOCSIN_HOME:-$TOCSIN_ROOT/.tocsin}"

KAFKA_VERSION="${TOCSIN_KAFKA_VERSION:-3.9.1}"
KAFKA_HOST=127.0.0.1
KAFKA_PORT="${TOCSIN_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${TOCSIN_KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx512m -Xms512m}"
KAFKA_START_TIMEOUT="${TOCSIN_KAFKA_START_TIMEOUT:-120}"
KAFKA_STOP_TIMEOUT="${TOCSIN_KAFKA_STOP_TIMEOUT:-30}"

REDIS_HOST=127.0.0.1
REDIS_PORT="${TOCSIN_REDIS_PORT:-6379}"
REDIS_START_TIMEOUT="${TOCSIN_REDIS_START_TIMEOUT:-20}"

TOPIC_PARTITIONS_MENTIONS_RAW="${TOCSIN_PARTITIONS_MENTIONS_RAW:-6}"
TOPIC_PARTITIONS_MENTIONS_ENRICHED="${TOCSIN_PARTITIONS_MENTIONS_ENRICHED:-6}"
TOPIC_PARTITIONS_MENTIONS_DLQ="${TOCSIN_PARTITIONS_MENTIONS_DLQ:-3}"
TOPIC_PARTITIONS_ALERTS_SIGNALS="${TOCSIN_PARTITIONS_ALERTS_SIGNALS:-3}"
TOPIC_PARTITIONS_ALERTS_EVENTS="${TOCSIN_PARTITIONS_ALERTS_EVENTS:-3}"
TOPIC_REPLICATION="${TOCSIN_TOPIC_REPLICATION:-1}"

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
