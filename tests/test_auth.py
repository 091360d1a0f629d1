"""Token refresh: timing, expiry warnings, rejections and the mid-run 401."""

from __future__ import annotations

import json
import logging

import pytest
import responses

from tap_linkedin_leads.auth import LinkedInAuthenticator
from tap_linkedin_leads.errors import AuthenticationError
from tests.conftest import (
    API,
    BASE_CONFIG,
    SECRETS,
    SERIAL,
    TOKEN_URL,
    add_token_and_no_campaigns,
    calls_to,
    run_tap,
)
from tests.linkedin_payloads import (
    ACCOUNT_ID,
    account,
    collection,
    error_body,
    expired_token,
    oauth_error,
    token_response,
)

LOGGER = logging.getLogger("test-auth")


def _authenticator(now: list[float], **kwargs) -> LinkedInAuthenticator:
    return LinkedInAuthenticator(
        logger=LOGGER,
        token_url=TOKEN_URL,
        client_id=SECRETS["client_id"],
        client_secret=SECRETS["client_secret"],
        refresh_token=SECRETS["refresh_token"],
        backoff_factor=0,
        clock=lambda: now[0],
        **kwargs,
    )


def test_refreshes_once_then_again_only_near_expiry(api: responses.RequestsMock) -> None:
    api.add(responses.POST, TOKEN_URL, json=token_response("tok-1", expires_in=3600))
    api.add(responses.POST, TOKEN_URL, json=token_response("tok-2", expires_in=3600))
    now = [1_000_000.0]
    auth = _authenticator(now)

    assert auth.access_token() == "tok-1"
    now[0] += 3600 - 301  # still outside the 5-minute safety margin
    assert auth.access_token() == "tok-1"
    now[0] += 2  # inside the margin: refresh before LinkedIn would reject it
    assert auth.access_token() == "tok-2"
    assert len(api.calls) == 2


