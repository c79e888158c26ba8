#!/bin/sh
# Entry point of the Tocsin image: one image for every app, the app chosen by ROLE (or the first
# argument). Adding a role is one word in the list below, once its app is built to dist/apps/<role>.
set -eu
role="${1:-${ROLE:-}}"
case "$role" in
  ingest | pipeline | gateway | alerter | collector)
    exec node "dist/apps/$role/apps/$role/src/main.js"
    ;;
  *)
    echo "tocsin: ROLE must be one of ingest, pipeline, gateway, alerter, collector; got \"$role\"" >&2
    exit 64
    ;;
esac
