"""Nothing leaked: no credential and no personal data in logs, errors, STATE or records.

Full runs of the tap's CLI at DEBUG log level against the sandbox, successful and failing.
The sandbox is given credentials unique to each test, and every access token it issues is
recorded, so a leak of any of them anywhere in the output is found. Personal data is every
answer text (names, e-mails, phone numbers, free text) and submitter of the sandbox's leads.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import subprocess
import sys
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from linkedin_sandbox import Fault, SandboxData, SandboxServer
from linkedin_sandbox.options import month_range

from tap_linkedin_leads.tap import TapLinkedInLeads
from tests.conftest import capture_stdout
from tests.integration.conftest import CliRun, run_cli

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    StartSandbox = Callable[..., SandboxServer]

SECRET_SETTINGS = ("client_id", "client_secret", "refresh_token", "access_token")
MELTANO_YML = Path(__file__).resolve().parents[2] / "meltano.yml"


@pytest.fixture(scope="module")
def data() -> SandboxData:
    """Two ad accounts (and a forbidden one) and a company page, with their leads."""
    return SandboxData.generate(seed=17, accounts=2, organizations=1, leads_per_form=20)


@pytest.fixture(scope="module")
def personal_data(data: SandboxData) -> re.Pattern[str]:
    """Any answer text or submitter of any lead, as a whole word."""
    values: set[str] = set()
    for lead in data.leads:
        values.add(lead["submitter"])
        for answer in (lead.get("formResponse") or {}).get("answers") or []:
            text = answer["answerDetails"].get("textQuestionAnswer", {}).get("answer")
            if text:
                values.add(text)
    assert any("@example." in value for value in values), "e-mail addresses are included"
    alternatives = "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


@dataclass
class Credentials:
    """The sandbox's credentials for one test, and every access token it issued."""

    server: SandboxServer
    issued: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    def values(self) -> list[str]:
        tokens = self.server.tokens
        return [tokens.client_id, tokens.client_secret, self.server.refresh_token]

    def all(self) -> list[str]:
        return [*self.values(), *self.issued, *self.extra]


@pytest.fixture
def credentials(
    sandbox: StartSandbox, data: SandboxData, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Credentials]:
    """Start a sandbox with fresh, unique credentials that records the tokens it issues."""

    def start(**options: t.Any) -> Credentials:
        server = sandbox(
            data,
            client_id=f"cid-{secrets.token_hex(8)}",
            client_secret=f"csecret-{secrets.token_urlsafe(24)}",
            refresh_token=f"AQW-refresh-{secrets.token_urlsafe(32)}",
            **options,
        )
        creds = Credentials(server)
        issue = server.tokens.issue_access_token

        def recording_issue(ttl: int | None = None) -> str:
            token = issue(ttl)
            creds.issued.append(token)
            return token

        monkeypatch.setattr(server.tokens, "issue_access_token", recording_issue)
        return creds

    return start


def assert_nothing_leaked(
    run: CliRun, creds: Credentials, personal_data: re.Pattern[str], *, succeeded: bool
) -> None:
    assert "| DEBUG    |" in run.stderr, "the run really logged at DEBUG"
    for secret in creds.all():
        for where, text in (("stderr", run.stderr), ("stdout", run.stdout)):
            assert secret not in text, f"a credential ({secret[:6]}...) is in {where}"
            assert secret[:16] not in text, f"the start of a credential is in {where}"
    leaked = sorted(set(personal_data.findall(run.stderr)))
    assert leaked == [], "personal data in the logs or errors"
    if succeeded:
        assert personal_data.search(run.stdout), "the check above can see personal data"


# What each scenario changes: sandbox options, then the config (given the sandbox).
Prepare = t.Callable[[Credentials, dict[str, t.Any]], None]


@dataclass(frozen=True)
class Scenario:
    server: dict[str, t.Any] = field(default_factory=dict)
    prepare: Prepare | None = None
    #: Text of the error the run must stop with; empty for a run that must succeed.
    stops_with: str = ""
    #: Text of a warning the run must log.
    warns_with: str = ""


