"""The Meltano Hub definition (hub/extractors/...): generated from ``--about``, consistent with
meltano.yml, complete for the Hub, and accepted by Meltano itself."""

from __future__ import annotations

import importlib.util
import subprocess
import typing as t

import pytest
import yaml

from tap_linkedin_leads.settings import CREDENTIAL_GROUPS
from tap_linkedin_leads.validation import semantic_problems
from tests.e2e.tools import REPO, meltano_env, meltano_plugin, tail

if t.TYPE_CHECKING:
    from pathlib import Path

_spec = importlib.util.spec_from_file_location("hub_definition", REPO / "scripts/hub_definition.py")
assert _spec
assert _spec.loader
hub = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hub)

# Meltano's setting kinds (meltano.schema.json), without the deprecated `hidden` and `password`.
MELTANO_KINDS = {
    "oauth", "date_iso8601", "file", "email", "integer", "decimal", "options", "object",
    "array", "boolean", "string",
}  # fmt: skip
HUB_MAINTENANCE_STATUSES = {"active", "beta", "development", "inactive", "unknown"}


@pytest.fixture(scope="module")
def about() -> dict[str, t.Any]:
    return t.cast("dict[str, t.Any]", hub.tap_about())


@pytest.fixture(scope="module")
def definition_file() -> Path:
    return t.cast("Path", hub.definition_path(hub.variant_of(hub.project_urls()["Repository"])))


@pytest.fixture(scope="module")
def definition(definition_file: Path) -> dict[str, t.Any]:
    return t.cast("dict[str, t.Any]", yaml.safe_load(definition_file.read_text()))


def test_the_committed_definition_is_the_generated_one(
    about: dict[str, t.Any], definition_file: Path
) -> None:
    generated = hub.render(hub.definition(about, hub.project_urls()))
    assert definition_file.read_text() == generated, (
        "out of date: run `.venv/bin/python scripts/hub_definition.py`"
    )
    assert [p.name for p in definition_file.parent.iterdir()] == [definition_file.name]


