#!/usr/bin/env bash
# Every performance figure in one run: Tenet against ripgrep on the shared Enron
# corpus (bench/compare.py), the language server's edit latency
# (bench/lsp-latency.py), `tenet moderate` on one core and on all
# (bench/moderate.py), and the goals they are judged by (bench/goals.py). Builds
# its inputs in a temporary folder, installs ripgrep if missing, prints Markdown
# tables of medians with min–max. With --readme, the tables also replace the
# README's (between its `bench:` markers). Not part of CI: it takes a quarter
# of an hour.
#
#   bench/compare.sh [--runs N] [--baseline OLD_TENET] [--readme]
set -euo pipefail
cd "$(dirname "$0")/.."

readme=false
args=()
for arg in "$@"; do
  if [ "$arg" = --readme ]; then readme=true; else args+=("$arg"); fi
done

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

# The arguments as the tables' first line shows them: the baseline's path is
# this machine's, so it is named OLD_TENET there.
baseline=()
shown=("${args[@]}")
for i in "${!args[@]}"; do
  if [ "${args[$i]}" = --baseline ]; then
    baseline=(--baseline "${args[$((i + 1))]}")
    shown[$((i + 1))]=OLD_TENET
  fi
done

{
  echo "Measured by \`bench/compare.sh ${shown[*]}\` on $(date -u +%Y-%m-%d):" \
    "Tenet $(git describe --always --dirty), $(${rg:-true} --version 2>/dev/null | head -1 || true)," \
    "$(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1))."
  python3 bench/compare.py "$data" target/release/tenet ${rg:+"$rg"} "${args[@]}" --json "$data/compare.json"
  echo
  echo "**The language server: one-character edit → diagnostics (built-in pack + 5,000 terms)**"
  echo
  python3 bench/lsp-latency.py --data "$data" --sizes 10,100,1000 "${baseline[@]}" --json "$data/lsp.json"
  echo
  echo "**\`tenet moderate\` on every shared social post**"
  echo
  python3 bench/moderate.py "${baseline[@]}" --json "$data/moderate.json"
  echo
  echo "**Against the goals** (the same run)"
  echo
  python3 bench/goals.py "$data/compare.json" "$data/lsp.json" "$data/moderate.json"
} | tee "$data/tables.md"

if $readme; then
  python3 bench/readme.py "$data/tables.md" README.md
  echo "README.md: performance tables replaced" >&2
fi
