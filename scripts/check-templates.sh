#!/usr/bin/env bash
# Independent checks of every synthesized example (run `npm run synth:examples` first):
# cfn-lint (config in .cfnlintrc) and checkov (CloudFormation framework), both from PyPI, pinned.
# Fails on any cfn-lint error or warning and on any failed checkov check.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv-tools
if [ ! -x "$venv/bin/checkov" ] || [ ! -x "$venv/bin/cfn-lint" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'cfn-lint==1.58.0' 'checkov==3.3.30'
fi

shopt -s nullglob
outs=(examples/*/cdk.out)
if [ ${#outs[@]} -eq 0 ]; then
  echo "No examples/*/cdk.out: run npm run synth:examples first." >&2
  exit 1
fi

echo "cfn-lint $("$venv/bin/cfn-lint" --version | awk '{print $2}') over ${#outs[@]} example(s)"
"$venv/bin/cfn-lint"
echo "cfn-lint: no errors, no warnings"

failed=0
for out in "${outs[@]}"; do
  # One directory per run: checkov 3.3 repeats findings when given several.
  result=$("$venv/bin/checkov" -d "$out" --framework cloudformation --quiet --compact --skip-download 2>&1) || true
  summary=$(printf '%s\n' "$result" | grep -E 'Passed checks: [0-9]+, Failed checks: [0-9]+' | head -n 1)
  echo "checkov $out: ${summary:-no summary}"
  if [ -z "$summary" ] || ! printf '%s' "$summary" | grep -q 'Failed checks: 0,'; then
    printf '%s\n' "$result"
    failed=1
  fi
done
exit $failed