def _listed_forbidden_account(creds: Credentials, config: dict[str, t.Any]) -> None:
    data = creds.server.data
    config["account_ids"] = [*data.visible_account_ids, *data.forbidden_account_ids]


def _retired_version(creds: Credentials, config: dict[str, t.Any]) -> None:
    del creds
    config["api_version"] = "202401"
    config["api_version_fallback"] = False


def _retired_version_with_fallback(creds: Credentials, config: dict[str, t.Any]) -> None:
    del creds
    config["api_version"] = "202401"


def _plain_access_token_with_app_credentials(creds: Credentials, config: dict[str, t.Any]) -> None:
    # Token introspection carries the access token in its body: it must not leak either.
    del config["refresh_token"]
    config["access_token"] = creds.server.issue_access_token()


def _revoked_refresh_token(creds: Credentials, config: dict[str, t.Any]) -> None:
    del config
    creds.server.revoke(creds.server.refresh_token)


def _wrong_client_secret(creds: Credentials, config: dict[str, t.Any]) -> None:
    wrong = f"wrong-secret-{secrets.token_urlsafe(24)}"
    creds.extra.append(wrong)
    config["client_secret"] = wrong


def _expired_plain_access_token(creds: Credentials, config: dict[str, t.Any]) -> None:
    for name in ("client_id", "client_secret", "refresh_token"):
        del config[name]
    config["access_token"] = creds.server.issue_access_token(ttl=0)


def _forms_of_one_account_unreadable(creds: Credentials, config: dict[str, t.Any]) -> None:
    del config
    account_id = creds.server.data.visible_account_ids[0]
    creds.server.add_fault(Fault("forbid_account", endpoint="leadForms", account_id=account_id))


def _organic_and_test_leads(creds: Credentials, config: dict[str, t.Any]) -> None:
    config["organization_ids"] = creds.server.data.organization_ids
    config["test_leads"] = "include"


SCENARIOS = {
    "completes-after-retries": Scenario(
        server={
            "faults": [
                Fault("truncated_body", endpoint="leadForms"),
                Fault("server_error", endpoint="leadFormResponses", at_call=2, status=503),
                Fault("drop_connection", endpoint="leadFormResponses", at_call=3),
                Fault("rate_limit", endpoint="leadFormResponses", at_call=5, retry_after=0),
                Fault("expire_token", endpoint="leadFormResponses", at_call=7),
                Fault("drop_connection", endpoint="token", at_call=2),
            ]
        },
        prepare=_organic_and_test_leads,
        warns_with="Token refresh failed",
    ),
    "discovered-account-forms-forbidden": Scenario(
        prepare=_forms_of_one_account_unreadable, warns_with="Skipping ad account"
    ),
    "listed-account-forbidden": Scenario(
        prepare=_listed_forbidden_account, stops_with="Access denied"
    ),
    "api-version-retired": Scenario(
        server={"live_versions": ["202601"]},
        prepare=_retired_version,
        stops_with="no longer serves API version 202401",
    ),
    "api-version-fallback": Scenario(
        # Every month from 202402 on is live, so the run's own month is, whenever it runs.
        server={"live_versions": month_range("202402", "209912")},
        prepare=_retired_version_with_fallback,
        warns_with="To skip this check on every run, set `api_version: ",
    ),
    "token-without-lead-scope": Scenario(
        server={"granted_scopes": ["r_ads"]},
        stops_with="lacks the `r_marketing_leadgen_automation` scope (Lead Sync); it has `r_ads`",
    ),
    "access-token-introspected": Scenario(
        server={"granted_scopes": ["r_ads"]},
        prepare=_plain_access_token_with_app_credentials,
        stops_with="lacks the `r_marketing_leadgen_automation` scope (Lead Sync); it has `r_ads`",
    ),
    "refresh-token-revoked": Scenario(
        prepare=_revoked_refresh_token, stops_with="refused to refresh the access token"
    ),
    "client-secret-wrong": Scenario(
        prepare=_wrong_client_secret, stops_with="rejected the app credentials"
    ),
    "access-token-expired": Scenario(prepare=_expired_plain_access_token, stops_with="expired"),
    "daily-limit": Scenario(
        server={"faults": [Fault("daily_limit", endpoint="leadFormResponses", at_call=2)]},
        stops_with="daily API limit",
    ),
    "request-rejected-400": Scenario(
        server={"page_size_max": 50}, stops_with="This is not retried"
    ),
}


