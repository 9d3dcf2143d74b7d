#!/usr/bin/env bash
# Load test of `tenet serve`: every shared social post, one per request, posted
# to /v1/check by oha (installed from crates.io if missing) with 64 connections
# for 60 s, on this machine with the load generator sharing it. Prints requests
# per second, p50/p99 latency, errors, and the server's RSS after 5 s and at the
# end; exits non-zero if any request failed or the RSS grew by more than 10%.
#
#   bench/serve-load.sh [--duration 60s] [--connections 64]
set -euo pipefail
cd "$(dirname "$0")/.."

duration=60s
connections=64
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    *) echo "usage: $0 [--duration 60s] [--connections 64]" >&2; exit 2 ;;
  esac
done

oha=$(command -v oha || true)
if [ -z "$oha" ]; then
  echo "installing oha from crates.io" >&2
  cargo install --locked oha >&2
  oha="$HOME/.cargo/bin/oha"
fi
cargo build --release --quiet

work=$(mktemp -d "${TMPDIR:-/tmp}/tenet-serve-load.XXXXXX")
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
python3 bench/social.py "$work/posts.jsonl"

# The server runs in an empty folder: the built-in rules, no tenet.toml.
mkdir "$work/root"
(cd "$work/root" && TENET_LOG=info exec "$OLDPWD/target/release/tenet" serve --listen 127.0.0.1:0 2>"$work/log") &
server=$!
for _ in $(seq 100); do
  grep -q 'addr=' "$work/log" 2>/dev/null && break
  sleep 0.1
done
addr=$(grep -o 'addr=[0-9.:]*' "$work/log" | head -1 | cut -d= -f2)
[ -n "$addr" ] || { cat "$work/log" >&2; echo "the server did not start" >&2; exit 1; }

rss() { awk '/^VmRSS/ {print $2}' "/proc/$server/status"; }
( sleep 5; rss > "$work/rss5" ) &
sampler=$!
"$oha" -z "$duration" -c "$connections" -w -m POST -T application/json \
  -Z "$work/posts.jsonl" --no-tui --output-format json "http://$addr/v1/check" > "$work/oha.json"
wait "$sampler"
rss > "$work/rss_end"

python3 - "$work" "$duration" "$connections" "$("$oha" --version)" <<'PY'
import json, os, sys
work, duration, connections, oha = sys.argv[1:]
d = json.load(open(os.path.join(work, "oha.json")))
s, p = d["summary"], d["latencyPercentiles"]
codes = d.get("statusCodeDistribution") or {}
errors = sum(n for c, n in codes.items() if c != "200") + sum((d.get("errorDistribution") or {}).values())
rss5 = int(open(os.path.join(work, "rss5")).read())
rss_end = int(open(os.path.join(work, "rss_end")).read())
growth = rss_end / rss5 - 1
print(f"tenet serve, POST /v1/check, one social post per request; {oha}, "
      f"{connections} connections, {duration}, {os.cpu_count()} cores shared with the load generator")
print(f"requests     {sum(codes.values())} ({s['requestsPerSec']:.0f}/s)")
print(f"latency      p50 {p['p50'] * 1e3:.2f} ms, p99 {p['p99'] * 1e3:.2f} ms")
print(f"errors       {errors} {codes if errors else ''}")
print(f"server RSS   {rss5 / 1024:.1f} MiB after 5 s, {rss_end / 1024:.1f} MiB at the end ({growth:+.1%})")
sys.exit(1 if errors or growth > 0.10 else 0)
PY
