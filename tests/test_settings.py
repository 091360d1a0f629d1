"""Bad settings fail before any API call, with one message naming the setting."""

from __future__ import annotations

import json
import subprocess
import sys
import typing as t

import pytest

from tap_linkedin_leads.settings import semantic_errors

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


def test_good_settings_have_no_semantic_errors() -> None:
    assert semantic_errors({**GOOD, "account_ids": ["urn:li:sponsoredAccount:5", 6, "7"]}) == []
    assert semantic_errors({**OAUTH, "api_url": "https://api.linkedin.com/rest"}) == []
    assert semantic_errors({**GOOD, "api_url": "http://localhost:8787/rest"}) == []
    # An access token with the app's credentials, used only for token introspection.
    assert semantic_errors({**GOOD, "client_id": "cid", "client_secret": "csecret"}) == []


def test_each_problem_is_reported_once() -> None:
    errors = semantic_errors({"test_leads": "x", "api_version": "1"})
    assert len(errors) == 3  # credentials, test_leads, api_version
