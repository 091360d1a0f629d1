#!/usr/bin/env bash
# The whole test suite, from a fresh clone: creates .venv, installs the tap with its test and
# lint extras, then runs pytest (offline unit tests, the sandbox over loopback HTTP, and the
# end-to-end loads into PostgreSQL, DuckDB and through Meltano, whose tools the tests install
# into .cache/e2e/ once). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
python_bin=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python_bin" -m venv .venv
fi
# uv installs the dependencies in seconds; plain pip is the fallback.
if .venv/bin/python -m pip install --quiet --disable-pip-version-check 'uv>=0.8.14' 2>/dev/null \
  && .venv/bin/uv pip install --quiet --python .venv/bin/python -e '.[dev]'; then
  :
else
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
fi
exec .venv/bin/python -m pytest "$@"
