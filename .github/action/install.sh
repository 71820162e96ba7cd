#!/usr/bin/env bash
# Installs dockopt for the GitHub Action (action.yml): the release binary for this runner, with
# its published sha256 checksum verified, or, when there is no release binary for it, a build of
# the action's own checkout with cargo.
#
# Environment (action.yml passes the inputs; the rest is the runner's or overrides for testing):
#   INPUT_VERSION          "" (default), "latest", "source", or a release: "0.2.0" / "v0.2.0".
#                          "": the action's own ref when it is a release tag (uses: …@v0.2.0),
#                          else the latest release.
#   GITHUB_ACTION_PATH     the action's checkout (…/_actions/OWNER/REPO/REF on a runner)
#   RUNNER_OS, RUNNER_ARCH Linux|macOS|Windows, X64|ARM64: which binary to fetch
#   RUNNER_TEMP            where to install (default: a temporary folder)
#   GITHUB_OUTPUT, GITHUB_PATH   where the step's outputs (path, version, source) and PATH go
#   DOCKOPT_REPOSITORY     OWNER/REPO whose releases to use (default: from GITHUB_ACTION_PATH,
#                          else GITHUB_REPOSITORY for a local action, else dockopt/dockopt)
#   DOCKOPT_DOWNLOAD_URL   base of the releases (default: $GITHUB_SERVER_URL/OWNER/REPO/releases);
#                          assets are <base>/download/v<version>/<asset> and
#                          <base>/latest/download/<asset>
#
# Release assets (made by .github/release/package.sh in .github/workflows/release.yml):
# dockopt-<target>.tar.gz (a .zip on Windows) holding the binary at the top, and
# dockopt-<target>.<ext>.sha256 holding "<hex digest>  <asset name>".
#
# A checksum that does not match stops the step: nothing is installed and nothing is built
# instead. A missing asset (no release for this version or platform, or no network) falls back
# to cargo.
set -euo pipefail

note() { echo "dockopt install: $*"; }
die() {
  echo "::error title=dockopt install::$*"
  exit 1
}

action_path=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/../.." && pwd)}
action_path=${action_path//\\//} # Windows runners give D:\a\_actions\…
version=${INPUT_VERSION:-}
version=${version#v}

# OWNER/REPO and REF of the action, from its checkout path (github.action_ref and
# github.action_repository are not reliably set inside composite actions).
action_ref=""
action_repo=""
case "$action_path" in
  */_actions/*/*/*)
    rest=${action_path#*/_actions/}
    owner=${rest%%/*}
    rest=${rest#*/}
    name=${rest%%/*}
    action_ref=${rest#*/}
    action_repo="$owner/$name"
    ;;
esac
# A local action (uses: ./) is the repository being built.
repository=${DOCKOPT_REPOSITORY:-${action_repo:-${GITHUB_REPOSITORY:-dockopt/dockopt}}}

semver='^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$'
if [ -z "$version" ]; then
  if [[ ${action_ref#v} =~ $semver ]]; then
    version=${action_ref#v}
  else
    version=latest
  fi
fi
if [ "$version" != latest ] && [ "$version" != source ] && ! [[ $version =~ $semver ]]; then
  die "version must be latest, source or a release like 0.2.0, not '${INPUT_VERSION:-}'"
fi

case "${RUNNER_OS:-$(uname -s)}/${RUNNER_ARCH:-$(uname -m)}" in
  Linux/X64 | Linux/x86_64) target=x86_64-unknown-linux-musl ext=tar.gz ;;
  Linux/ARM64 | Linux/aarch64) target=aarch64-unknown-linux-musl ext=tar.gz ;;
  macOS/ARM64 | Darwin/arm64) target=aarch64-apple-darwin ext=tar.gz ;;
  macOS/X64 | Darwin/x86_64) target=x86_64-apple-darwin ext=tar.gz ;;
  # x64 Windows binaries run on ARM64 Windows too
  Windows/X64 | Windows/ARM64) target=x86_64-pc-windows-msvc ext=zip ;;
  *) target="" ext="" ;;
