#!/usr/bin/env bash
# Neovim acceptance test: installs Neovim if missing (Debian's package), builds
# tenet (or uses the binary TENET_BIN names), and runs
# editors/neovim/test/acceptance.lua headless.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)

if ! command -v nvim >/dev/null 2>&1; then
  echo "installing neovim" >&2
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq neovim >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq neovim >/dev/null; fi
fi
nvim --version | head -1

bin=${TENET_BIN:-}
if [ -z "$bin" ]; then
  (cd "$root" && cargo build --quiet)
  bin="$root/target/debug/tenet"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '😀🎉 Thanks guys for the launch!\nSee you at the party.\n' > "$work/draft.md"

TENET_BIN="$bin" TENET_DRAFT="$work/draft.md" TENET_RESULT="$work/result" \
TENET_PLUGIN="$root/editors/neovim" \
  timeout 60 nvim --headless -u NONE -i NONE -n -c "luafile $here/acceptance.lua" || true

if [ ! -f "$work/result" ]; then
  echo "neovim acceptance: no result (Neovim did not run the test)" >&2
  exit 1
fi
cat "$work/result"
grep -q '^ok:' "$work/result"
