"""The ``tap-linkedin-leads-sandbox`` command: config line, serving, clean shutdown."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import pytest
import requests
from linkedin_sandbox.cli import build_parser


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "linkedin_sandbox.cli", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_cli_prints_config_serves_and_stops(stop_signal: signal.Signals) -> None:
    process = _start("--seed", "3", "--extra-leads", "5", "--fault", "server_error:endpoint=token")
    try:
        assert process.stdout is not None
        config = json.loads(process.stdout.readline())
        human = process.stdout.readline()
        assert "LinkedIn sandbox on http://127.0.0.1:" in human
        assert set(config) == {
            "api_url", "oauth_token_url", "client_id", "client_secret", "refresh_token",
            "start_date", "api_version",
        }  # fmt: skip
        form = {
            "grant_type": "refresh_token",
            "refresh_token": config["refresh_token"],
            "client_id": config["client_id"],
            "client_secret": config["client_secret"],
        }
        with requests.Session() as session:
            first = session.post(config["oauth_token_url"], data=form, timeout=5)
            second = session.post(config["oauth_token_url"], data=form, timeout=5)
        assert first.status_code == 500  # the --fault
        assert second.status_code == 200
    finally:
        process.send_signal(stop_signal)
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr


def test_cli_options_reach_the_server() -> None:
    args = build_parser().parse_args(
        ["--live-versions", "202501,202502", "--empty-page", "--now", "2025-03-01"]
    )
    assert args.live_versions == "202501,202502"
    assert args.empty_page
    assert args.end == "2025-03-01"


def test_cli_rejects_bad_fault() -> None:
    process = _start("--fault", "explode")
    _, stderr = process.communicate(timeout=10)
    assert process.returncode == 2
    assert "unknown kind 'explode'" in stderr
