"""scripts/python_matrix.py: which Pythons the test command finds, runs and reports."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import textwrap
import typing as t
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("python_matrix", ROOT / "scripts/python_matrix.py")
assert _spec
assert _spec.loader
matrix = importlib.util.module_from_spec(_spec)
sys.modules["python_matrix"] = matrix  # dataclasses look their module up by name
_spec.loader.exec_module(matrix)

# The closing line CI reads: 'N passed, N failed' (', N skipped' may follow), one word and a
# colon allowed before it.
CI_SUMMARY = re.compile(r"^(\w+: )?\d+ passed, \d+ failed(, \d+ skipped)?$")


def _fake_python(path: Path, answers: str, exit_code: int = 0) -> Path:
    """An executable that answers the version probe with ``answers`` (a pyenv shim exits 127)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\necho {answers}\nexit {exit_code}\n")
    path.chmod(0o755)
    return path


def test_the_matrix_is_every_version_the_package_claims() -> None:
    about = subprocess.run(
        [sys.executable, "-m", "tap_linkedin_leads", "--about", "--format=json"],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    claimed = json.loads(about.stdout)["supported_python_versions"]
    assert matrix.claimed_versions(matrix.installed_classifiers()) == claimed
    assert claimed == ["3.10", "3.11", "3.12", "3.13"]


def test_claimed_versions_reads_minor_versions_in_numeric_order() -> None:
    classifiers = [
        "Programming Language :: Python :: 3.13",
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3 :: Only",
        "Programming Language :: Python :: 3.9",
        "Programming Language :: Python :: 3.10",
        "License :: OSI Approved :: Apache Software License",
    ]
    assert matrix.claimed_versions(classifiers) == ["3.9", "3.10", "3.13"]


def test_the_probe_checks_the_running_version() -> None:
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert matrix.reports_version(Path(sys.executable), running)
    assert not matrix.reports_version(Path(sys.executable), "3.99")
    assert not matrix.reports_version(Path("/nonexistent/python3.12"), "3.12")


def test_a_failing_pyenv_shim_on_path_falls_through_to_pyenv_versions(tmp_path: Path) -> None:
    shims = tmp_path / "shims"
    _fake_python(shims / "python3.12", "pyenv: python3.12: command not found", exit_code=127)
    pyenv = tmp_path / "pyenv"
    _fake_python(pyenv / "versions/3.12.9/bin/python3.12", "3.12")
    newest = _fake_python(pyenv / "versions/3.12.10/bin/python3.12", "3.12")
    _fake_python(pyenv / "versions/3.13.0/bin/python3.13", "3.13")

    found = matrix.find_interpreter("3.12", search_path=str(shims), pyenv_root=pyenv)

    assert found == newest  # 3.12.10 is newer than 3.12.9 (numbers, not text)


def test_a_working_interpreter_on_path_comes_before_pyenv(tmp_path: Path) -> None:
    on_path = _fake_python(tmp_path / "bin/python3.11", "3.11")
    _fake_python(tmp_path / "pyenv/versions/3.11.7/bin/python3.11", "3.11")

    found = matrix.find_interpreter(
        "3.11", search_path=str(tmp_path / "bin"), pyenv_root=tmp_path / "pyenv"
    )

    assert found == on_path


def test_an_interpreter_that_is_another_version_is_not_taken(tmp_path: Path) -> None:
    _fake_python(tmp_path / "bin/python3.10", "3.11")  # a mislabelled link

    found = matrix.find_interpreter(
        "3.10", search_path=str(tmp_path / "bin"), pyenv_root=tmp_path / "no-pyenv"
    )

    assert found is None


def test_junit_counts_come_from_a_real_pytest_report(tmp_path: Path) -> None:
    (tmp_path / "test_sample.py").write_text(
        textwrap.dedent(
            """
            import pytest

            @pytest.fixture
            def broken():
                raise RuntimeError("setup fails")

            def test_one(): pass
            def test_two(): pass
            def test_three(): assert False
            def test_four(broken): pass
            def test_five(): pytest.skip("not here")
            """
        )
    )
    report = tmp_path / "report.xml"
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}",
         str(tmp_path / "test_sample.py")],
        cwd=tmp_path, capture_output=True, check=False, timeout=120,
    )  # fmt: skip

    assert matrix.read_junit(report) == matrix.Counts(passed=2, failed=2, skipped=1)


class _Recorder:
    def __init__(self, outcomes: dict[str, tuple[t.Any, int]]) -> None:
        self.outcomes = outcomes
        self.calls: list[tuple[str, str, list[str]]] = []
        self.prepared: list[str] = []

    def prepare(self, version: str, interpreter: Path) -> Path:
        self.prepared.append(version)
        return interpreter.parent / f"venv-{version}"

    def test(self, python: Path, version: str, arguments: t.Sequence[str]) -> tuple[t.Any, int]:
        self.calls.append((version, python.name, list(arguments)))
        return self.outcomes[version]


