#!/usr/bin/env bash
# The built-in pack's judgement on the labelled dev set: builds the release binary,
# scores it with ../shared/devset/score.py, prints the table, and fails when a
# figure drops below its floor (the figures the pack reaches today, rounded down).
#
#   bench/judgement.sh            # table + regression guard
#   bench/judgement.sh --show misses:add_value   # any score.py option, no guard
#   TENET_BIN=path/to/tenet bench/judgement.sh   # score that binary, build nothing
set -euo pipefail
cd "$(dirname "$0")/.."
DEVSET=../shared/devset
if [[ ! -f $DEVSET/score.py ]]; then
  echo "bench/judgement.sh: $DEVSET/score.py not found; the dev set sits beside the project" >&2
  exit 2
fi
tenet=${TENET_BIN:-}
if [[ -z $tenet ]]; then
  cargo build --release --quiet
  tenet=target/release/tenet
fi
if [[ $# -gt 0 ]]; then
  exec python3 "$DEVSET/score.py" --tenet "$tenet" "$@"
fi
python3 "$DEVSET/score.py" --tenet "$tenet"
json=$(mktemp)
trap 'rm -f "$json"' EXIT
python3 "$DEVSET/score.py" --tenet "$tenet" --json >"$json"
python3 - "$json" <<'PY'
import json, sys
FLOORS = {
    ("confidentiality", "f1"): 0.92,
    ("copyright", "f1"): 0.99,
    ("add_value", "f1"): 0.88,
    ("disclosure", "f1"): 0.85,
    ("triage", "accuracy"): 0.88,
    ("triage", "macro_f1"): 0.77,
    ("triage", "priority_accuracy"): 0.90,
}
score = json.load(open(sys.argv[1]))
if score["errors"]:
    sys.exit(f"judgement: {len(score['errors'])} items failed to check: {score['errors'][:3]}")
failed = []
for (group, figure), floor in FLOORS.items():
    table = score["triage"] if group == "triage" else score["categories"][group]
    if table[figure] < floor:
        failed.append(f"{group} {figure} {table[figure]:.3f} < floor {floor:.2f}")
if failed:
    sys.exit("judgement: below the floor:\n  " + "\n  ".join(failed))
print(f"judgement: every figure at or above its floor ({len(FLOORS)} checked)")
PY