def _config(creds: Credentials, scenario: Scenario) -> dict[str, t.Any]:
    config: dict[str, t.Any] = {
        **creds.server.tap_config(),
        "page_size": 10,
        "retry_backoff_seconds": 0.01,
    }
    if scenario.prepare is not None:
        scenario.prepare(creds, config)
    return config


def _assert_faults_fired(server: SandboxServer, scenario: Scenario) -> None:
    # Kinds that answer differently are named in the request log; the others act silently.
    scheduled = {f.kind for f in scenario.server.get("faults", [])} - {"expire_token", "slow"}
    assert scheduled <= {r.fault for r in server.requests}


def _assert_outcome(run: CliRun, scenario: Scenario) -> None:
    if scenario.stops_with:
        assert run.returncode != 0
        errors = [line for line in run.stderr.splitlines() if "| ERROR" in line]
        assert any(scenario.stops_with in line for line in errors), run.stderr[-2000:]
    else:
        assert run.returncode == 0, run.stderr[-2000:]
    if scenario.warns_with:
        warnings = [line for line in run.stderr.splitlines() if "| WARNING" in line]
        assert any(scenario.warns_with in line for line in warnings)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_no_secret_or_personal_data_at_debug_level(
    tmp_path: Path,
    credentials: Callable[..., Credentials],
    personal_data: re.Pattern[str],
    name: str,
) -> None:
    scenario = SCENARIOS[name]
    creds = credentials(**scenario.server)
    config = _config(creds, scenario)

    run = run_cli(tmp_path, config, env={"TAP_LINKEDIN_LEADS_LOGLEVEL": "DEBUG"})

    _assert_outcome(run, scenario)
    _assert_faults_fired(creds.server, scenario)
    # The progress lines are among what is checked: the run's summary always, and a line
    # per lead owner when the run got that far.
    assert ("| Run stopped " if scenario.stops_with else "| Run finished in ") in run.stderr
    if not scenario.stops_with:
        assert "| lead_form_responses: ad account " in run.stderr
    if name not in {"refresh-token-revoked", "client-secret-wrong"}:
        assert creds.issued, "access tokens were issued, so their absence is checked"
    assert_nothing_leaked(run, creds, personal_data, succeeded=not scenario.stops_with)


def _as_env(config: dict[str, t.Any]) -> dict[str, str]:
    """``TAP_LINKEDIN_LEADS_<SETTING>`` variables, as ``--config ENV`` reads them."""
    return {
        f"TAP_LINKEDIN_LEADS_{name.upper()}": value if isinstance(value, str) else json.dumps(value)
        for name, value in config.items()
        # The SDK reads numbers from the environment as strings; keep the default backoff.
        if not isinstance(value, float)
    }


ENV_SCENARIOS = {
    # No 5xx here: `retry_backoff_seconds` cannot come from the environment (see `_as_env`).
    "completes-after-token-expiry": Scenario(
        server={
            "faults": [
                Fault("expire_token", endpoint="leadFormResponses", at_call=2),
                Fault("rate_limit", endpoint="leadForms", retry_after=0),
            ]
        }
    ),
    "refresh-token-revoked": SCENARIOS["refresh-token-revoked"],
}


