#!/usr/bin/env bash
# The whole test suite: type check, then every package's Jest tests on SQLite
# and (when reachable) PostgreSQL, against a real moto_server.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export CI=true # no watch mode
export BACKSTAGE_TEST_DISABLE_DOCKER=1
if [ -z "${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-}" ] &&
  pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING=postgresql://postgres@127.0.0.1:5432
fi
if [ -z "${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-}" ]; then
  echo "[test] PostgreSQL not reachable: database tests run on SQLite only" >&2
fi

if [ -z "${KUBECONFIG:-}" ]; then
  echo "[test] KUBECONFIG not set: the real-cluster suite (*.cluster.test.ts) is reported as skipped" >&2
fi

echo "[test] type check"
npx tsc --noEmit -p .

echo "[test] lint"
npx backstage-cli repo lint

echo "[test] prettier"
npx prettier --check . >/dev/null || { npx prettier --list-different .; echo "[test] prettier: the files above are not formatted; run npx prettier --write ." >&2; exit 1; }

echo "[test] api reports"
npm run --silent build:api-reports:check || { echo "[test] api reports: a package's public API differs from its report.api.md (or the report has warnings); run npm run build:api-reports and commit the report.api.md changes" >&2; exit 1; }

echo "[test] jest"
mkdir -p .data
status=0
npx backstage-cli repo test --json --outputFile=.data/jest-results.json "$@" || status=$?
node -e '
  const r = require("./.data/jest-results.json");
  const failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
  console.log(`\ntests: ${r.numPassedTests} passed, ${failed} failed, ${r.numPendingTests} skipped`);
' || true
[ "$status" -eq 0 ] || exit $status

echo "[test] sample cost data generator"
node --test examples/cost-data/generate.test.mjs

# The browser suite (needs Chromium: apt-get install -y chromium).
if [ -n "${SKIP_E2E:-}" ]; then
  echo "[test] e2e: skipped because SKIP_E2E is set" >&2
else
  echo "[test] e2e (the example app in Chromium)"
  bash scripts/e2e.sh
fi
