#!/usr/bin/env bash
# Packs a release binary the way the Action's installer (.github/action/install.sh) expects it:
#   <out>/dockopt-<target>.tar.gz (.zip for Windows targets) with the binary at the top, and
#   <out>/dockopt-<target>.<ext>.sha256 holding "<hex digest>  <asset name>".
# Usage: package.sh TARGET BINARY [OUT_DIR (default dist)]
# Used by .github/workflows/release.yml, and by tests/action.rs to publish fake releases.
set -euo pipefail

target=${1:?usage: package.sh TARGET BINARY [OUT_DIR]}
binary=${2:?usage: package.sh TARGET BINARY [OUT_DIR]}
out=${3:-dist}
[ -f "$binary" ] || { echo "package.sh: no binary at $binary" >&2; exit 1; }
mkdir -p "$out"
out=$(cd "$out" && pwd)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
case "$target" in
  *windows*)
    exe=dockopt.exe ext=zip
    cp "$binary" "$stage/$exe"
    if command -v 7z >/dev/null; then
      (cd "$stage" && 7z a -tzip -bd "$out/dockopt-$target.zip" "$exe" >/dev/null)
    else
      (cd "$stage" && zip -q "$out/dockopt-$target.zip" "$exe")
    fi
    ;;
  *)
    exe=dockopt ext=tar.gz
    cp "$binary" "$stage/$exe"
    chmod +x "$stage/$exe"
    tar -czf "$out/dockopt-$target.tar.gz" -C "$stage" "$exe"
    ;;
esac

asset="dockopt-$target.$ext"
if command -v sha256sum >/dev/null; then
  digest=$(sha256sum "$out/$asset" | awk '{print $1}')
else
  digest=$(shasum -a 256 "$out/$asset" | awk '{print $1}')
fi
echo "$digest  $asset" >"$out/$asset.sha256"
echo "$out/$asset"
echo "$out/$asset.sha256"
