#!/usr/bin/env bash
# The whole test suite from a fresh clone: installs what is missing, checks types, lint and
# formatting, starts real Kafka and Redis (scripts/infra-up.sh), builds the apps, then runs
# jest over the unit, integration and e2e projects, then the fault suite on its own (it kills
# apps and restarts Kafka and Redis; about 3 minutes; TOCSIN_SKIP_FAULTS=1 leaves it out), then
# the cluster suite (scripts/test-cluster.sh: a 3-node Kafka cluster and Redis Sentinel of its
# own, broken on purpose; about 4 minutes; TOCSIN_SKIP_CLUSTER=1 leaves it out).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "tocsin: installing npm dependencies (npm ci)…"
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "tocsin: type-checking, linting and checking formatting…"
npm run -s check
npm run -s lint
npm run -s format
bash scripts/infra-up.sh
echo "tocsin: building the apps…"
npm run -s build
results=.tocsin/jest-results.json
faults=.tocsin/jest-faults.json
cluster=.tocsin/jest-cluster.json
rm -f "$results" "$faults" "$cluster"
status=0
npx jest --ci --json --outputFile="$results" "$@" || status=$?
# Arguments select tests: the fault suite runs only with the whole suite.
if [[ $# -eq 0 && "${TOCSIN_SKIP_FAULTS:-0}" != 1 ]]; then
  TOCSIN_FAULTS=1 npx jest --ci --selectProjects faults --runInBand --json --outputFile="$faults" || status=$?
fi
if [[ $# -eq 0 && "${TOCSIN_SKIP_CLUSTER:-0}" != 1 ]]; then
  bash scripts/test-cluster.sh --ci --json --outputFile="$PWD/$cluster" || status=$?
fi
# One plain closing line that any CI reader understands.
node -e '
  const fs = require("fs");
  const runs = process.argv.slice(1).filter((file) => fs.existsSync(file)).map((file) => require(file));
  const sum = (field) => runs.reduce((total, run) => total + run[field], 0);
  if (runs.length > 0) console.log(`tests: ${sum("numPassedTests")} passed, ${sum("numFailedTests")} failed`);
' "$PWD/$results" "$PWD/$faults" "$PWD/$cluster"
exit "$status"
