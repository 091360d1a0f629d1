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


OAUTH_EXAMPLE = (
    '"client_id": "86abcdefghijkl", "client_secret": "WPL_AP1.xxxxxxxxxxxxxxxx", '
    '"refresh_token": "AQWxxxxxxxx"'
)
HTTPS_ONLY = (
    "must be an https:// URL (plain http is accepted only for a loopback sandbox such as "
    "http://127.0.0.1:8787)"
)


@pytest.mark.parametrize(
    ("config", "line"),
    [
        pytest.param(
            {"api_url": "http://127.0.0.1:9/rest"},
            "No LinkedIn credentials: set `client_id`, `client_secret` and `refresh_token` "
            "(recommended; tokens are refreshed automatically) or `access_token`. A valid "
            f"value: {OAUTH_EXAMPLE}.",
            id="no-credentials",
        ),
        pytest.param(
            {**GOOD, "access_token": None, "client_id": "cid", "refresh_token": "AQW-SECRET"},
            "The OAuth refresh flow needs `client_id`, `client_secret` and `refresh_token`; "
            f"missing `client_secret`. A valid value: {OAUTH_EXAMPLE}.",
            id="oauth-incomplete",
        ),
        pytest.param(
            {**GOOD, **OAUTH},
            "Set either `access_token` or `client_id` + `client_secret` + `refresh_token`, not "
            f"both. A valid value: {OAUTH_EXAMPLE}.",
            id="both-credentials",
        ),
        pytest.param(
            {**GOOD, "client_id": "cid"},
            "With `access_token`, `client_id` and `client_secret` are optional (the tap uses "
            "them only to ask LinkedIn which scopes the token has), but set both or neither. A "
            'valid value: "access_token": "AQVxxxxxxxx", "client_id": "86abcdefghijkl", '
            '"client_secret": "WPL_AP1.xxxxxxxxxxxxxxxx".',
            id="client-id-alone",
        ),
        pytest.param(
            {**GOOD, "account_ids": ["12ab", 5]},
            '`account_ids` has entries that are not ids: ["12ab"]. A valid value: '
            '"account_ids": ["512345678", 523456789].',
            id="account-id-not-an-id",
        ),
        pytest.param(
            {**GOOD, "account_ids": []},
            "`account_ids` must be a non-empty list of ids, or unset. A valid value: "
            '"account_ids": ["512345678", 523456789].',
            id="account-ids-empty",
        ),
        pytest.param(
            {**GOOD, "start_date": "12:00"},
            '`start_date` must be an ISO 8601 date-time; got "12:00". A valid value: '
            '"start_date": "2025-01-01T00:00:00Z".',
            id="start-date-a-time-of-day",
        ),
        pytest.param(
            {**GOOD, "start_date": "2025-02-01T00:00:00Z", "end_date": "2025-01-01T00:00:00Z"},
            "`start_date` (2025-02-01T00:00:00Z) must be before `end_date` "
            '(2025-01-01T00:00:00Z). A valid value: "start_date": "2025-01-01T00:00:00Z", '
            '"end_date": "2025-12-31T00:00:00Z".',
            id="start-after-end",
        ),
        # Choices and the version form are checked by the settings' JSON schema alone.
        pytest.param(
            {**GOOD, "test_leads": "some"},
            '`test_leads` must be one of "exclude", "include", "only"; got "some". A valid '
            'value: "test_leads": "exclude".',
            id="test-leads-choice",
        ),
        pytest.param(
            {**GOOD, "organic_lead_types": ["COMPANY", "PRODUCT"]},
            '`organic_lead_types[1]` must be one of "COMPANY", "EVENT", "ORGANIZATION_PRODUCT"; '
            'got "PRODUCT". A valid value: "organic_lead_types": ["COMPANY", "EVENT"].',
            id="organic-lead-type-choice",
        ),
        pytest.param(
            {**GOOD, "api_version": "2024-01"},
            '`api_version` must be a LinkedIn version in YYYYMM form; got "2024-01". A valid '
            'value: "api_version": "202401".',
            id="api-version-dashed",
        ),
        pytest.param(
            {**GOOD, "api_version": "202413"},
            '`api_version` must be a LinkedIn version in YYYYMM form; got "202413". A valid '
            'value: "api_version": "202401".',
            id="api-version-month-13",
        ),
        pytest.param(
            {**GOOD, "api_version": 202401},
            '`api_version` must be a string; got 202401. A valid value: "api_version": "202401".',
            id="api-version-number",
        ),
        pytest.param(
            {**GOOD, "api_url": "http://api.linkedin.com/rest"},
            f'`api_url` {HTTPS_ONLY}; got "http://api.linkedin.com/rest". A valid value: '
            '"api_url": "https://api.linkedin.com/rest".',
            id="api-url-plain-http",
        ),
        pytest.param(
            {**GOOD, "oauth_token_url": "http://10.0.0.1/token"},
            f'`oauth_token_url` {HTTPS_ONLY}; got "http://10.0.0.1/token". A valid value: '
            '"oauth_token_url": "https://www.linkedin.com/oauth/v2/accessToken".',
            id="token-url-plain-http",
        ),
    ],
)
def test_the_cli_rejects_a_bad_setting_with_one_line_naming_it_then_the_summary(
    tmp_path: Path, config: dict[str, t.Any], line: str
) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({k: v for k, v in config.items() if v is not None}))

    result = subprocess.run(
        [sys.executable, "-m", "tap_linkedin_leads", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 1
    errors = [entry.split("| ", 3)[3] for entry in result.stderr.splitlines() if "| ERROR" in entry]
    assert errors == [
        line,
        "The settings have 1 problem (listed above); nothing was synced. Fix them and run "
        "again: `tap-linkedin-leads --about` describes every setting.",
    ]
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
        "api_url": "ftp://x",
        "oauth_token_url": "http://example.com/token",
    }
    problems = semantic_problems(config)
    assert [p.setting for p in problems] == [
        "client_secret",
        "account_ids",
        "organization_ids",
        "start_date",
        "api_url",
        "oauth_token_url",
    ]
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
