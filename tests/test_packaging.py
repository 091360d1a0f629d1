"""Release packaging: one version, a changelog entry for it, and an sdist and a wheel that PyPI
accepts, the wheel holding the tap and nothing from tests, benchmarks, scripts or the sandbox; the
sandbox is a distribution of its own (sandbox/pyproject.toml) with the sandbox's console script."""

from __future__ import annotations

import email.parser
import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import tap_linkedin_leads
from tap_linkedin_leads.settings import SETTINGS_SCHEMA

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = Path(sys.executable).parent
# Keep a Changelog release headings: `## [1.2.3] - 2026-12-04`
RELEASE_HEADING = re.compile(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", re.MULTILINE)


def _pyproject_version(folder: Path = ROOT) -> str:
    text = (folder / "pyproject.toml").read_text()
    project = text.split("[project]", 1)[1].split("\n[", 1)[0]
    match = re.search(r'^version = "([^"]+)"$', project, re.MULTILINE)
    assert match, "pyproject.toml's [project] table writes the version"
    return match.group(1)


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``python -m build`` of this checkout: the sdist, and the wheel built from it.

    ``--no-isolation`` builds with the hatchling of the dev extras, so nothing is downloaded.
    """
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


@pytest.fixture(scope="module")
def sandbox_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of the sandbox's own distribution, built from ``sandbox/``."""
    out = tmp_path_factory.mktemp("sandbox-dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir", str(out),
         str(ROOT / "sandbox")],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (wheel,) = out.glob("*.whl")
    return wheel


def _entry_points(wheel: zipfile.ZipFile, dist_info: str) -> dict[str, str]:
    """``console_scripts`` of a wheel: script name -> ``module:object``."""
    text = wheel.read(f"{dist_info}/entry_points.txt").decode()
    scripts = text.split("[console_scripts]", 1)[1].split("\n[", 1)[0]
    return dict(
        (part.strip() for part in line.split("=", 1))
        for line in scripts.splitlines()
        if "=" in line
    )


def test_the_version_is_written_once_in_pyproject() -> None:
    version = _pyproject_version()
    assert tap_linkedin_leads.__version__ == version, "reinstall: bash scripts/test.sh"
    init = (ROOT / "tap_linkedin_leads" / "__init__.py").read_text()
    assert 'version("tap-linkedin-leads")' in init, "__version__ comes from the package metadata"
    assert re.findall(r"\d+\.\d+\.\d+", init) == ["0.0.0"], "only the not-installed fallback"


def test_the_changelog_has_a_dated_entry_for_this_version_first() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert "[Keep a Changelog](https://keepachangelog.com/" in changelog
    assert "\n## [Unreleased]\n" in changelog
    releases = RELEASE_HEADING.findall(changelog)
    assert releases, "no release heading"
    assert releases[0][0] == _pyproject_version()
    assert changelog.index("## [Unreleased]") < changelog.index(f"## [{releases[0][0]}]")
    for version, _date in releases:
        assert f"\n[{version}]: " in changelog, f"link for {version}"
    headings = set(re.findall(r"^### (.+)$", changelog, re.MULTILINE))
    assert headings <= {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


def test_copies_of_the_version_follow_it() -> None:
    version = _pyproject_version()
    default = SETTINGS_SCHEMA["properties"]["user_agent"]["default"]
    assert default == f"tap-linkedin-leads/{version}"
    sample = json.loads((ROOT / "sample_config.json").read_text())
    assert sample["user_agent"] == default


def test_both_distributions_pass_twine_check(dists: dict[str, Path]) -> None:
    result = subprocess.run(
        [str(SCRIPTS / "twine"), "check", "--strict", str(dists["sdist"]), str(dists["wheel"])],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("PASSED") == 2, result.stdout


def test_the_wheel_holds_the_tap_and_nothing_else(dists: dict[str, Path]) -> None:
    version = _pyproject_version()
    with zipfile.ZipFile(dists["wheel"]) as wheel:
        names = wheel.namelist()
    dist_info = f"tap_linkedin_leads-{version}.dist-info"
    assert {name.split("/", 1)[0] for name in names} == {"tap_linkedin_leads", dist_info}
    packaged = {n for n in names if n.startswith("tap_linkedin_leads/")}
    source = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "tap_linkedin_leads").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }
    assert packaged == source
    assert f"{dist_info}/licenses/LICENSE" in names
    assert not [n for n in names if "sandbox" in n], "the sandbox is its own distribution"


def test_the_wheel_has_the_tap_script_only_and_needs_the_sandbox_for_its_tests_only(
    dists: dict[str, Path],
) -> None:
    dist_info = f"tap_linkedin_leads-{_pyproject_version()}.dist-info"
    with zipfile.ZipFile(dists["wheel"]) as wheel:
        scripts = _entry_points(wheel, dist_info)
        meta = email.parser.Parser().parsestr(wheel.read(f"{dist_info}/METADATA").decode())
    assert scripts == {"tap-linkedin-leads": "tap_linkedin_leads.tap:TapLinkedInLeads.cli"}
    requirements = meta.get_all("Requires-Dist") or []
    assert requirements, "the wheel lists its dependencies"
    assert not [r for r in requirements if "@" in r], "no file path or URL PyPI would refuse"
    sandbox = [r for r in requirements if "sandbox" in r]
    # The test extra names the sandbox's distribution (scripts/test.sh installs ./sandbox
    # in the same command, which satisfies it); running the tap needs none of it.
    version = _pyproject_version(ROOT / "sandbox")
    assert sandbox == [
        f"tap-linkedin-leads-sandbox=={version}; extra == '{extra}'" for extra in ("dev", "test")
    ], sandbox


def test_the_sandbox_wheel_holds_the_sandbox_and_its_script(sandbox_wheel: Path) -> None:
    with zipfile.ZipFile(sandbox_wheel) as wheel:
        names = wheel.namelist()
        (dist_info,) = {n.split("/", 1)[0] for n in names if ".dist-info/" in n}
        scripts = _entry_points(wheel, dist_info)
        meta = email.parser.Parser().parsestr(wheel.read(f"{dist_info}/METADATA").decode())
    assert meta["Name"] == "tap-linkedin-leads-sandbox"
    assert meta.get_all("Requires-Dist") is None, "the sandbox is standard library only"
    assert scripts == {"tap-linkedin-leads-sandbox": "linkedin_sandbox.cli:main"}
    assert {name.split("/", 1)[0] for name in names} == {"linkedin_sandbox", dist_info}
    package = ROOT / "sandbox" / "linkedin_sandbox"
    source = {
        path.relative_to(package.parent).as_posix()
        for path in package.rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert {n for n in names if n.startswith("linkedin_sandbox/")} == source


def test_the_wheel_metadata_is_the_release(dists: dict[str, Path]) -> None:
    version = _pyproject_version()
    with zipfile.ZipFile(dists["wheel"]) as wheel:
        dist_info = f"tap_linkedin_leads-{version}.dist-info"
        meta = email.parser.Parser().parsestr(wheel.read(f"{dist_info}/METADATA").decode())
        entry_points = wheel.read(f"{dist_info}/entry_points.txt").decode()
    assert meta["Name"] == "tap-linkedin-leads"
    assert meta["Version"] == version
    assert meta["Requires-Python"] == ">=3.10"
    assert meta["License-Expression"] == "Apache-2.0"
    assert meta["Description-Content-Type"] == "text/markdown"
    python_classifiers = [
        c for c in meta.get_all("Classifier") or [] if c.startswith("Programming Language")
    ]
    assert "Programming Language :: Python :: 3.10" in python_classifiers
    assert "Programming Language :: Python :: 3.13" in python_classifiers
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL") or [])
    assert {"Repository", "Documentation", "Changelog"} <= set(urls)
    assert "tap-linkedin-leads = tap_linkedin_leads.tap:TapLinkedInLeads.cli" in entry_points


def test_the_tap_runs_from_the_wheel_alone(dists: dict[str, Path], tmp_path: Path) -> None:
    unpacked = tmp_path / "wheel"
    with zipfile.ZipFile(dists["wheel"]) as wheel:
        wheel.extractall(unpacked)
    env = {**os.environ, "PYTHONPATH": str(unpacked)}  # ahead of this checkout's editable install
    where = subprocess.run(
        [sys.executable, "-c", "import tap_linkedin_leads; print(tap_linkedin_leads.__file__)"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert Path(where.stdout.strip()).is_relative_to(unpacked)
    about = subprocess.run(
        [sys.executable, "-m", "tap_linkedin_leads", "--about", "--format=json"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    info = json.loads(about.stdout)
    assert info["version"] == _pyproject_version()
    assert set(SETTINGS_SCHEMA["properties"]) <= set(info["settings"]["properties"])


def test_the_sdist_holds_the_source_tests_and_release_files(dists: dict[str, Path]) -> None:
    version = _pyproject_version()
    with tarfile.open(dists["sdist"]) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    expected = {"pyproject.toml", "README.md", "CHANGELOG.md", "LICENSE", "PKG-INFO"}
    assert expected <= names
    assert "tap_linkedin_leads/tap.py" in names
    assert any(n.startswith("tests/") for n in names)
    local = (".venv/", ".venvs/", ".cache/", ".git/", "dist/", "output/")
    assert not [n for n in names if n.startswith(local)], "local files in the sdist"
    assert dists["sdist"].name == f"tap_linkedin_leads-{version}.tar.gz"
