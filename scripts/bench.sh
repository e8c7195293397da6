#!/usr/bin/env bash
# `npm run bench`: benchmarks that print figures (no timing assertions), on
# SQLite and, when reachable, PostgreSQL, with moto for the sync figures.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export CI=true
export BACKSTAGE_TEST_DISABLE_DOCKER=1
if [ -z "${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-}" ] &&
  pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING=postgresql://postgres@127.0.0.1:5432
fi

# SCALE_BENCH=0 leaves out the organisation-scale bench (1,000,000 runs, 3
# years of costs for 1,000 tenants: 6 to 15 minutes); SCALE_BENCH_TENANTS,
# SCALE_BENCH_RUNS and SCALE_BENCH_DAYS make it smaller for a quick look.
skip_scale=()
if [ "${SCALE_BENCH:-1}" = "0" ]; then
  skip_scale=(--testPathIgnorePatterns '/src/bench/scale/')
fi
(
  cd plugins/emr-on-eks-backend
  npx backstage-cli package test --runInBand --testMatch '**/src/bench/**/*.bench.ts' "${skip_scale[@]}" "$@"
)

# Frontend figures in Chromium (the example app on local defaults).
node e2e/bench.mjs
