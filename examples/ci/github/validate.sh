#!/usr/bin/env bash
# meshgate validate in a GitHub Actions job: a SARIF file for code scanning, then the findings as
# workflow commands (::error file=...,line=...::), which the runner turns into annotations on the
# pull request's files.
#
# Environment:
#   MESHGATE    how to run meshgate (default: meshgate; e.g. "java -jar /opt/meshgate.jar")
#   INTENTS     the intents folder (default: intents)
#   SARIF_FILE  where the SARIF goes (default: meshgate.sarif)
# Exit code: validate's (0 clean, 1 violations, 2 meshgate could not run).
set -uo pipefail
read -r -a meshgate <<< "${MESHGATE:-meshgate}"
intents="${INTENTS:-intents}"
sarif="${SARIF_FILE:-meshgate.sarif}"

"${meshgate[@]}" validate --intents "$intents" --format sarif > "$sarif"
status=$?
if [ "$status" -ge 2 ]; then
  echo "::error title=meshgate::meshgate validate could not run (exit $status); see the log above"
  exit "$status"
fi
"${meshgate[@]}" validate --intents "$intents" --format github
exit $?
