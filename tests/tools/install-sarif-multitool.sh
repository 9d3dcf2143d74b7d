#!/usr/bin/env bash
# Installs Microsoft's SARIF Multitool (the npm package @microsoft/sarif-multitool,
# which ships the SARIF 2.1.0 schema validator) under target/tools, once, and
# prints the path of its executable. Needs Node's npm.
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=5.7.0
DIR=target/tools/sarif-multitool-$VERSION
BIN=$DIR/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
if [ ! -x "$BIN" ]; then
  command -v npm >/dev/null || { echo "npm is needed to install the SARIF Multitool" >&2; exit 3; }
  mkdir -p "$DIR"
  npm install --silent --no-audit --no-fund --prefix "$DIR" "@microsoft/sarif-multitool@$VERSION" >&2
  # npm 11 leaves install scripts unrun; the package's only one makes the tool executable.
  chmod u+x "$BIN"
fi
echo "$PWD/$BIN"
