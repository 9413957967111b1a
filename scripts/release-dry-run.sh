#!/usr/bin/env bash
# A release rehearsal that publishes nothing: in a scratch copy, bump the version as a release
# would, build the npm tarball and the Python wheel and sdist, then validate them with
# `npm publish --dry-run` and `twine check`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d /tmp/scc-release-XXXXXX)
trap 'rm -rf "$scratch"' EXIT

# The tracked files plus the installed dependencies (linked, not copied).
git -C "$root" ls-files -z | (cd "$root" && xargs -0 cp --parents -t "$scratch")
ln -s "$root/node_modules" "$scratch/node_modules"
cd "$scratch"

current=$(node -p "require('./package.json').version")
npm version patch --no-git-tag-version --ignore-scripts >/dev/null
next=$(node -p "require('./package.json').version")
echo "release:dry-run: version $current -> $next (scratch copy only)"

npx projen compile
npx jsii-pacmak --target js --target python
tarball=$(ls dist/js/*.tgz)
npm publish --dry-run --ignore-scripts "$tarball" 2>&1 | grep -E 'name:|version:|total files:|package size:' || true

python3 -m venv .venv-twine
.venv-twine/bin/pip install --quiet --disable-pip-version-check 'twine==7.0.0'
.venv-twine/bin/twine check --strict dist/python/*
echo "release:dry-run: ok ($next: $(basename "$tarball"), $(cd dist/python && ls | tr '\n' ' '))"
