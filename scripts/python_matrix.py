"""Run the test suite on every Python version the package claims that this machine has.

``bash scripts/test.sh`` calls this with the primary venv's Python (``.venv``) after installing
the tap there. The primary runs the whole suite, end-to-end tests included (they build tool
venvs and a PostgreSQL, so once is enough); every other claimed version gets its own venv under
``.venvs/`` and runs the unit and integration tests (``-m "not e2e"``; ruff and mypy, which do
not depend on the interpreter, run once, on the primary). Extra arguments go to every pytest
run, after the matrix's own.

A claimed version this machine does not have is reported as SKIPPED, loudly, and fails the run
when ``REQUIRE_ALL_PYTHONS=1`` (CI machines that install every version set it). No interpreter
is ever downloaded. The last line is a plain ``matrix: N passed, N failed, N skipped`` summary
over every run.

Interpreters are looked up as ``python3.X`` on PATH, then in pyenv's versions folder (pyenv's
shims answer only for the active versions, and uv's discovery stops at a failing shim), and
each candidate must report the version it is taken for.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
import time
from importlib.metadata import metadata
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence

ROOT = Path(__file__).resolve().parent.parent
DISTRIBUTION = "tap-linkedin-leads"
SECONDARY_VENVS = ROOT / ".venvs"
#: What each venv gets, as test.sh installs it: the tap with its test and lint extras, and the
#: sandbox, its own distribution (sandbox/pyproject.toml), which the tests serve LinkedIn from.
INSTALL = ("-e", ".[dev]", "-e", "./sandbox")
REPORTS = ROOT / ".cache" / "python-matrix"
#: What the non-primary versions run: everything but the end-to-end tests and the linters.
SECONDARY_SELECTION = ("-m", "not e2e", "--ignore=tests/test_code_quality.py")

_CLASSIFIER = re.compile(r"^Programming Language :: Python :: (3\.\d+)$")
_VERSION_PROBE = "import sys; print('%d.%d' % sys.version_info[:2])"


def claimed_versions(classifiers: Sequence[str]) -> list[str]:
    """The ``3.X`` versions named by the package's trove classifiers, oldest first."""
    found = {m.group(1) for c in classifiers if (m := _CLASSIFIER.match(c.strip()))}
    return sorted(found, key=lambda v: int(v.split(".")[1]))


def installed_classifiers() -> list[str]:
    """Classifiers of the installed tap (test.sh has just installed this checkout)."""
    return metadata(DISTRIBUTION).get_all("Classifier") or []


def reports_version(executable: Path, version: str) -> bool:
    """True if ``executable`` runs and is Python ``version`` (a pyenv shim may exit 127)."""
    try:
        result = subprocess.run(  # noqa: S603 - an interpreter we are choosing
            [str(executable), "-c", _VERSION_PROBE],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0 and result.stdout.strip() == version


def _patch_level(folder: Path) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else -1 for p in folder.name.split("."))


def _candidates(version: str, search_path: str, pyenv_root: Path) -> Iterator[Path]:
    executable = f"python{version}"
    if found := shutil.which(executable, path=search_path):
        yield Path(found)
    versions = sorted(
        (pyenv_root / "versions").glob(f"{version}.*"), key=_patch_level, reverse=True
    )
    for folder in versions:
        yield folder / "bin" / executable


def find_interpreter(
    version: str,
    *,
    search_path: str,
    pyenv_root: Path,
    probe: Callable[[Path, str], bool] = reports_version,
) -> Path | None:
    """The first interpreter for ``version`` on ``search_path``, then in pyenv; None if none."""
    for candidate in _candidates(version, search_path, pyenv_root):
        if probe(candidate, version):
            return candidate
    return None


@dataclasses.dataclass(frozen=True)
class Counts:
    """Test outcomes of one pytest run, read from its JUnit XML report."""

    passed: int = 0
    failed: int = 0
    skipped: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.passed + other.passed, self.failed + other.failed, self.skipped + other.skipped
        )

    def __str__(self) -> str:
        return f"{self.passed} passed, {self.failed} failed, {self.skipped} skipped"


def read_junit(report: Path) -> Counts:
    """Counts from a pytest JUnit XML file; errors (setup, collection) count as failures."""
    root = ElementTree.parse(report).getroot()  # noqa: S314 - pytest's own report
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    total = Counts()
    for suite in suites:
        tests, skipped = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
        failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        total += Counts(tests - failed - skipped, failed, skipped)
    return total


