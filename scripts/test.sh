#!/usr/bin/env bash
# The test command (CI runs it too): from a fresh clone, creates .venv, installs the tap with its
# test and lint extras, then runs scripts/python_matrix.py:
#
#   - on .venv's Python (PYTHON, default python3): the whole suite, end-to-end tests included
#     (loads into PostgreSQL, DuckDB and through Meltano, whose tools the tests install into
#     .cache/e2e/ once);
#   - on every other Python the package claims (3.10-3.13) that the machine has, python3.X on
#     PATH or in pyenv, each in its own venv under .venvs/: the unit and integration tests;
#   - a claimed Python the machine lacks is reported as SKIPPED (REQUIRE_ALL_PYTHONS=1 makes it
#     a failure); the last line sums up every run.
#
# Extra arguments go to every pytest run (`bash scripts/test.sh -k pagination`).
#
#   bash scripts/test.sh --one-python [pytest args]
#
# runs pytest once, on .venv's Python only (day-to-day work: add `-m "not e2e"` for the fast part).
set -euo pipefail
cd "$(dirname "$0")/.."
python_bin=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python_bin" -m venv .venv
fi
# uv installs the dependencies in seconds; plain pip is the fallback.
if .venv/bin/python -m pip install --quiet --disable-pip-version-check 'uv>=0.8.14' 2>/dev/null \
  && .venv/bin/uv pip install --quiet --python .venv/bin/python -e '.[dev]' -e ./sandbox; then
  :
else
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]' -e ./sandbox
fi
if [ "${1:-}" = "--one-python" ]; then
  shift
  exec .venv/bin/python -m pytest "$@"
fi
exec .venv/bin/python scripts/python_matrix.py "$@"
