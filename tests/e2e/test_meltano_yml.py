"""meltano.yml describes the plugins as they are: every setting, its kind, description, secrecy."""

from __future__ import annotations

import json
import subprocess
import sys
import typing as t
from urllib.parse import urlparse

import pytest

from tests.e2e.tools import (
    MELTANO_REQUIREMENT,
    REPO,
    environment_config,
    meltano_plugin,
    meltano_project,
)

if t.TYPE_CHECKING:
    from pathlib import Path

KIND_OF_TYPE = {
    "string": "string",
    "integer": "integer",
    "number": "decimal",
    "boolean": "boolean",
    "array": "array",
    "object": "object",
}
SECRETS = {"client_id", "client_secret", "refresh_token", "access_token"}


def _about(executable: list[str]) -> dict[str, t.Any]:
    result = subprocess.run(
        [*executable, "--about", "--format=json"],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return t.cast("dict[str, t.Any]", json.loads(result.stdout))


@pytest.fixture(scope="module")
def tap_about() -> dict[str, t.Any]:
    return _about([sys.executable, "-m", "tap_linkedin_leads"])


def _expected_kind(schema: dict[str, t.Any]) -> str:
    if schema.get("format") == "date-time":
        return "date_iso8601"
    (json_type,) = [name for name in schema["type"] if name != "null"]
    if json_type == "string" and "enum" in schema:
        return "options"
    return KIND_OF_TYPE[json_type]


def test_the_extractor_declares_every_tap_setting_as_the_tap_describes_it(
    tap_about: dict[str, t.Any],
) -> None:
    properties = tap_about["settings"]["properties"]
    settings = {
        s["name"]: s for s in meltano_plugin("extractors", "tap-linkedin-leads")["settings"]
    }
    assert list(settings) == list(properties)
    for name, schema in properties.items():
        setting = settings[name]
        assert setting["kind"] == _expected_kind(schema), name
        assert setting["description"] == " ".join(schema["description"].split()), name
        assert setting["label"] == schema["title"], name
        assert setting.get("sensitive", False) == bool(schema.get("secret")), name
        if setting["kind"] == "options":
            assert [o["value"] for o in setting["options"]] == schema["enum"], name
    assert {n for n, s in settings.items() if s.get("sensitive")} == SECRETS


def test_the_extractor_definition_matches_the_tap(tap_about: dict[str, t.Any]) -> None:
    extractor = meltano_plugin("extractors", "tap-linkedin-leads")
    assert extractor["namespace"] == "tap_linkedin_leads"
    assert extractor["pip_url"] == "-e ."
    assert extractor["executable"] == "tap-linkedin-leads"
    assert "variant" not in extractor, "a custom plugin: Meltano never needs the Hub"
    required = {"catalog", "discover", "state", "about", "stream-maps", "schema-flattening"}
    assert required <= set(extractor["capabilities"]) <= set(tap_about["capabilities"])
    assert extractor["settings_group_validation"] == [
        ["client_id", "client_secret", "refresh_token"],
        ["access_token"],
    ]


def test_the_sandbox_environment_only_talks_to_loopback() -> None:
    config = environment_config("sandbox", "extractors", "tap-linkedin-leads")
    for key in ("api_url", "oauth_token_url"):
        assert urlparse(config[key]).hostname == "127.0.0.1", key


def test_every_plugin_is_custom_and_pinned() -> None:
    project = meltano_project()
    for plugin_type in ("extractors", "loaders"):
        for plugin in project["plugins"][plugin_type]:
            assert "variant" not in plugin, plugin["name"]
            assert {"namespace", "pip_url", "executable"} <= set(plugin), plugin["name"]
            for requirement in plugin["pip_url"].split():
                assert requirement in {"-e", "."} or "==" in requirement, requirement
    assert {p["name"] for p in project["plugins"]["loaders"]} == {
        "target-postgres",
        "target-jsonl",
        "target-duckdb",
    }
    assert {e["name"] for e in project["environments"]} == {"dev", "sandbox"}


def test_the_demo_installs_the_meltano_the_tests_use() -> None:
    demo = (REPO / "scripts" / "demo.sh").read_text()
    assert f'meltano_requirement="{MELTANO_REQUIREMENT}"' in demo


@pytest.mark.e2e
def test_target_postgres_settings_exist_in_the_installed_target(target_postgres: Path) -> None:
    about = _about([str(target_postgres)])
    declared = {s["name"] for s in meltano_plugin("loaders", "target-postgres")["settings"]}
    assert declared <= set(about["settings"]["properties"])
    secret = {s["name"] for s in meltano_plugin("loaders", "target-postgres")["settings"]
              if s.get("sensitive")}  # fmt: skip
    assert {"password", "sqlalchemy_url"} <= secret