esac
exe=dockopt
[ "$ext" = zip ] && exe=dockopt.exe

root="${RUNNER_TEMP:-$(mktemp -d)}/dockopt-$version"
bin="$root/bin"
mkdir -p "$bin"

sha256() {
  if command -v sha256sum >/dev/null; then
    sha256sum "$1" | awk '{print $1}'
  elif command -v shasum >/dev/null; then
    shasum -a 256 "$1" | awk '{print $1}'
  else
    openssl dgst -sha256 -r "$1" | awk '{print $1}'
  fi
}

fetch() { # url file
  curl --fail --silent --show-error --location --retry 3 --retry-delay 2 --output "$2" "$1"
}

# Download, verify and unpack a release binary. 0: installed; 1: not available (fall back);
# exits on a checksum mismatch.
from_release() {
  [ -n "$target" ] || {
    note "no release binary for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}"
    return 1
  }
  command -v curl >/dev/null || {
    note "curl is not installed"
    return 1
  }
  local base="${DOCKOPT_DOWNLOAD_URL:-${GITHUB_SERVER_URL:-https://github.com}/$repository/releases}"
  local asset="dockopt-$target.$ext" url
  if [ "$version" = latest ]; then
    url="$base/latest/download/$asset"
  else
    url="$base/download/v$version/$asset"
  fi
  local dl
  dl=$(mktemp -d)
  note "downloading $url"
  if ! fetch "$url" "$dl/$asset" || ! fetch "$url.sha256" "$dl/$asset.sha256"; then
    note "could not download $asset (and its .sha256) for version $version"
    return 1
  fi
  local want have
  want=$(awk 'NR == 1 {print tolower($1)}' "$dl/$asset.sha256")
  have=$(sha256 "$dl/$asset")
  if ! [[ $want =~ ^[0-9a-f]{64}$ ]] || [ "$want" != "$have" ]; then
    die "checksum mismatch for $asset: published '${want}', downloaded '${have}'; not installed"
  fi
  note "sha256 $have verified"
  case "$ext" in
    tar.gz) tar -xzf "$dl/$asset" -C "$bin" "$exe" ;;
    zip)
      if command -v unzip >/dev/null; then
        unzip -o -q "$dl/$asset" "$exe" -d "$bin"
      else
        7z e -y -o"$bin" "$dl/$asset" "$exe" >/dev/null
      fi
      ;;
  esac
  chmod +x "$bin/$exe"
  rm -rf "$dl"
  source=release
}

# Build with cargo: the action's checkout when it is the version asked for, else the release
# tag from the repository.
from_source() {
  command -v cargo >/dev/null || die "no dockopt binary could be downloaded and cargo is not installed to build one"
  local have
  have=$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$action_path/Cargo.toml" 2>/dev/null | head -n 1)
  if [ "$version" = source ] || [ "$version" = latest ] || [ "$version" = "$have" ]; then
    note "building dockopt $have from $action_path with cargo"
    cargo install --locked --quiet --root "$root" --path "$action_path"
  else
    note "building dockopt $version from the v$version tag of $repository with cargo"
    cargo install --locked --quiet --root "$root" \
      --git "${GITHUB_SERVER_URL:-https://github.com}/$repository" --tag "v$version" dockopt
  fi
  source=cargo
}

source=""
if [ -x "$bin/$exe" ]; then
  source=cached
elif [ "$version" = source ] || ! from_release; then
  from_source
fi

installed=$("$bin/$exe" --version) || die "the installed $bin/$exe does not run"
note "$installed ($source) at $bin/$exe"
echo "$bin" >>"${GITHUB_PATH:-/dev/null}"
{
  echo "path=$bin/$exe"
  echo "version=${installed#dockopt }"
  echo "source=$source"
} >>"${GITHUB_OUTPUT:-/dev/null}"
