#!/usr/bin/env bash
# The cluster suite: starts a local 3-node Kafka cluster and a Redis Sentinel set (their own
# folder and ports, apart from the dev servers), breaks them from jest (test/cluster), prints
# the failover times measured, then stops them.
#   TOCSIN_KAFKA_PORT (default 19092: nodes on 19092..19097), TOCSIN_REDIS_PORT (default 16379:
#   primary, replica, sentinels on 16379..16383), TOCSIN_CLUSTER_HOME (default .tocsin/cluster),
#   TOCSIN_KEEP_CLUSTER=1 leaves the cluster running for the next run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export TOCSIN_HOME="${TOCSIN_CLUSTER_HOME:-$PWD/.tocsin/cluster}"
export TOCSIN_KAFKA_NODES=3 TOCSIN_REDIS_HA=sentinel TOCSIN_SKIP_CHROMIUM=1
export TOCSIN_KAFKA_PORT="${TOCSIN_KAFKA_PORT:-19092}" TOCSIN_REDIS_PORT="${TOCSIN_REDIS_PORT:-16379}"
# The suite starts its own servers: external ones named in the environment are not for it.
unset KAFKA_BROKERS REDIS_URL

bash scripts/infra-up.sh
set -a
# shellcheck disable=SC1091 # written by infra-up.sh
source "$TOCSIN_HOME/env"
set +a
rm -f "$TOCSIN_HOME/failover-times.txt"

status=0
# --forceExit: the suite kills servers under live clients, and a reconnect timer of one of them
# (kafkajs, ioredis) can keep jest up after every test is done and its results are written.
TOCSIN_CLUSTER_SUITE=1 npx jest --selectProjects cluster --runInBand --forceExit "$@" || status=$?
if [[ -s "$TOCSIN_HOME/failover-times.txt" ]]; then
  echo "tocsin: failover figures measured:"
  sed 's/^/  /' "$TOCSIN_HOME/failover-times.txt"
fi
[[ "${TOCSIN_KEEP_CLUSTER:-0}" == 1 ]] || bash scripts/infra-down.sh
exit "$status"
