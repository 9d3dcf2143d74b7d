#!/usr/bin/env bash
# Installs pre-commit (from PyPI) in a virtual environment under target/tools,
# once, and prints the path of its executable. Needs Python 3 with venv.
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=4.0.1
DIR=target/tools/pre-commit-$VERSION
if [ ! -x "$DIR/bin/pre-commit" ]; then
  python3 -m venv "$DIR" >&2
  "$DIR/bin/pip" install --quiet --disable-pip-version-check "pre-commit==$VERSION" >&2
fi
echo "$PWD/$DIR/bin/pre-commit"
