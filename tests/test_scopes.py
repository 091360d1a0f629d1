"""A 403 on leads explained by the token's scopes, or by the account's company page.

Offline, on the wire: the scopes come from the refresh answer; token introspection is asked
only when they are unknown, the leads were refused and the app's credentials are set.
"""

from __future__ import annotations

import typing as t
from urllib.parse import parse_qs

import pytest
import responses

from tap_linkedin_leads.auth import introspection_url
from tap_linkedin_leads.errors import AccessDeniedError, MissingScopeError
from tests.conftest import API, BASE_CONFIG, SECRETS, TOKEN_URL, empty_campaigns, run_tap
from tests.linkedin_payloads import (
    ACCOUNT_ID,
    access_denied,
    account,
    collection,
    cursor_page,
    form,
    token_response,
)

INTROSPECT_URL = "https://www.linkedin.com/oauth/v2/introspectToken"
LEADS_REFUSED = access_denied("leadFormResponses.FINDER-owner.20240101")


def _serve_an_account_whose_leads_are_refused(
    api: responses.RequestsMock, *, token: dict[str, t.Any], **account_fields: t.Any
) -> None:
    api.add(responses.POST, TOKEN_URL, json=token)
    empty_campaigns(api)
    # Discovered, not listed: a plain 403 on such an account is skipped with a warning.
    api.add(
        responses.GET,
        f"{API}/adAccounts",
        json=cursor_page([account(ACCOUNT_ID, **account_fields)], None),
    )
    api.add(responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", json=account(**account_fields))
    api.add(responses.GET, f"{API}/leadForms", json=collection([form()], total=1))
    api.add(responses.GET, f"{API}/leadFormResponses", status=403, json=LEADS_REFUSED)


def _without_scope(**overrides: t.Any) -> dict[str, t.Any]:
    body = token_response(**overrides)
    del body["scope"]
    return body


def test_introspection_url_sits_beside_the_token_url() -> None:
    assert introspection_url(TOKEN_URL) == INTROSPECT_URL
    assert (
        introspection_url("http://127.0.0.1:8787/oauth/v2/accessToken")
        == "http://127.0.0.1:8787/oauth/v2/introspectToken"
    )


def test_scopes_from_the_refresh_answer_name_the_missing_one_and_stop_the_run(
    api: responses.RequestsMock,
) -> None:
    _serve_an_account_whose_leads_are_refused(
        api, token={**token_response(), "scope": "r_ads,rw_ads"}
    )

    with pytest.raises(MissingScopeError) as excinfo:
        run_tap(BASE_CONFIG)

    assert str(excinfo.value) == (
        f"LinkedIn refused leadFormResponses for ad account {ACCOUNT_ID} (403): the access "
        "token lacks the `r_marketing_leadgen_automation` scope (Lead Sync); it has `r_ads`, "
        "`rw_ads`. Re-authorize the app with `r_marketing_leadgen_automation` (the Lead Sync "
        "API product must be approved for the app) and set the new `refresh_token` (or "
        "`access_token`). Roles on the account do not help without the scope."
    )
    assert not [c for c in api.calls if c.request.url == INTROSPECT_URL], "scopes were known"


def test_unknown_scopes_are_asked_by_introspection_once_on_the_wire(
    api: responses.RequestsMock,
) -> None:
    _serve_an_account_whose_leads_are_refused(api, token=_without_scope())
    api.add(
        responses.POST,
        INTROSPECT_URL,
        json={
            "active": True,
            "client_id": SECRETS["client_id"],
            "authorized_at": 1700000000,
            "created_at": 1700000000,
            "status": "active",
            "expires_at": 1800000000,
            "scope": "r_ads",
            "auth_type": "3L",
        },
    )

    with pytest.raises(MissingScopeError) as excinfo:
        run_tap(BASE_CONFIG)

    asked = [c for c in api.calls if c.request.url == INTROSPECT_URL]
    assert len(asked) == 1
    assert asked[0].request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(str(asked[0].request.body)) == {
        "client_id": [SECRETS["client_id"]],
        "client_secret": [SECRETS["client_secret"]],
        "token": ["AQV-access-1"],
    }
    message = str(excinfo.value)
    assert "it has `r_ads`." in message
    for secret in (*SECRETS.values(), "AQV-access-1"):
        assert secret not in message


def test_an_access_token_with_the_app_credentials_is_introspected(
    api: responses.RequestsMock,
) -> None:
    _serve_an_account_whose_leads_are_refused(api, token=token_response())
    api.add(responses.POST, INTROSPECT_URL, json={"active": True, "scope": "r_ads"})
    config = {
        **{k: v for k, v in BASE_CONFIG.items() if k != "refresh_token"},
        "access_token": "AQV-plain-token",
    }

    with pytest.raises(MissingScopeError) as excinfo:
        run_tap(config)

    assert "the access token lacks the `r_marketing_leadgen_automation` scope" in str(excinfo.value)
    assert "it has `r_ads`." in str(excinfo.value), "the scopes introspection named"
    (asked,) = [c for c in api.calls if c.request.url == INTROSPECT_URL]
    assert parse_qs(str(asked.request.body))["token"] == ["AQV-plain-token"]
    assert not [c for c in api.calls if c.request.url == TOKEN_URL], (
        "a plain token is not refreshed"
    )


def test_unknown_scopes_without_app_credentials_keep_the_roles_explanation(
    api: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    _serve_an_account_whose_leads_are_refused(api, token=token_response())
    config = {
        **{k: v for k, v in BASE_CONFIG.items() if k not in SECRETS},
        "access_token": "AQV-plain-token",
    }

    output = run_tap(config)  # a discovered account that is refused is skipped

    assert output.records("lead_form_responses") == []
    skipped = [r.getMessage() for r in caplog.records if "Skipping ad account" in r.getMessage()]
    assert skipped
    assert "company page" in skipped[0]
    assert "no company page" not in skipped[0]
    assert not [c for c in api.calls if c.request.url == INTROSPECT_URL]


@pytest.mark.parametrize(
    ("reference", "said"),
    [
        ("", "its `reference` is empty"),
        (None, "its `reference` is empty"),
        ("urn:li:person:BcLKblgopR", "its `reference` is a member, not a company page"),
    ],
)
def test_with_the_scope_an_account_without_company_page_is_named(
    api: responses.RequestsMock, reference: str | None, said: str
) -> None:
    _serve_an_account_whose_leads_are_refused(api, token=token_response(), reference=reference)

    with pytest.raises(AccessDeniedError) as excinfo:
        run_tap({**BASE_CONFIG, "account_ids": [ACCOUNT_ID]})

    message = str(excinfo.value)
    assert (
        f"The ad account has no company page ({said}), and LinkedIn does not sync leads of "
        "such accounts" in message
    )
    assert "BcLKblgopR" not in message


def test_with_the_scope_and_a_company_page_the_roles_are_explained(
    api: responses.RequestsMock,
) -> None:
    _serve_an_account_whose_leads_are_refused(api, token=token_response())

    with pytest.raises(AccessDeniedError) as excinfo:
        run_tap({**BASE_CONFIG, "account_ids": [ACCOUNT_ID]})

    message = str(excinfo.value)
    assert "approved role on the company page associated with the account" in message
    assert "no company page" not in message
