#!/usr/bin/env bash
# The browser suite: the example app built and served by the example backend
# on local defaults, driven in Chromium with playwright-core (e2e/*.e2e.mjs).
# Screenshots go to .data/screenshots/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

command -v chromium >/dev/null 2>&1 || {
  echo "[e2e] chromium is not installed (apt-get install -y chromium)" >&2
  exit 1
}
# A stack left running (npm start in another terminal) would answer instead.
if curl -sf -o /dev/null http://localhost:7007/api/emr-on-eks/health 2>/dev/null; then
  echo "[e2e] something already listens on http://localhost:7007; stop it first" >&2
  exit 1
fi
node --test --test-concurrency=1 --test-timeout=1200000 e2e/*.e2e.mjs