def _run(recorder: _Recorder, found: dict[str, Path]) -> list[t.Any]:
    ticks = iter(range(100))
    return t.cast(
        "list[t.Any]",
        matrix.run_matrix(
            ["3.10", "3.11", "3.12", "3.13"],
            ["-k", "pagination"],
            primary=("3.11", Path("/repo/.venv/bin/python")),
            locate=found.get,
            prepare=recorder.prepare,
            test=recorder.test,
            clock=lambda: float(next(ticks)),
        ),
    )


def test_the_primary_runs_everything_first_and_the_others_skip_e2e_and_lint() -> None:
    counts = matrix.Counts(passed=5)
    recorder = _Recorder(dict.fromkeys(("3.10", "3.11", "3.12", "3.13"), (counts, 0)))
    found = {v: Path(f"/py/{v}/python{v}") for v in ("3.10", "3.12", "3.13")}

    runs = _run(recorder, found)

    assert recorder.calls == [
        ("3.11", "python", ["-k", "pagination"]),
        *[(v, f"venv-{v}", [*matrix.SECONDARY_SELECTION, "-k", "pagination"])
          for v in ("3.10", "3.12", "3.13")],
    ]  # fmt: skip
    assert recorder.prepared == ["3.10", "3.12", "3.13"]
    assert [r.version for r in runs] == ["3.11", "3.10", "3.12", "3.13"]
    assert matrix.SECONDARY_SELECTION[:2] == ("-m", "not e2e")
    assert matrix.exit_code(runs, require_all=True) == 0
    assert matrix.summary(runs)[-1] == "matrix: 20 passed, 0 failed, 0 skipped"


def test_a_missing_python_is_reported_as_skipped_and_never_counted_as_run() -> None:
    recorder = _Recorder({v: (matrix.Counts(passed=5, skipped=1), 0) for v in ("3.11", "3.13")})
    found = {"3.13": Path("/py/python3.13")}

    runs = _run(recorder, found)
    lines = matrix.summary(runs)

    assert [c[0] for c in recorder.calls] == ["3.11", "3.13"]
    assert [line for line in lines if "SKIPPED" in line] == [
        "Python 3.10: SKIPPED - not on this machine (no python3.10 on PATH or in pyenv); its "
        "tests did not run",
        "Python 3.12: SKIPPED - not on this machine (no python3.12 on PATH or in pyenv); its "
        "tests did not run",
        "SKIPPED: Python 3.10, 3.12 not found; install it (pyenv or python3.X on PATH) to test "
        "it here. REQUIRE_ALL_PYTHONS=1 turns this into a failure.",
    ]
    assert lines[-1] == "matrix: 10 passed, 0 failed, 2 skipped"
    assert CI_SUMMARY.match(lines[-1])
    assert matrix.exit_code(runs, require_all=False) == 0
    assert matrix.exit_code(runs, require_all=True) == 1


def test_a_failure_on_any_python_fails_the_run_and_shows_in_the_last_line() -> None:
    outcomes = {v: (matrix.Counts(passed=5), 0) for v in ("3.10", "3.11", "3.12", "3.13")}
    outcomes["3.12"] = (matrix.Counts(passed=4, failed=1), 1)
    runs = _run(_Recorder(outcomes), {v: Path(f"/py/python{v}") for v in outcomes})

    lines = matrix.summary(runs)

    assert matrix.exit_code(runs, require_all=False) == 1
    assert [line for line in lines if "FAILED" in line] == [
        "Python 3.12: FAILED (pytest exit 1) - unit and integration: 4 passed, 1 failed, "
        "0 skipped in 1 s (/py/python3.12)"
    ]
    assert lines[-1] == "matrix: 19 passed, 1 failed, 0 skipped"
    assert CI_SUMMARY.match(lines[-1])


def test_a_run_that_failed_without_failing_a_test_still_fails_the_matrix() -> None:
    # e.g. pytest exit 5 (no tests collected) or an internal error
    outcomes = {v: (matrix.Counts(passed=5), 0) for v in ("3.10", "3.11", "3.12", "3.13")}
    outcomes["3.10"] = (matrix.Counts(), 5)
    runs = _run(_Recorder(outcomes), {v: Path(f"/py/python{v}") for v in outcomes})

    assert matrix.exit_code(runs, require_all=False) == 1


@pytest.mark.parametrize("script", ["scripts/test.sh", ".ci/run"])
def test_ci_and_the_readme_run_the_matrix(script: str) -> None:
    text = (ROOT / script).read_text()
    if script == ".ci/run":
        assert text.rstrip().endswith("bash scripts/test.sh")
    else:
        assert text.rstrip().endswith('exec .venv/bin/python scripts/python_matrix.py "$@"')
    readme = (ROOT / "README.md").read_text()
    assert "\nbash scripts/test.sh\n" in readme


def test_every_venv_gets_the_tap_and_the_sandbox_as_test_sh_installs_them() -> None:
    """The sandbox is its own distribution: the primary venv (test.sh, with uv or pip) and each
    matrix venv install it beside the tap, or the sandbox tests and the integration tests fail
    to import it."""
    assert matrix.INSTALL == ("-e", ".[dev]", "-e", "./sandbox")
    test_sh = (ROOT / "scripts/test.sh").read_text()
    assert test_sh.count("-e '.[dev]' -e ./sandbox") == 2  # uv, and the pip fallback