def test_warns_with_the_date_when_refresh_token_has_under_30_days(
    api: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    api.add(responses.POST, TOKEN_URL, json=token_response(refresh_token_expires_in=12 * 86400 + 5))
    now = [1_700_000_000.0]  # 2023-11-14 22:13 UTC
    auth = _authenticator(now)

    with caplog.at_level(logging.WARNING):
        auth.access_token()

    (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    text = warning.getMessage()
    assert "2023-11-26" in text
    assert "12 days left" in text
    assert "re-authorize" in text.lower()
    assert SECRETS["refresh_token"] not in text


def test_no_warning_with_plenty_of_refresh_token_left(
    api: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    api.add(responses.POST, TOKEN_URL, json=token_response(refresh_token_expires_in=31 * 86400))
    with caplog.at_level(logging.WARNING):
        _authenticator([0.0]).access_token()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize(
    "body",
    [
        oauth_error(
            "invalid_request",
            "The provided authorization grant or refresh token is invalid, expired or revoked",
        ),
        oauth_error("invalid_grant", "Token has been expired or revoked."),
    ],
)
def test_rejected_refresh_token_tells_the_user_to_reauthorize(
    api: responses.RequestsMock, body: dict
) -> None:
    api.add(responses.POST, TOKEN_URL, status=400, json=body)

    with pytest.raises(AuthenticationError) as excinfo:
        _authenticator([0.0]).access_token()

    message = str(excinfo.value)
    assert body["error"] in message
    assert "Re-authorize" in message
    assert "`refresh_token`" in message
    for secret in SECRETS.values():
        assert secret not in message


def test_bad_client_credentials_name_the_settings(api: responses.RequestsMock) -> None:
    api.add(
        responses.POST,
        TOKEN_URL,
        status=401,
        json=oauth_error("invalid_client", "Client authentication failed"),
    )

    with pytest.raises(AuthenticationError, match="`client_id` and `client_secret`"):
        _authenticator([0.0]).access_token()


def test_token_endpoint_5xx_is_retried(api: responses.RequestsMock) -> None:
    api.add(responses.POST, TOKEN_URL, status=503)
    api.add(responses.POST, TOKEN_URL, json=token_response("tok-after-503"))

    assert _authenticator([0.0]).access_token() == "tok-after-503"


EXPIRED_BODIES = {
    "code": expired_token(),
    # The older envelope has no ``code``.
    "service-error-code": error_body(401, "Unauthorized", service_error_code=65602),
    "message-only": error_body(401, "The token used in the request has expired"),
}


@pytest.mark.parametrize("shape", sorted(EXPIRED_BODIES))
def test_expired_token_mid_run_is_refreshed_once_and_the_run_continues(
    api: responses.RequestsMock, shape: str
) -> None:
    add_token_and_no_campaigns(api, token_response("tok-1"))
    add_token_and_no_campaigns(api, token_response("tok-2"))
    api.add(responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", json=account())
    sent: list[str] = []  # headers as sent: ``responses`` keeps one mutable request per retry

    def lead_forms(request):  # type: ignore[no-untyped-def]
        sent.append(request.headers["Authorization"])
        if len(sent) == 1:
            return 401, {}, json.dumps(EXPIRED_BODIES[shape])
        return 200, {}, json.dumps(collection([], total=0))

    api.add_callback(responses.GET, f"{API}/leadForms", callback=lead_forms)
    api.add(responses.GET, f"{API}/leadFormResponses", json=collection([], total=0))

    run_tap({**BASE_CONFIG, **SERIAL, "account_ids": [ACCOUNT_ID]})

    assert sent == ["Bearer tok-1", "Bearer tok-2"]
    assert [c.request.headers["Authorization"] for c in calls_to(api, "/leadFormResponses")] == [
        "Bearer tok-2"
    ]
    assert len([c for c in api.calls if c.request.url == TOKEN_URL]) == 2


def test_refreshed_token_rejected_again_before_any_success_stops(
    api: responses.RequestsMock,
) -> None:
    add_token_and_no_campaigns(api, token_response("tok-1"))
    add_token_and_no_campaigns(api, token_response("tok-2"))
    expired = expired_token("expired")
    api.add(responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", status=401, json=expired)

    with pytest.raises(AuthenticationError, match="freshly refreshed"):
        run_tap({**BASE_CONFIG, **SERIAL, "account_ids": [ACCOUNT_ID]})
    assert len([c for c in api.calls if c.request.url == TOKEN_URL]) == 2


@pytest.mark.parametrize(
    ("code", "words"),
    [("EXPIRED_ACCESS_TOKEN", "has expired"), ("REVOKED_ACCESS_TOKEN", "has been revoked")],
)
def test_plain_access_token_expired_or_revoked_stops_with_advice(
    api: responses.RequestsMock, code: str, words: str
) -> None:
    api.add(
        responses.GET,
        f"{API}/adAccounts/{ACCOUNT_ID}",
        status=401,
        json=error_body(401, "nope", code=code),
    )
    config = {
        "access_token": "AQV-plain-token-SECRET",
        "account_ids": [ACCOUNT_ID],
        "start_date": "2024-01-01T00:00:00Z",
    }

    with pytest.raises(AuthenticationError) as excinfo:
        run_tap(config)

    message = str(excinfo.value)
    assert f"`access_token` {words}" in message
    assert "60 days" in message
    assert "AQV-plain-token-SECRET" not in message
    assert not [c for c in api.calls if c.request.url == TOKEN_URL]
    assert api.calls[0].request.headers["Authorization"] == "Bearer AQV-plain-token-SECRET"


def test_token_response_without_access_token_is_an_error(api: responses.RequestsMock) -> None:
    api.add(responses.POST, TOKEN_URL, body=json.dumps(oauth_error("server_error")), status=200)
    with pytest.raises(AuthenticationError) as excinfo:
        _authenticator([0.0]).access_token()

    message = str(excinfo.value)
    assert message.startswith("LinkedIn refused to refresh the access token (server_error). ")
    assert "`refresh_token`" in message


def test_retry_after_a_refresh_does_not_wait(
    api: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    monkeypatch.setattr("time.sleep", waits.append)
    add_token_and_no_campaigns(api, token_response("tok-1"))
    add_token_and_no_campaigns(api, token_response("tok-2"))
    expired = error_body(401, "expired", code="EXPIRED_ACCESS_TOKEN")
    api.add(responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", status=401, json=expired)
    api.add(responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", json=account())
    api.add(responses.GET, f"{API}/leadForms", json=collection([], total=0))
    api.add(responses.GET, f"{API}/leadFormResponses", json=collection([], total=0))

    run_tap({**BASE_CONFIG, "account_ids": [ACCOUNT_ID], "retry_backoff_seconds": 5})

    assert waits == [0.0]
