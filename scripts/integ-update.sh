#!/usr/bin/env bash
# npx projen integ:update [-- test/integ/integ.<example>.ts ...]
#
# With an AWS account: deploys each example's integ app (the examples' stacks with removalPolicy
# DESTROY, named Integ<Stack>, plus an assertions stack), runs its assertions, destroys everything,
# then rewrites the committed snapshots offline with the placeholder zone (so that the account's
# values never reach the repository). See test/integ/README.md.
#
# Environment:
#   AWS_PROFILE (or any credentials of the default chain)   the account to deploy to
#   INTEG_HOSTED_ZONE_ID, INTEG_ZONE_NAME                     a public hosted zone the internet resolves
#   INTEG_IMAGE (optional)                                    a public image instead of building examples/app with Docker
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${INTEG_HOSTED_ZONE_ID:-}" ] || [ -z "${INTEG_ZONE_NAME:-}" ]; then
  echo "Set INTEG_HOSTED_ZONE_ID and INTEG_ZONE_NAME to a Route 53 public hosted zone of the account (see test/integ/README.md)." >&2
  exit 2
fi

# The examples that deploy as shipped. two-tier needs its backend image pushed and a secret
# created first, enterprise-sso needs real identity providers: name them to run them.
tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
  tests=(test/integ/integ.basic.ts test/integ/integ.storage.ts test/integ/integ.http-api.ts test/integ/integ.private-origin.ts)
fi

status=0
npx integ-runner --directory test/integ --language typescript \
  --app "ts-node --project tsconfig.examples.json --transpile-only test/integ/run-app.ts {filePath}" \
  --update-on-failed --force --verbose "${tests[@]}" || status=$?

# The snapshots of the run hold the account's zone: rewrite them with the placeholders.
INTEG_HOSTED_ZONE_ID='' INTEG_ZONE_NAME='' INTEG_IMAGE='' npx projen integ:snapshot "${tests[@]}"
exit $status
