#!/usr/bin/env bash
# Shows that the offline snapshot check (npm run integ) catches a template that differs from its
# committed snapshot: in a scratch copy of the repository's tracked files, one value of one
# committed template is changed (the basic example's desired task count, 2 -> 3), and the check
# of that integ app must fail and name the changed resource. Exits non-zero if it does not.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scratch=$(mktemp -d "${TMPDIR:-/tmp}/integ-tamper-XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# The committed files only (what a fresh clone has), and this checkout's node_modules.
git ls-files -z | (cd "$root" && xargs -0 cp --parents -t "$scratch")
ln -s "$root/node_modules" "$scratch/node_modules"

template="$scratch/test/integ/integ.basic.ts.snapshot/ChatbotBasic.template.json"
grep -q '"DesiredCount": 2,' "$template"
sed -i 's/"DesiredCount": 2,/"DesiredCount": 3,/' "$template"
echo "Tampered with test/integ/integ.basic.ts.snapshot/ChatbotBasic.template.json: DesiredCount 2 -> 3"

set +e
output=$(cd "$scratch" && INTEG_HOSTED_ZONE_ID='' INTEG_ZONE_NAME='' INTEG_IMAGE='' npx integ-runner --directory test/integ --language typescript \
  --app "ts-node --project tsconfig.examples.json --transpile-only test/integ/run-app.ts {filePath}" \
  test/integ/integ.basic.ts 2>&1)
status=$?
set -e
printf '%s\n' "$output" | grep -E 'CHANGED|DesiredCount|Tests:|\[~\]' || true

if [ $status -eq 0 ]; then
  echo "FAIL: the offline check passed with a tampered snapshot" >&2
  exit 1
fi
if ! printf '%s\n' "$output" | grep -q 'CHANGED'; then
  echo "FAIL: the offline check failed, but not because of the changed snapshot:" >&2
  printf '%s\n' "$output" >&2
  exit 1
fi
echo "OK: the offline check fails on a tampered snapshot (exit $status)"
