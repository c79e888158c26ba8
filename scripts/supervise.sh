#!/usr/bin/env bash
# Keeps one app running for `npm run dev`: starts the command, and when it dies without being
# asked to stop, says how it ended and starts it again after a backoff (1 s, doubling up to
# TOCSIN_RESTART_MAX_DELAY seconds, back to 1 s once it has stayed up for a minute).
# SIGTERM or SIGINT stops the app (SIGTERM, so it commits and leaves its groups) and then this.
#
#   scripts/supervise.sh NAME LOG -- COMMAND [ARGS…]
set -uo pipefail

if (($# < 4)) || [[ $3 != -- ]]; then
  echo "usage: scripts/supervise.sh NAME LOG -- COMMAND [ARGS…]" >&2
  exit 64
fi
name=$1 log=$2
shift 3
max_delay="${TOCSIN_RESTART_MAX_DELAY:-30}"
steady_after=60

child=""
stopping=0
stop() {
  stopping=1
  if [[ -n $child ]]; then kill -TERM "$child" 2>/dev/null || true; fi
}
trap stop INT TERM

# How an exit status reads: "exit 1" or "killed by SIGKILL".
describe_exit() {
  local status=$1
  if ((status > 128)); then
    echo "killed by SIG$(kill -l $((status - 128)) 2>/dev/null || echo $((status - 128)))"
  else
    echo "exit $status"
  fi
}

delay=1
while :; do
  started=$SECONDS
  "$@" >>"$log" 2>&1 &
  child=$!
  echo "tocsin: $name started (pid $child, log $log)"
  status=0
  # stderr of `wait` is bash's own "Killed" job notice; the line below says it better.
  wait "$child" 2>/dev/null || status=$?
  # A trapped signal interrupts `wait`; the app is still stopping, so wait for its own exit.
  while kill -0 "$child" 2>/dev/null; do
    status=0
    wait "$child" 2>/dev/null || status=$?
  done
  child=""
  if ((stopping)); then
    echo "tocsin: $name stopped"
    exit 0
  fi
  uptime=$((SECONDS - started))
  ((uptime >= steady_after)) && delay=1
  echo "tocsin: $name died ($(describe_exit "$status") after ${uptime}s); restarting in ${delay}s, see $log" >&2
  sleep "$delay" &
  wait $! || true
  if ((stopping)); then
    echo "tocsin: $name stopped"
    exit 0
  fi
  delay=$((delay * 2 > max_delay ? max_delay : delay * 2))
done
