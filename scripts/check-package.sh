#!/usr/bin/env bash
# The npm package holds the compiled library and its documents only: anything else at its top level
# (a tool's virtualenv, a cache) would ship to every user, in the Python wheel too.
set -euo pipefail
cd "$(dirname "$0")/.."
tarball=$(ls dist/js/*.tgz | head -n 1)
allowed='^(lib|package\.json|README\.md|LICENSE|API\.md|CONTRIBUTING\.md|CHANGELOG\.md|\.jsii)$'
listing=$(tar tzf "$tarball")
unexpected=$(printf '%s\n' "$listing" | cut -d/ -f2 | sort -u | grep -Ev "$allowed" || true)
if [ -n "$unexpected" ]; then
  echo "Unexpected top-level entries in $tarball:" >&2
  echo "$unexpected" >&2
  exit 1
fi
for handler in lib/origin-verify/rotation-handler/index.js lib/shared/deploy-time-handlers/cfn-response.js \
  lib/shared/deploy-time-handlers/invocation-logging.js lib/shared/deploy-time-handlers/image-check.js; do
  printf '%s\n' "$listing" | grep -x "package/$handler" >/dev/null || { echo "$tarball lacks $handler" >&2; exit 1; }
done
size=$(du -k "$tarball" | cut -f1)
echo "package contents: lib/ and documents only ($size KiB)"
