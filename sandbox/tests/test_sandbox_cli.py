"""The ``tap-linkedin-leads-sandbox`` command: config line, serving, clean shutdown."""

from __future__ import annotations

import dataclasses
import json
import signal
import subprocess
import sys
import typing as t

import pytest
import requests
from linkedin_sandbox import ServerOptions, ShortPagePlan
from linkedin_sandbox.cli import build_parser, options_from_args


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


def _options(*argv: str) -> ServerOptions:
    return options_from_args(build_parser().parse_args(list(argv)))


def test_cli_options_reach_the_server() -> None:
    args = build_parser().parse_args(
        ["--live-versions", "202501,202502", "--empty-page", "--now", "2025-03-01"]
    )
    options = options_from_args(args)
    assert options.live_versions == {"202501", "202502"}
    assert options.short_pages == ShortPagePlan(empty_page=True)
    assert args.end == "2025-03-01"
    assert _options("--no-short-pages").short_pages == ShortPagePlan(withhold=False)


def test_without_flags_the_cli_serves_the_default_options_with_a_bounded_log() -> None:
    assert _options() == ServerOptions(request_log_limit=10_000)


def _a_value_other_than_the_default(option: dataclasses.Field[t.Any]) -> tuple[list[str], t.Any]:
    """Command-line words that set ``option`` to something else than its default, and that
    value as :class:`ServerOptions` holds it."""
    default = getattr(ServerOptions(), option.name)
    name = option.name.replace("_", "-")
    flag = option.metadata["flag"] or (f"--no-{name}" if default is True else f"--{name}")
    kind = t.get_type_hints(ServerOptions)[option.name]
    if kind is bool:
        return [flag], not default
    if t.get_origin(kind) is t.Literal:
        choice = next(c for c in t.get_args(kind) if c != default)
        return [flag, choice], choice
    if t.get_origin(kind) is frozenset:
        return [flag, "202601-202602"], frozenset({"202601", "202602"})
    if t.get_origin(kind) is tuple:
        return [flag, "r_ads, rw_ads"], ("r_ads", "rw_ads")
    if int in (kind, *t.get_args(kind)):
        return [flag, "4321"], 4321
    return [flag, "other-value"], "other-value"


@pytest.mark.parametrize(
    "option",
    [o for o in dataclasses.fields(ServerOptions) if o.metadata["cli"]],
    ids=lambda o: o.name,
)
def test_each_option_has_a_flag_that_sets_it(option: dataclasses.Field[t.Any]) -> None:
    words, value = _a_value_other_than_the_default(option)
    assert value != getattr(ServerOptions(), option.name)
    options = _options(*words)
    assert getattr(options, option.name) == value
    others = {o.name for o in dataclasses.fields(ServerOptions)} - {option.name}
    assert all(getattr(options, n) == getattr(_options(), n) for n in others), "one field only"


def test_only_the_short_page_plan_and_refused_versions_are_not_flags() -> None:
    """The short-page plan is set by --no-short-pages and --empty-page; the refused versions
    (form id, version pairs) only from Python."""
    assert {o.name for o in dataclasses.fields(ServerOptions) if not o.metadata["cli"]} == {
        "short_pages",
        "lead_get_refused_versions",
    }


def test_cli_rejects_bad_fault() -> None:
    process = _start("--fault", "explode")
    _, stderr = process.communicate(timeout=10)
    assert process.returncode == 2
    assert "unknown kind 'explode'" in stderr