def test_the_check_mode_reports_a_stale_definition(
    definition_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = tmp_path / definition_file.name
    stale.write_text(definition_file.read_text().replace("kind: integer", "kind: string", 1))
    monkeypatch.setattr(hub, "definition_path", lambda _variant: stale)
    assert hub.main(["--check"]) == 1
    stale.write_text(definition_file.read_text())
    assert hub.main(["--check"]) == 0


def test_every_setting_is_the_taps_own(
    about: dict[str, t.Any], definition: dict[str, t.Any]
) -> None:
    properties = about["settings"]["properties"]
    settings = {s["name"]: s for s in definition["settings"]}
    assert set(settings) == set(properties)
    for name, schema in properties.items():
        setting = settings[name]
        assert setting["label"] == schema["title"], name
        assert setting["description"] == " ".join(schema["description"].split()), name
        assert setting.get("sensitive", False) == bool(schema.get("secret")), name
        assert setting["kind"] in MELTANO_KINDS, name
        assert "value" not in setting, f"{name}: Meltano would pin the tap's default"
    sensitive = {n for n, s in settings.items() if s.get("sensitive")}
    assert sensitive == {"client_id", "client_secret", "refresh_token", "access_token"}
    assert settings["start_date"]["kind"] == "date_iso8601"
    assert settings["retry_backoff_seconds"]["kind"] == "decimal"
    assert settings["page_size"]["kind"] == "integer"
    assert [o["value"] for o in settings["test_leads"]["options"]] == ["exclude", "include", "only"]


def test_the_definition_says_what_meltano_yml_says(definition: dict[str, t.Any]) -> None:
    extractor = meltano_plugin("extractors", "tap-linkedin-leads")
    hub_settings = {s["name"]: s for s in definition["settings"]}
    yml_settings = {s["name"]: s for s in extractor["settings"]}
    assert set(hub_settings) == set(yml_settings)
    for name, declared in yml_settings.items():
        listed = hub_settings[name]
        for key in ("kind", "label", "description", "options"):
            assert listed.get(key) == declared.get(key), (name, key)
        assert listed.get("sensitive", False) == declared.get("sensitive", False), name
    for key in ("namespace", "executable"):
        assert definition[key] == extractor[key], key
    assert set(extractor["capabilities"]) <= set(definition["capabilities"])
    assert definition["settings_group_validation"] == [
        sorted(group) for group in extractor["settings_group_validation"]
    ]


def test_each_credential_group_alone_is_what_the_tap_accepts(definition: dict[str, t.Any]) -> None:
    groups = definition["settings_group_validation"]
    assert groups == [sorted(g) for g in CREDENTIAL_GROUPS]
    for group in groups:
        assert semantic_problems(dict.fromkeys(group, "x")) == [], group
        for missing in group:
            partial = {name: "x" for name in group if name != missing}
            assert semantic_problems(partial), (group, missing)


def test_the_definition_has_every_field_the_hub_lists(
    about: dict[str, t.Any], definition: dict[str, t.Any]
) -> None:
    urls = hub.project_urls()
    assert definition["name"] == about["name"] == "tap-linkedin-leads"
    assert definition["namespace"] == "tap_linkedin_leads"
    assert definition["executable"] == "tap-linkedin-leads"
    assert definition["pip_url"] == "tap-linkedin-leads"  # the PyPI distribution
    assert definition["variant"] == urls["Repository"].split("/")[3].lower()
    assert definition["repo"] == urls["Repository"]
    assert definition["docs"] == urls["Documentation"]
    assert definition["capabilities"] == sorted(about["capabilities"])
    assert {"catalog", "discover", "state", "about"} <= set(definition["capabilities"])
    assert definition["maintenance_status"] in HUB_MAINTENANCE_STATUSES
    assert "meltano_sdk" in definition["keywords"]
    assert definition["label"]
    assert definition["description"]
    assert definition["logo_url"].startswith("/assets/logos/extractors/")
    # The Hub's layout: keys, settings and capabilities sorted.
    assert list(definition) == sorted(definition)
    assert [s["name"] for s in definition["settings"]] == sorted(
        s["name"] for s in definition["settings"]
    )
    assert all(list(s) == sorted(s) for s in definition["settings"])


class _MeltanoProject:
    """An empty Meltano project in a temporary folder, offline."""

    def __init__(self, meltano: Path, folder: Path) -> None:
        self.meltano = meltano
        self.folder = folder / "project"
        self.folder.mkdir()
        (self.folder / "meltano.yml").write_text(
            "default_environment: dev\nproject_id: 00000000-0000-4000-8000-000000000014\n"
            "send_anonymous_usage_stats: false\nenvironments:\n- name: dev\n"
        )
        self.env = meltano_env(folder / "sys")

    def run(self, *args: str, answers: str | None = None) -> str:
        result = subprocess.run(
            [str(self.meltano), *args], cwd=self.folder, env=self.env, input=answers or "",
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert result.returncode == 0, f"meltano {' '.join(args)}:\n{tail(result.stderr)}"
        return result.stdout

    def extractor(self) -> dict[str, t.Any]:
        project = yaml.safe_load((self.folder / "meltano.yml").read_text())
        (extractor,) = project["plugins"]["extractors"]
        return t.cast("dict[str, t.Any]", extractor)


@pytest.mark.e2e
def test_meltano_adds_the_extractor_from_the_definition(
    meltano: Path, definition_file: Path, definition: dict[str, t.Any], tmp_path: Path
) -> None:
    project = _MeltanoProject(meltano, tmp_path)

    project.run(
        "add", "extractor", "tap-linkedin-leads", "--from-ref", str(definition_file), "--no-install"
    )
    listing = project.run("config", "list", "tap-linkedin-leads")

    added = project.extractor()
    for key in ("name", "namespace", "variant", "pip_url", "executable", "capabilities"):
        assert added[key] == definition[key], key
    assert added["settings"] == definition["settings"]
    assert "Group 1: client_id, client_secret, refresh_token" in listing
    assert "Group 2: access_token" in listing


def _readme_custom_answers() -> tuple[str, list[str]]:
    """The README's ``meltano add --custom`` command and the answers it shows for each prompt."""
    readme = (REPO / "README.md").read_text()
    block = readme.split("```bash\nmeltano add --plugin-type extractor --custom", 1)[1]
    block = block.split("```", 1)[0]
    command, *prompts = block.strip().splitlines()
    answers = [line.split(")", 1)[1].strip() for line in prompts if line.startswith("#   (")]
    return command.strip(), answers


@pytest.mark.e2e
def test_the_readmes_custom_add_answers_are_accepted_by_meltano(
    meltano: Path, about: dict[str, t.Any], definition: dict[str, t.Any], tmp_path: Path
) -> None:
    name, answers = _readme_custom_answers()
    assert name == "tap-linkedin-leads"
    project = _MeltanoProject(meltano, tmp_path)

    project.run(
        "add", "--plugin-type", "extractor", "--custom", name, "--no-install",
        answers="\n".join(answers) + "\n",
    )  # fmt: skip

    added = project.extractor()
    for key in ("namespace", "pip_url", "executable"):
        assert added[key] == definition[key], key
    assert set(added["capabilities"]) <= set(definition["capabilities"])
    settings = {s["name"]: s for s in added["settings"]}
    assert set(settings) <= set(about["settings"]["properties"])
    secrets = {n for n, s in about["settings"]["properties"].items() if s.get("secret")}
    assert {n for n, s in settings.items() if s.get("sensitive")} == secrets
