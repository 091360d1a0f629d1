"""The GitHub Actions workflow: valid, safe, and running the README's test command on every
Python the package claims; publishing only from a tag, with trusted publishing."""

from __future__ import annotations

import shutil
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
DEPENDABOT = ROOT / ".github" / "dependabot.yml"
SCRIPTS = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = shutil.which(name, path=str(SCRIPTS))
    assert path, f"{name} is a dev dependency: bash scripts/test.sh installs it"
    return path


def _workflow() -> dict[t.Any, t.Any]:
    return t.cast("dict[t.Any, t.Any]", yaml.safe_load(WORKFLOW.read_text()))


def _check_schema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    # The schema ships inside check-jsonschema: nothing is fetched.
    return subprocess.run(
        [_tool("check-jsonschema"), "--builtin-schema", schema, str(path)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def _zizmor(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_tool("zizmor"), "--offline", "--persona=pedantic", *map(str, paths)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_the_workflow_and_dependabot_config_match_githubs_schemas() -> None:
    workflow = _check_schema("vendor.github-workflows", WORKFLOW)
    assert workflow.returncode == 0, workflow.stdout + workflow.stderr
    dependabot = _check_schema("vendor.dependabot", DEPENDABOT)
    assert dependabot.returncode == 0, dependabot.stdout + dependabot.stderr


def test_the_schema_check_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "ci.yml"
    broken.write_text(WORKFLOW.read_text().replace("runs-on:", "runs_on:", 1))
    result = _check_schema("vendor.github-workflows", broken)
    assert result.returncode == 1, result.stdout + result.stderr


def test_zizmor_finds_nothing_in_the_workflows() -> None:
    result = _zizmor(WORKFLOW, DEPENDABOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_catches_an_unpinned_action(tmp_path: Path) -> None:
    risky = tmp_path / "ci.yml"
    text = WORKFLOW.read_text()
    risky.write_text(text.replace(_uses("publish")[0], "pypa/gh-action-pypi-publish@release/v1"))
    result = _zizmor(risky)
    assert result.returncode != 0
    assert "unpinned-uses" in result.stdout


def _uses(job: str) -> list[str]:
    return [
        step["uses"].split(" ")[0] for step in _workflow()["jobs"][job]["steps"] if "uses" in step
    ]


def _claimed_versions() -> list[str]:
    from importlib.metadata import metadata  # noqa: PLC0415

    prefix = "Programming Language :: Python :: 3."
    classifiers = metadata("tap-linkedin-leads").get_all("Classifier") or []
    return [c.rsplit(" ", 1)[1] for c in classifiers if c.startswith(prefix)]


def test_ci_runs_the_readme_test_command_on_every_claimed_python() -> None:
    job = _workflow()["jobs"]["test"]
    (setup,) = [s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python@")]
    assert setup["with"]["python-version"].split() == _claimed_versions()
    (run,) = [s for s in job["steps"] if "run" in s]
    assert run["run"] == "bash scripts/test.sh"
    assert run["env"]["REQUIRE_ALL_PYTHONS"] == "1"
    assert job["timeout-minutes"] <= 90
    ci_script = (ROOT / ".ci" / "run").read_text()
    assert ci_script.rstrip().endswith("bash scripts/test.sh")


def test_publishing_happens_only_from_a_version_tag_with_trusted_publishing() -> None:
    workflow = _workflow()
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["push"]["tags"] == ["v*"]
    assert workflow["permissions"] == {"contents": "read"}
    publish = workflow["jobs"]["publish"]
    assert publish["if"] == "startsWith(github.ref, 'refs/tags/v')"
    assert set(publish["needs"]) == {"test", "build"}
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    (uploader,) = [s for s in publish["steps"] if "gh-action-pypi-publish" in s.get("uses", "")]
    assert "with" not in uploader, "no password or token: PyPI trusts the workflow's identity"
    build_steps = "\n".join(s.get("run", "") for s in workflow["jobs"]["build"]["steps"])
    assert "python -m build" in build_steps
    assert "twine check --strict dist/*" in build_steps
    assert '"$GITHUB_REF_NAME" != "v$version"' in build_steps


@pytest.mark.parametrize("job", ["test", "build", "publish"])
def test_every_action_is_pinned_to_a_commit(job: str) -> None:
    for action in _uses(job):
        ref = action.split("@", 1)[1]
        assert len(ref) == 40, action
        assert all(c in "0123456789abcdef" for c in ref), action
