#!/usr/bin/env bash
# `npm run test:fast`: the fast tier, every suite that needs neither moto, nor
# PostgreSQL, nor a Kubernetes cluster (SQLite in memory, in-memory gateways,
# the scripted EMR server). Suites named *.moto.test.ts (moto) and
# *.cluster.test.ts (a real cluster) are left out; `npm test` runs them all.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export CI=true # no watch mode
export BACKSTAGE_TEST_DISABLE_DOCKER=1
unset BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING EMR_ON_EKS_REQUIRE_POSTGRES
npx backstage-cli repo test --testPathIgnorePatterns '\.(moto|cluster)\.test\.ts$' "$@"
