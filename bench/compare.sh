#!/usr/bin/env bash
# Every performance figure in one run: Tenet against ripgrep on the shared Enron
# corpus (bench/compare.py), the language server's edit latency
# (bench/lsp-latency.py) and `tenet moderate` on one core and on all
# (bench/moderate.py). Builds its inputs in a temporary folder, installs ripgrep
# if missing, prints Markdown tables of medians. Not part of CI: it takes a
# quarter of an hour.
#
#   bench/compare.sh [--runs N] [--baseline OLD_TENET]
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

baseline=()
args=("$@")
for i in "${!args[@]}"; do
  [ "${args[$i]}" = --baseline ] && baseline=(--baseline "${args[$((i + 1))]}")
done
echo
echo "**The language server: one-character edit → diagnostics (built-in pack + 5,000 terms)**"
echo
python3 bench/lsp-latency.py --data "$data" --sizes 10,100,1000 "${baseline[@]}"
echo
echo "**\`tenet moderate\` on every shared social post**"
echo
python3 bench/moderate.py "${baseline[@]}"
