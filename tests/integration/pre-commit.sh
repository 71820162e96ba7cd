#!/usr/bin/env bash
# Runs this repository's pre-commit hooks (.pre-commit-hooks.yaml) for real, the way a user's
# `pre-commit` does: pre-commit from PyPI in a throwaway virtualenv, a throwaway git project with
# Dockerfiles that have findings, and `pre-commit try-repo <this repo> --all-files`, which builds
# dockopt with `cargo install --path .` and runs both hooks (dockopt, then dockopt-fix).
#
#   1st run: `dockopt lint` fails on the findings; `dockopt fix --write` fixes them (pre-commit
#            fails the hook because it changed files). Dockerfile.md is not passed to either
#            (not a Dockerfile name), and vendor/Dockerfile is not linted (dockopt.toml excludes
#            it; the hooks pass --force-exclude).
#   2nd run: both hooks pass on the fixed files.
#
# What is tested is this checkout's committed HEAD (try-repo clones the repository at that
# commit, given with --ref so both runs see the same one): uncommitted changes are NOT seen;
# commit first. CI runs it on a clean clone.
#
# Exit status: 0 passed, 1 failed, 77 skipped (no python3/venv, git or cargo, or pre-commit could
# not be installed from PyPI); the reason is printed as "SKIPPED: …".
#
# CARGO_TARGET_DIR defaults to this checkout's target/ so the release build of the dependencies
# (from `cargo build --release`) is reused; PRE_COMMIT_VERSION pins pre-commit (default: latest).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
skip() {
  echo "SKIPPED: pre-commit hook test: $*"
  exit 77
}
fail() {
  echo "FAILED: pre-commit hook test: $*" >&2
  exit 1
}

command -v git >/dev/null || skip "git is not installed"
command -v cargo >/dev/null || skip "cargo is not installed (pre-commit would build dockopt with it)"
command -v python3 >/dev/null || skip "python3 is not installed"
git -C "$repo" rev-parse --verify -q HEAD >/dev/null || skip "$repo is not a git checkout"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv" >/dev/null 2>&1 || skip "python3 cannot create a virtualenv"
if ! "$work/venv/bin/python" -m pip install -q "pre-commit${PRE_COMMIT_VERSION:+==$PRE_COMMIT_VERSION}" \
  >"$work/pip.log" 2>&1; then
  tail -n 5 "$work/pip.log"
  skip "pre-commit could not be installed from PyPI (no network?)"
fi
pc="$work/venv/bin/pre-commit"
rev=$(git -C "$repo" rev-parse HEAD)
echo "pre-commit $("$pc" --version | awk '{print $2}'), testing $repo at ${rev:0:12} (its HEAD)"
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=normal)" ]; then
  echo "note: $repo has uncommitted changes, which are not tested: commit them first"
fi

export PRE_COMMIT_HOME="$work/pre-commit-home"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
export PRE_COMMIT_COLOR=never NO_COLOR=1

proj="$work/project"
mkdir -p "$proj/docker"
cd "$proj"
git init -q
git config user.email test@example.invalid
git config user.name "pre-commit test"
git config commit.gpgsign false
printf 'FROM alpine:3.20\nRUN apk add curl~8.14\nRUN echo done\nUSER 10001\nCMD ["sh"]\n' >Dockerfile
printf 'FROM alpine:3.20\nWORKDIR /app\nRUN apk add git~2.45\nUSER 10001\nCMD ["sh"]\n' >docker/api.Dockerfile
# Not a Dockerfile by name: the hooks must not pass it (linted, it would fail the run).
printf 'FROM python\nRUN apk add curl\n' >Dockerfile.md
# Excluded by dockopt.toml: pre-commit names it, --force-exclude keeps it out.
mkdir -p vendor
printf 'FROM python\nRUN apk add curl\n' >vendor/Dockerfile
printf 'exclude = ["vendor/**"]\n' >dockopt.toml
git add -A
git commit -q -m "a project with Dockerfiles"

run() {
  local out="$work/run-$1.log"
  set +e
  "$pc" try-repo "$repo" --ref "$rev" --all-files >"$out" 2>&1
  local status=$?
  set -e
  sed -n '/^=\{79\}$/,$p' "$out" | sed 's/^/    /'
  return $status
}

echo "--- 1st run: the hooks must fail and fix the files"
if run 1; then
  fail "the first run passed, but the Dockerfiles have findings"
fi
log="$work/run-1.log"
grep -Eq '^dockopt lint\.+Failed' "$log" || fail "the lint hook did not fail"
grep -Eq '^dockopt fix\.+Failed' "$log" || fail "the fix hook did not fail"
grep -q 'files were modified by this hook' "$log" || fail "the fix hook changed nothing"
grep -q 'DO203' "$log" || fail "the lint hook did not report DO203"
grep -q 'docker/api.Dockerfile' "$log" || fail "docker/api.Dockerfile was not linted"
if grep -q 'Dockerfile\.md' "$log"; then fail "Dockerfile.md was passed to a hook"; fi
if grep -q 'vendor/Dockerfile' "$log"; then fail "vendor/Dockerfile (excluded by dockopt.toml) was linted"; fi
expected=$'FROM alpine:3.20\nRUN apk add --no-cache curl~8.14 \\\n    && echo done\nUSER 10001\nCMD ["sh"]'
[ "$(cat Dockerfile)" = "$expected" ] || fail "Dockerfile was not fixed as expected: $(cat Dockerfile)"
grep -q -- '--no-cache git~2.45' docker/api.Dockerfile || fail "docker/api.Dockerfile was not fixed"
[ "$(cat Dockerfile.md)" = $'FROM python\nRUN apk add curl' ] || fail "Dockerfile.md was changed"
[ "$(cat vendor/Dockerfile)" = $'FROM python\nRUN apk add curl' ] || fail "vendor/Dockerfile was changed"

git add -A
git commit -q -m "dockopt fix"

echo "--- 2nd run: the fixed files must pass"
run 2 || fail "the second run failed on fixed files"
log="$work/run-2.log"
grep -Eq '^dockopt lint\.+Passed' "$log" || fail "the lint hook did not pass"
grep -Eq '^dockopt fix\.+Passed' "$log" || fail "the fix hook did not pass"
[ -z "$(git status --porcelain)" ] || fail "the second run changed files"

echo "PASSED: pre-commit hook test (dockopt and dockopt-fix via pre-commit try-repo)"
