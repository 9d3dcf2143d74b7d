#!/bin/sh
# A platform package: the extension with the release `tenet` binary inside it
# (bin/tenet), used unless tenet.path says otherwise. Builds for this machine's
# platform; TENET_BINARY and VSCE_TARGET name another build and its target.
set -eu
cd "$(dirname "$0")/.."
root=../..
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) default=linux-x64 ;;
  Linux-aarch64) default=linux-arm64 ;;
  Darwin-x86_64) default=darwin-x64 ;;
  Darwin-arm64) default=darwin-arm64 ;;
  *) default="" ;;
esac
target=${VSCE_TARGET:-$default}
[ -n "$target" ] || { echo "unknown platform: set VSCE_TARGET" >&2; exit 2; }
binary=${TENET_BINARY:-}
if [ -z "$binary" ]; then
  (cd "$root" && cargo build --release --quiet)
  binary=$root/target/release/tenet
fi
rm -rf bin && mkdir bin
cp "$binary" bin/tenet
chmod 755 bin/tenet
trap 'rm -rf bin' EXIT
npx vsce package --no-dependencies --allow-missing-repository --target "$target" -o "tenet-$target.vsix"
ls -l "tenet-$target.vsix"