@dataclasses.dataclass(frozen=True)
class Run:
    """What one Python of the matrix did; ``executable`` None means not on this machine."""

    version: str
    executable: Path | None
    scope: str
    counts: Counts = Counts()
    exit_code: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Found, exited 0 and failed nothing."""
        return self.executable is not None and self.exit_code == 0 and self.counts.failed == 0

    def describe(self) -> str:
        """One line for the closing table."""
        if self.executable is None:
            return (
                f"Python {self.version}: SKIPPED - not on this machine (no python{self.version} "
                "on PATH or in pyenv); its tests did not run"
            )
        status = "ok" if self.ok else f"FAILED (pytest exit {self.exit_code})"
        return (
            f"Python {self.version}: {status} - {self.scope}: {self.counts} in "
            f"{self.seconds:.0f} s ({self.executable})"
        )


def summary(runs: Sequence[Run]) -> list[str]:
    """The closing lines: one per version, a loud line per missing one, then the total."""
    total = Counts()
    for run in runs:
        total += run.counts
    lines = ["", "=" * 30 + " Python matrix " + "=" * 30, *(r.describe() for r in runs)]
    missing = [r.version for r in runs if r.executable is None]
    if missing:
        lines.append(
            f"SKIPPED: Python {', '.join(missing)} not found; install it (pyenv or "
            "python3.X on PATH) to test it here. REQUIRE_ALL_PYTHONS=1 turns this into a failure."
        )
    lines.append(f"matrix: {total}")
    return lines


def exit_code(runs: Sequence[Run], *, require_all: bool) -> int:
    """0 when every run that ran passed (and, if required, every version ran)."""
    failed = any(r.executable is not None and not r.ok for r in runs)
    missing = any(r.executable is None for r in runs)
    return 1 if failed or (require_all and missing) else 0


def _uv() -> str | None:
    return shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")


def prepare_venv(version: str, interpreter: Path) -> Path:
    """``.venvs/py<version>`` with this checkout and its dev extras; returns its Python.

    The dev extras, not only the test ones: the packaging and workflow tests need them.
    """
    venv = SECONDARY_VENVS / f"py{version}"
    python = venv / "bin" / "python"
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    uv = _uv()
    if not reports_version(python, version):  # absent, or built from an interpreter now gone
        shutil.rmtree(venv, ignore_errors=True)
        create = (
            [uv, "venv", "--quiet", "--python", str(interpreter), str(venv)]
            if uv
            else [str(interpreter), "-m", "venv", str(venv)]
        )
        subprocess.run(create, check=True, env=env, timeout=600)  # noqa: S603
    install = (
        [uv, "pip", "install", "--quiet", "--python", str(python), *INSTALL]
        if uv
        else [str(python), "-m", "pip", "install", "--quiet", *INSTALL]
    )
    subprocess.run(install, check=True, cwd=ROOT, env=env, timeout=1800)  # noqa: S603
    return python


def run_pytest(python: Path, version: str, arguments: Sequence[str]) -> tuple[Counts, int]:
    """Run pytest in the foreground (its output streams through); counts from its report."""
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = REPORTS / f"py{version}.xml"
    report.unlink(missing_ok=True)
    command = [str(python), "-m", "pytest", f"--junitxml={report}", *arguments]
    code = subprocess.run(command, cwd=ROOT, check=False).returncode  # noqa: S603
    if not report.is_file():  # pytest stopped before writing it (usage error, crash)
        return Counts(failed=1), code or 1
    return read_junit(report), code


def run_matrix(
    versions: Sequence[str],
    pytest_args: Sequence[str],
    *,
    primary: tuple[str, Path],
    locate: Callable[[str], Path | None],
    prepare: Callable[[str, Path], Path] = prepare_venv,
    test: Callable[[Path, str, Sequence[str]], tuple[Counts, int]] = run_pytest,
    clock: Callable[[], float] = time.monotonic,
) -> list[Run]:
    """Run the primary's whole suite, then the other versions' unit and integration tests.

    A version ``locate`` does not find is recorded as skipped.
    """
    primary_version, primary_python = primary
    order = [primary_version, *(v for v in versions if v != primary_version)]
    runs = []
    for version in order:
        is_primary = version == primary_version
        scope = "whole suite, end-to-end included" if is_primary else "unit and integration"
        interpreter = primary_python if is_primary else locate(version)
        if interpreter is None:
            print(f"\n*** Python {version}: SKIPPED, not on this machine ***\n", flush=True)
            runs.append(Run(version, None, scope))
            continue
        print(f"\n*** Python {version} ({interpreter}): {scope} ***\n", flush=True)
        started = clock()
        python = interpreter if is_primary else prepare(version, interpreter)
        selection = () if is_primary else SECONDARY_SELECTION
        counts, code = test(python, version, [*selection, *pytest_args])
        runs.append(Run(version, interpreter, scope, counts, code, clock() - started))
    return runs


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Entry point: ``python scripts/python_matrix.py [pytest arguments]``."""
    environ = os.environ if environ is None else environ
    pytest_args = sys.argv[1:] if argv is None else list(argv)
    versions = claimed_versions(installed_classifiers())
    primary_version = f"{sys.version_info.major}.{sys.version_info.minor}"
    if primary_version not in versions:
        print(
            f"The primary venv runs Python {primary_version}, which the package does not claim "
            f"({', '.join(versions)}): set PYTHON to one of them.",
            file=sys.stderr,
        )
        return 2
    pyenv_root = Path(environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    search_path = environ.get("PATH", os.defpath)
    runs = run_matrix(
        versions,
        pytest_args,
        primary=(primary_version, Path(sys.executable)),
        locate=lambda v: find_interpreter(v, search_path=search_path, pyenv_root=pyenv_root),
    )
    print("\n".join(summary(runs)), flush=True)
    return exit_code(runs, require_all=environ.get("REQUIRE_ALL_PYTHONS") == "1")


if __name__ == "__main__":
    sys.exit(main())
