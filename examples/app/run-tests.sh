#!/usr/bin/env bash
# Run the reference app's tests in a virtualenv at examples/app/.venv (created when missing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
export PIP_DISABLE_PIP_VERSION_CHECK=1
.venv/bin/python -m pip install --quiet --requirement requirements.txt --requirement requirements-dev.txt
exec .venv/bin/python -m pytest -q "$@"
