#!/usr/bin/env bash
# Guards the public API: jsii-diff compares the freshly compiled assembly (.jsii) with the last
# version on npm and fails on a breaking change, unless the commits since the last release tag
# declare one (a conventional-commit "!" or a "BREAKING CHANGE" footer), which bumps the major.
set -euo pipefail
cd "$(dirname "$0")/.."
name=$(node -p "require('./package.json').name")
if ! released=$(npm view "$name" version 2>/dev/null) || [ -z "$released" ]; then
  echo "api-compat: $name has no release on npm yet; nothing to compare with."
  exit 0
fi
[ -f .jsii ] || npx projen compile
last_tag=$(git describe --tags --abbrev=0 --match 'v*' 2>/dev/null || true)
if git log --format='%s%n%b' ${last_tag:+"$last_tag"..HEAD} | grep -Eq '^[a-z]+(\(.+\))?!:|^BREAKING CHANGE'; then
  echo "api-compat: the commits declare a breaking change; jsii-diff reports only."
  npx jsii-diff "npm:$name@$released" . || true
  exit 0
fi
npx jsii-diff "npm:$name@$released" . --keys --ignore-file .compatignore
