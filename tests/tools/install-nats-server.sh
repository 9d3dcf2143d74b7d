#!/usr/bin/env bash
# Installs nats-server (Debian's package) if it is missing, and prints its path.
set -euo pipefail
if ! command -v nats-server >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -q nats-server >&2 || { $SUDO apt-get update -q >&2 && $SUDO apt-get install -y -q nats-server >&2; }
fi
command -v nats-server
