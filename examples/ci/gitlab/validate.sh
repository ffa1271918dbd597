#!/usr/bin/env bash
# meshgate validate in a GitLab CI job: JUnit XML (test report) and Code Quality JSON (merge request
# widget), then the compiler-style text in the job log.
#
# Environment:
#   MESHGATE          how to run meshgate (default: meshgate)
#   INTENTS           the intents folder (default: intents)
#   JUNIT_FILE        default: meshgate-junit.xml
#   CODEQUALITY_FILE  default: gl-code-quality-report.json
# Exit code: validate's (0 clean, 1 violations, 2 meshgate could not run).
set -uo pipefail
read -r -a meshgate <<< "${MESHGATE:-meshgate}"
intents="${INTENTS:-intents}"
junit="${JUNIT_FILE:-meshgate-junit.xml}"
codequality="${CODEQUALITY_FILE:-gl-code-quality-report.json}"

"${meshgate[@]}" validate --intents "$intents" --format junit > "$junit"
status=$?
if [ "$status" -ge 2 ]; then
  echo "meshgate validate could not run (exit $status)" >&2
  exit "$status"
fi
"${meshgate[@]}" validate --intents "$intents" --format codequality > "$codequality"
"${meshgate[@]}" validate --intents "$intents" --format text
exit $?
