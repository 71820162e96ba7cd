#!/usr/bin/env bash
# Runs dockopt for the GitHub Action (action.yml) in the current folder (the workspace):
#   - findings as workflow commands on stdout (`--format github`), which the runner turns into
#     annotations, errors first (GitHub shows at most 10 of each level per step);
#   - the full report as Markdown (`--format markdown`) appended to $GITHUB_STEP_SUMMARY;
#   - with INPUT_SARIF_FILE, a SARIF 2.1.0 report for github/codeql-action/upload-sarif;
#   - outputs findings, errors, warnings, notices and sarif-file in $GITHUB_OUTPUT.
# Exit status is `dockopt lint`'s: 0 nothing at or above the fail level, 1 findings at or above
# it (the step fails), 2 a usage or configuration error.
#
# Environment: DOCKOPT (the binary; default `dockopt` on PATH), INPUT_PATHS (files or folders,
# separated by new lines, or by spaces when on one line; default "."), INPUT_CONFIG,
# INPUT_FAIL_LEVEL, INPUT_SARIF_FILE, and the runner's GITHUB_STEP_SUMMARY, GITHUB_OUTPUT and
# RUNNER_TEMP.
set -uo pipefail
# (written for bash 3.2 too, macOS's /bin/bash: empty arrays are expanded with ${a[@]+…})

dockopt=${DOCKOPT:-dockopt}
paths_input=${INPUT_PATHS:-.}
config=${INPUT_CONFIG:-}
fail_level=${INPUT_FAIL_LEVEL:-}
sarif=${INPUT_SARIF_FILE:-}
summary=${GITHUB_STEP_SUMMARY:-/dev/null}
output=${GITHUB_OUTPUT:-/dev/null}

paths=()
if [[ $paths_input == *$'\n'* ]]; then
  while IFS= read -r line; do
    line="${line#"${line%%[![:space:]]*}"}"
    line="${line%"${line##*[![:space:]]}"}"
    [ -n "$line" ] && paths+=("$line")
  done <<<"$paths_input"
else
  read -r -a paths <<<"$paths_input"
fi
[ ${#paths[@]} -gt 0 ] || paths=(.)

common=()
[ -n "$config" ] && common+=(--config "$config")

tmp=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/dockopt.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# 1. Annotations, and the verdict at the fail level.
level_args=()
[ -n "$fail_level" ] && level_args=(--fail-level "$fail_level")
"$dockopt" lint ${common[@]+"${common[@]}"} ${level_args[@]+"${level_args[@]}"} --format github --output "$tmp/annotations" -- "${paths[@]}"
status=$?
if [ "$status" -ge 2 ]; then
  echo "::error title=dockopt::dockopt lint could not run (exit status $status); see the log above"
  {
    echo "## dockopt"
    echo
    echo "dockopt lint could not run (exit status $status): see the step's log."
  } >>"$summary"
  exit "$status"
fi
cat "$tmp/annotations"
errors=$(grep -c '^::error ' "$tmp/annotations")
warnings=$(grep -c '^::warning ' "$tmp/annotations")
notices=$(grep -c '^::notice ' "$tmp/annotations")
findings=$((errors + warnings + notices))

# 2. The whole report in the job summary (its limit is 1 MiB per step).
"$dockopt" lint ${common[@]+"${common[@]}"} --fail-level none --format markdown --output "$tmp/summary.md" -- "${paths[@]}"
limit=1000000
if [ "$(wc -c <"$tmp/summary.md")" -gt "$limit" ]; then
  head -c "$limit" "$tmp/summary.md" | sed '$d' >"$tmp/cut.md"
  # shellcheck disable=SC2016 # the backticks are Markdown
  printf '\n\n*The report was cut to fit the job summary: run `dockopt lint` for all of it.*\n' >>"$tmp/cut.md"
  mv "$tmp/cut.md" "$tmp/summary.md"
fi
{
  cat "$tmp/summary.md"
  echo
  if [ "$status" -eq 1 ]; then
    echo "**The step failed:** findings at or above the fail level (${fail_level:-the configured one, else info})."
  else
    echo "Nothing at or above the fail level (${fail_level:-the configured one, else info})."
  fi
} >>"$summary"

# 3. SARIF for code scanning.
if [ -n "$sarif" ]; then
  mkdir -p "$(dirname "$sarif")"
  if ! "$dockopt" lint ${common[@]+"${common[@]}"} --fail-level none --format sarif --output "$sarif" -- "${paths[@]}"; then
    echo "::error title=dockopt::could not write the SARIF report to $sarif"
    exit 2
  fi
  echo "dockopt: SARIF report written to $sarif"
fi

{
  echo "findings=$findings"
  echo "errors=$errors"
  echo "warnings=$warnings"
  echo "notices=$notices"
  echo "sarif-file=$sarif"
} >>"$output"

echo "dockopt: $findings finding(s): $errors error(s), $warnings warning(s), $notices notice(s)"
exit "$status"
