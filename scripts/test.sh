#!/usr/bin/env bash
# The whole test suite, from a fresh clone: creates .venv, installs the tap with its test and
# lint extras, then runs pytest (offline unit tests, the sandbox over loopback HTTP, and the
# end-to-end loads). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
python_bin=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python_bin" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
exec .venv/bin/python -m pytest "$@"
