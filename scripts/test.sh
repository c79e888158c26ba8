#!/usr/bin/env bash
# The whole test suite from a fresh clone: installs what is missing, checks types, lint and
# formatting, starts real Kafka and Redis (scripts/infra-up.sh), builds the apps, then runs
# jest over the unit, integration and e2e projects.
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
rm -f "$results"
status=0
npx jest --ci --json --outputFile="$results" "$@" || status=$?
# One plain closing line that any CI reader understands.
if [[ -f "$results" ]]; then
  node -e 'const r = require(process.argv[1]); console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`)' "$PWD/$results"
fi
exit "$status"
