#!/usr/bin/env bash
# Whole-process comparison of Tenet and ripgrep on the shared Enron corpus.
# Builds its inputs in a temporary folder, installs ripgrep if missing, prints a
# Markdown table of medians. Not part of CI: it takes a few minutes.
#
#   bench/compare.sh [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."

data=$(mktemp -d "${TMPDIR:-/tmp}/tenet-bench.XXXXXX")
trap 'rm -rf "$data"' EXIT
echo "preparing inputs in $data" >&2
python3 bench/prepare.py "$data" >&2

rg=$(command -v rg || true)
if [ -z "$rg" ]; then
  echo "ripgrep not found: cargo install --locked ripgrep" >&2
  if cargo install --locked ripgrep >&2; then rg="$HOME/.cargo/bin/rg"; else echo "ripgrep could not be installed; skipping it" >&2; fi
fi
cargo build --release --quiet
echo "machine: $(nproc) cores; $(${rg:-true} --version 2>/dev/null | head -1)" >&2
python3 bench/compare.py "$data" target/release/tenet ${rg:+"$rg"} "$@"
