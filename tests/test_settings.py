"""Bad settings fail before any API call, with one message naming the setting."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import typing as t

import pytest

from tap_linkedin_leads.settings import SETTINGS_SCHEMA, parse_account_id, parse_organization_id
from tap_linkedin_leads.tap import TapLinkedInLeads
from tap_linkedin_leads.validation import semantic_problems, settings_problems

if t.TYPE_CHECKING:
    from pathlib import Path

GOOD = {"access_token": "AQV-secret-token", "api_url": "http://127.0.0.1:9/rest"}
OAUTH = {"client_id": "cid", "client_secret": "csecret-SECRET", "refresh_token": "AQW-SECRET"}


@pytest.mark.parametrize(
    ("config", "setting"),
    [
        ({"api_url": "http://127.0.0.1:9/rest"}, "access_token"),
        (
            {**GOOD, "access_token": None, "client_id": "cid", "refresh_token": "AQW-SECRET"},
            "client_secret",
        ),
        ({**GOOD, **OAUTH}, "not both"),
        ({**GOOD, "client_id": "cid"}, "set both or neither"),
        ({**GOOD, "account_ids": ["12ab", 5]}, "account_ids"),
        ({**GOOD, "account_ids": []}, "account_ids"),
        (
            {**GOOD, "start_date": "2025-02-01T00:00:00Z", "end_date": "2025-01-01T00:00:00Z"},
            "start_date",
        ),
        ({**GOOD, "test_leads": "some"}, "test_leads"),
        ({**GOOD, "api_version": "2024-01"}, "api_version"),
        ({**GOOD, "api_version": "202413"}, "api_version"),
        ({**GOOD, "api_url": "http://api.linkedin.com/rest"}, "api_url"),
        ({**GOOD, "oauth_token_url": "http://10.0.0.1/token"}, "oauth_token_url"),
    ],
)
def test_cli_rejects_bad_settings_naming_them(tmp_path: Path, config: dict, setting: str) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({k: v for k, v in config.items() if v is not None}))

    result = subprocess.run(
        [sys.executable, "-m", "tap_linkedin_leads", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    assert setting in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == "", "nothing is synced"
    for secret in ("AQV-secret-token", "csecret-SECRET", "AQW-SECRET"):
        assert secret not in result.stderr


def test_good_settings_have_no_problems() -> None:
    for config in (
        {**GOOD, "account_ids": ["urn:li:sponsoredAccount:5", 6, "7"]},
        {**OAUTH, "api_url": "https://api.linkedin.com/rest"},
        {**GOOD, "api_url": "http://localhost:8787/rest"},
        # An access token with the app's credentials, used only for token introspection.
        {**GOOD, "client_id": "cid", "client_secret": "csecret"},
    ):
        assert settings_problems(config, SETTINGS_SCHEMA) == []


def test_each_problem_is_reported_once_naming_its_setting() -> None:
    problems = settings_problems({"test_leads": "x", "api_version": "1"}, SETTINGS_SCHEMA)
    assert [p.setting for p in problems] == ["client_id", "test_leads", "api_version"]


def test_the_taps_own_line_replaces_the_schemas_for_the_same_setting() -> None:
    # ``start_date: 5`` breaks the schema (not a string) and the tap's date check.
    problems = settings_problems({**GOOD, "start_date": 5}, SETTINGS_SCHEMA)
    assert [str(p) for p in problems] == [
        '`start_date` must be an ISO 8601 date-time; got 5. A valid value: "start_date": '
        '"2025-01-01T00:00:00Z".'
    ]


def test_every_own_problem_names_a_documented_setting_and_a_valid_value() -> None:
    config = {
        "client_id": "cid",
        "account_ids": ["x"],
        "organization_ids": "11223344",
        "start_date": "2025-02-01",
        "end_date": "2025-01-01",
        "api_version": "2024",
        "api_url": "ftp://x",
        "oauth_token_url": "http://example.com/token",
    }
    problems = semantic_problems(config)
    assert len(problems) == 7
    for problem in problems:
        assert problem.setting in SETTINGS_SCHEMA["properties"]
        assert f"`{problem.setting}`" in problem.problem
        assert f'"{problem.setting}": ' in problem.example


def test_values_of_secrets_and_of_the_sdks_own_settings_are_never_repeated() -> None:
    schema = copy.deepcopy(SETTINGS_SCHEMA)
    TapLinkedInLeads.append_builtin_config(schema)  # the SDK's own settings, as at run time
    config = {**GOOD, "access_token": 4242424242, "stream_map_config": "salt-SECRET-991"}

    problems = settings_problems(config, schema)

    assert [p.setting for p in problems] == ["access_token", "stream_map_config"]
    assert str(problems[0]).startswith("`access_token` must be a string. A valid value:")
    assert str(problems[1]).startswith("`stream_map_config` must be an object. A valid value:")
    for problem in problems:
        assert "4242424242" not in str(problem)
        assert "salt-SECRET-991" not in str(problem)


@pytest.mark.parametrize(
    ("value", "account_id", "organization_id"),
    [
        (512345678, 512345678, 512345678),
        ("512345678", 512345678, 512345678),
        (" urn:li:sponsoredAccount:512345678 ", 512345678, None),
        ("urn:li:organization:11223344", None, 11223344),
        (True, None, None),
        (0, None, None),
        (-5, None, None),
        (5.0, None, None),
        ("12ab", None, None),
        ("urn:li:person:5", None, None),
    ],
)
def test_ids_are_read_from_integers_digit_strings_and_their_own_urns_only(
    value: object, account_id: int | None, organization_id: int | None
) -> None:
    assert parse_account_id(value) == account_id
    assert parse_organization_id(value) == organization_id
