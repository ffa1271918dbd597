#!/usr/bin/env bash
# Posts meshgate's pull-request report as one comment, and updates that same comment on every push:
# the report's first line is a hidden marker (<!-- meshgate-report -->), the comment that holds it is
# found through the GitHub API (gh api, paginated) and PATCHed; without one, a new comment is POSTed.
#
# Environment:
#   GITHUB_REPOSITORY  owner/name (set by Actions)
#   PR_NUMBER          the pull request's number
#   BASE_REF           what to compare with, e.g. origin/main (needs actions/checkout fetch-depth: 0)
#   GH_TOKEN           a token that may write pull-request comments (gh reads it)
#   MESHGATE           how to run meshgate (default: meshgate)
#   INTENTS            the intents folder inside the repository (default: intents)
#   REPORT_FILE        where the Markdown is kept (default: meshgate-report.md)
#   PROTECT            space-separated CLUSTER[/NAMESPACE] scopes; a change there makes this step fail (exit 3)
# Exit code: 0 posted (violations are the validate step's to fail on), 2 meshgate could not compare
# or the comment could not be written, 3 a change in a protected scope (after posting).
set -uo pipefail
read -r -a meshgate <<< "${MESHGATE:-meshgate}"
marker='<!-- meshgate-report -->'
report="${REPORT_FILE:-meshgate-report.md}"
: "${GITHUB_REPOSITORY:?set GITHUB_REPOSITORY (owner/name)}"
: "${PR_NUMBER:?set PR_NUMBER}"
: "${BASE_REF:?set BASE_REF, e.g. origin/main}"

args=(report --base "$BASE_REF" --intents "${INTENTS:-intents}" --format markdown)
for scope in ${PROTECT:-}; do
  args+=(--protect "$scope")
done
"${meshgate[@]}" "${args[@]}" > "$report"
status=$?
if [ "$status" -eq 2 ]; then
  echo "::error title=meshgate report::meshgate could not compare $BASE_REF with this pull request; see the log above"
  exit 2
fi

existing=$(gh api --paginate "repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/comments" \
  --jq ".[] | select(.body | contains(\"$marker\")) | .id" | head -n 1) || {
  echo "::error title=meshgate report::cannot list the pull request's comments"
  exit 2
}
if [ -n "$existing" ]; then
  gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$existing" -F "body=@$report" > /dev/null \
    || { echo "::error title=meshgate report::cannot update comment $existing"; exit 2; }
  echo "meshgate: updated the report in comment $existing"
else
  gh api --method POST "repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/comments" -F "body=@$report" > /dev/null \
    || { echo "::error title=meshgate report::cannot post the report"; exit 2; }
  echo "meshgate: posted the report as a new comment"
fi
if [ "$status" -eq 3 ]; then
  echo "::error title=meshgate::this pull request changes a protected cluster or namespace ($PROTECT)"
  exit 3
fi
exit 0