@pytest.mark.parametrize("name", list(ENV_SCENARIOS))
def test_no_secret_leaks_with_config_from_the_environment(
    tmp_path: Path,
    credentials: Callable[..., Credentials],
    personal_data: re.Pattern[str],
    name: str,
) -> None:
    scenario = ENV_SCENARIOS[name]
    creds = credentials(**scenario.server)
    env = {**_as_env(_config(creds, scenario)), "LOGLEVEL": "DEBUG"}

    # An empty config file, then the environment: the secrets never touch the disk.
    run = run_cli(tmp_path, {}, extra_args=["--config", "ENV"], env=env)

    _assert_outcome(run, scenario)
    assert "config from env variable 'TAP_LINKEDIN_LEADS_CLIENT_SECRET'" in run.stderr
    assert_nothing_leaked(run, creds, personal_data, succeeded=not scenario.stops_with)


def _exception_texts(exc: BaseException) -> Iterator[str]:
    """Message, repr and arguments of the exception and of everything it was raised from."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield str(current)
        yield repr(current)
        yield from (str(arg) for arg in current.args)
        pending += [current.__cause__, current.__context__]


@pytest.mark.parametrize("name", [n for n, s in SCENARIOS.items() if s.stops_with])
def test_no_secret_or_personal_data_in_the_exceptions_raised(
    credentials: Callable[..., Credentials],
    personal_data: re.Pattern[str],
    caplog: pytest.LogCaptureFixture,
    name: str,
) -> None:
    # In-process, to see the exception objects themselves (their causes and contexts too).
    scenario = SCENARIOS[name]
    creds = credentials(**scenario.server)
    tap = TapLinkedInLeads(config=_config(creds, scenario), parse_env_config=False)
    caplog.set_level(logging.DEBUG)
    raised: BaseException | None = None

    with capture_stdout() as stdout:
        try:
            tap.sync_all()
        except Exception as exc:  # any exception is inspected; one is expected
            raised = exc

    assert raised is not None
    assert scenario.stops_with in str(raised)
    formatter = logging.Formatter()
    logs = [
        formatter.format(record)
        for record in caplog.records
        if not record.name.startswith("linkedin_sandbox")  # the sandbox's own log
    ]
    assert any(record.levelname == "DEBUG" for record in caplog.records)
    for text in [*_exception_texts(raised), *logs]:
        for secret in creds.all():
            assert secret not in text
        assert personal_data.findall(text) == [], text[:300]
    output = stdout.getvalue().decode()
    for secret in creds.all():
        assert secret not in output


# The settings' metadata


def test_the_settings_schema_marks_credentials_secret_and_write_only() -> None:
    about = subprocess.run(
        [sys.executable, "-m", "tap_linkedin_leads", "--about", "--format=json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    properties = json.loads(about.stdout)["settings"]["properties"]

    secret = {name for name, spec in properties.items() if spec.get("secret")}
    assert secret == set(SECRET_SETTINGS)
    for name in SECRET_SETTINGS:
        assert properties[name]["writeOnly"] is True, name


def _tap_plugin(project: dict[str, t.Any]) -> dict[str, t.Any]:
    extractors = project["plugins"]["extractors"]
    return next(p for p in extractors if p["name"] == "tap-linkedin-leads")


def _is_loopback(url: object) -> bool:
    return isinstance(url, str) and url.startswith(("http://127.0.0.1:", "http://localhost:"))


def test_meltano_yml_marks_credentials_sensitive_and_keeps_real_ones_out() -> None:
    project = yaml.safe_load(MELTANO_YML.read_text())
    settings = {s["name"]: s for s in _tap_plugin(project)["settings"]}

    for name in SECRET_SETTINGS:
        assert settings[name].get("sensitive") is True, name
        assert settings[name].get("kind") != "password", "deprecated; use sensitive: true"
        assert "value" not in settings[name], f"no default value for {name}"
    # Credentials written into an environment can only be the sandbox's fakes.
    for environment in project.get("environments") or []:
        extractors = (environment.get("config") or {}).get("plugins", {}).get("extractors", [])
        for plugin in extractors:
            config = plugin.get("config") or {}
            if any(name in config for name in SECRET_SETTINGS):
                assert _is_loopback(config.get("api_url")), environment["name"]
                assert _is_loopback(config.get("oauth_token_url")), environment["name"]
