"""What the tap does with each kind of LinkedIn error, and what it tells the user."""

from __future__ import annotations

import json

import pytest
import requests
import responses

from tap_linkedin_leads.errors import (
    AccessDeniedError,
    ApiVersionRetiredError,
    DailyLimitError,
    NotFoundError,
    RequestRejectedError,
    RetriesExhaustedError,
    UnreadableRecordError,
)
from tap_linkedin_leads.tap import TapLinkedInLeads
from tests.conftest import (
    API,
    BASE_CONFIG,
    CAMPAIGNS_URL,
    SECRETS,
    SERIAL,
    add_token_and_no_campaigns,
    calls_to,
    capture_stdout,
    parse_messages,
    run_tap,
    token_endpoint,
)
from tests.linkedin_payloads import (
    ACCOUNT_ID,
    OTHER_ACCOUNT_ID,
    access_denied,
    account,
    collection,
    cursor_page,
    error_body,
    illegal_argument,
    lead,
    not_found,
    version_not_active,
)

JAN_1 = 1704067200000
CONFIG = {**BASE_CONFIG, "account_ids": [ACCOUNT_ID]}


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record backoff waits instead of sleeping."""
    waits: list[float] = []
    monkeypatch.setattr("time.sleep", waits.append)
    return waits


def _serve_no_forms_and_one_lead(api: responses.RequestsMock) -> None:
    api.add(responses.GET, f"{API}/leadForms", json=collection([], total=0))
    api.add(
        responses.GET, f"{API}/leadFormResponses", json=collection([lead(1, JAN_1 + 1)], total=1)
    )


def _assert_clean(message: str) -> None:
    for secret in (*SECRETS.values(), "AQV-access-1", "lead1@example.com"):
        assert secret not in message


def test_426_without_fallback_names_the_retired_version_and_the_setting(
    api: responses.RequestsMock,
) -> None:
    add_token_and_no_campaigns(api)
    api.add(
        responses.GET,
        f"{API}/adAccounts/{ACCOUNT_ID}",
        status=426,
        json=version_not_active("202401"),
    )

    with pytest.raises(ApiVersionRetiredError) as excinfo:
        run_tap({**CONFIG, "api_version_fallback": False})

    message = str(excinfo.value)
    assert message.startswith(
        "LinkedIn no longer serves API version 202401 (LinkedIn said: Requested version "
        "20240101 is not active). Set `api_version`"
    )
    assert "Set `api_version`" in message
    assert "YYYYMM" in message
    assert len(calls_to(api, "/adAccounts")) == 1, "426 is not retried"


def test_403_on_a_listed_account_names_it_and_the_permissions(api: responses.RequestsMock) -> None:
    add_token_and_no_campaigns(api)
    api.add(responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", json=account())
    api.add(
        responses.GET,
        f"{API}/leadForms",
        status=403,
        json=access_denied("leadForms.FINDER-owner.20240101"),
    )

    with pytest.raises(AccessDeniedError) as excinfo:
        run_tap(CONFIG)

    message = str(excinfo.value)
    assert f"ad account {ACCOUNT_ID}" in message
    for needed in (
        "r_marketing_leadgen_automation",
        "r_ads",
        "role on the ad account",
        "company page",
    ):
        assert needed in message
    _assert_clean(message)


def test_403_on_a_discovered_account_is_skipped_with_a_warning(
    api: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    add_token_and_no_campaigns(api)
    api.add(
        responses.GET,
        f"{API}/adAccounts",
        json=cursor_page([account(ACCOUNT_ID), account(OTHER_ACCOUNT_ID)], None),
    )

    def owner_endpoint(elements):  # type: ignore[no-untyped-def]
        def callback(request):  # type: ignore[no-untyped-def]
            if f"{ACCOUNT_ID})" in request.url:
                return 403, {}, json.dumps(error_body(403, "denied", code="ACCESS_DENIED"))
            return 200, {}, json.dumps(collection(elements, total=len(elements)))

        return callback

    api.add_callback(responses.GET, f"{API}/leadForms", callback=owner_endpoint([]))
    api.add_callback(
        responses.GET,
        f"{API}/leadFormResponses",
        callback=owner_endpoint([lead(1, JAN_1 + 1, account_id=OTHER_ACCOUNT_ID)]),
    )

    output = run_tap(BASE_CONFIG)

    assert [r["account_id"] for r in output.records("lead_form_responses")] == [OTHER_ACCOUNT_ID]
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert sum(f"Skipping ad account {ACCOUNT_ID}" in w for w in warnings) == 2  # both lead streams


def test_listed_account_that_does_not_exist_is_named(api: responses.RequestsMock) -> None:
    add_token_and_no_campaigns(api)
    api.add(
        responses.GET,
        f"{API}/adAccounts/{ACCOUNT_ID}",
        status=404,
        json=not_found(),
    )
    api.add(responses.GET, f"{API}/adAccounts", json=cursor_page([], None))

    with pytest.raises(
        NotFoundError, match=f"[Aa]d account {ACCOUNT_ID} \\(listed in `account_ids`\\)"
    ):
        run_tap(CONFIG)
    # The id search, LinkedIn's documented lookup, confirms before the tap gives up.
    assert [c.request.url for c in calls_to(api, "/adAccounts")] == [
        f"{API}/adAccounts/{ACCOUNT_ID}",
        f"{API}/adAccounts?q=search&search=(id:(values:List(urn%3Ali%3AsponsoredAccount%3A{ACCOUNT_ID})))&pageSize=100",
    ]


def test_400_shows_linkedins_message_and_is_not_retried(api: responses.RequestsMock) -> None:
    add_token_and_no_campaigns(api)
    api.add(responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", json=account())
    api.add(responses.GET, f"{API}/leadForms", json=collection([], total=0))
    api.add(
        responses.GET,
        f"{API}/leadFormResponses",
        status=400,
        json=error_body(
            400, "Invalid value for param: owner", code="ILLEGAL_ARGUMENT", service_error_code=100
        ),
    )

    with pytest.raises(RequestRejectedError) as excinfo:
        run_tap(CONFIG)

    message = str(excinfo.value)
    assert "Invalid value for param: owner" in message
    assert "ILLEGAL_ARGUMENT" in message
    assert len(calls_to(api, "/leadFormResponses")) == 1, "a 400 is not retried"


def test_429_honours_retry_after_then_succeeds(
    api: responses.RequestsMock, sleeps: list[float]
) -> None:
    add_token_and_no_campaigns(api)
    api.add(
        responses.GET,
        f"{API}/adAccounts/{ACCOUNT_ID}",
        status=429,
        headers={"Retry-After": "7"},
        json=error_body(
            429,
            "Resource level throttle limit for calls to this resource is reached.",
            service_error_code=101,
        ),
    )
    api.add(responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", json=account())
    _serve_no_forms_and_one_lead(api)

    output = run_tap({**CONFIG, **SERIAL, "retry_backoff_seconds": 2})

    assert sleeps == [7.0]
    assert len(output.records("lead_form_responses")) == 1


def test_retry_after_is_capped(api: responses.RequestsMock, sleeps: list[float]) -> None:
    add_token_and_no_campaigns(api)
    api.add(
        responses.GET,
        f"{API}/adAccounts/{ACCOUNT_ID}",
        status=429,
        headers={"Retry-After": "86400"},
    )
    api.add(responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", json=account())
    _serve_no_forms_and_one_lead(api)

    run_tap({**CONFIG, **SERIAL})

    assert sleeps == [120.0]


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_429_without_header_and_5xx_back_off_exponentially(
    api: responses.RequestsMock, sleeps: list[float], status: int
) -> None:
    add_token_and_no_campaigns(api)
    for _ in range(3):
        api.add(
            responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", status=status, json={"status": status}
        )
    api.add(responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", json=account())
    _serve_no_forms_and_one_lead(api)

    output = run_tap({**CONFIG, **SERIAL, "retry_backoff_seconds": 1.5})

    assert sleeps == [1.5, 3.0, 6.0]
    assert len(output.records("ad_accounts")) == 1


def test_retries_give_up_after_max_retries(
    api: responses.RequestsMock, sleeps: list[float]
) -> None:
    add_token_and_no_campaigns(api)
    api.add(responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", status=503)

    with pytest.raises(RetriesExhaustedError) as excinfo:
        run_tap({**CONFIG, **SERIAL, "max_retries": 2})
    assert str(excinfo.value).startswith(
        f"LinkedIn did not answer adAccounts for ad account {ACCOUNT_ID} (listed in "
        "`account_ids`) after 3 attempts (last: adAccounts: 503 Service Unavailable). Check "
        "`api_url` and the network, or raise `max_retries`;"
    )
    assert len(calls_to(api, "/adAccounts")) == 3
    assert len(sleeps) == 2


def test_connection_reset_and_truncated_body_are_retried(
    api: responses.RequestsMock, sleeps: list[float]
) -> None:
    add_token_and_no_campaigns(api)
    api.add(
        responses.GET,
        f"{API}/adAccounts/{ACCOUNT_ID}",
        body=requests.exceptions.ConnectionError("reset"),
    )
    api.add(responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", json=account())
    api.add(responses.GET, f"{API}/leadForms", json=collection([], total=0))
    full = json.dumps(collection([lead(1, JAN_1 + 1)], total=1))
    api.add(
        responses.GET,
        f"{API}/leadFormResponses",
        body=full[: len(full) // 2],
        content_type="application/json",
    )
    api.add(responses.GET, f"{API}/leadFormResponses", body=full, content_type="application/json")

    output = run_tap({**CONFIG, **SERIAL})

    assert len(output.records("lead_form_responses")) == 1
    assert len(sleeps) == 2


DAILY_LIMIT_BODIES = {
    "message": error_body(
        429,
        "Resource level throttle APPLICATION AND MEMBER DAY limit for calls to this resource "
        "is reached.",
        code="TOO_MANY_REQUESTS",
        service_error_code=101,
    ),
    "code": error_body(429, "Too many requests.", code="APPLICATION_AND_MEMBER_DAY_LIMIT"),
}


@pytest.mark.parametrize("said_in", sorted(DAILY_LIMIT_BODIES))
def test_daily_limit_stops_cleanly_after_emitting_state_for_finished_accounts(
    api: responses.RequestsMock, sleeps: list[float], said_in: str
) -> None:
    add_token_and_no_campaigns(api)
    api.add(responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", json=account())
    api.add(responses.GET, f"{API}/adAccounts/{OTHER_ACCOUNT_ID}", json=account(OTHER_ACCOUNT_ID))
    api.add(responses.GET, f"{API}/leadForms", json=collection([], total=0))
    daily = DAILY_LIMIT_BODIES[said_in]

    def leads(request):  # type: ignore[no-untyped-def]
        if f"{ACCOUNT_ID})" in request.url:
            return 200, {}, json.dumps(collection([lead(1, JAN_1 + 1)], total=1))
        return 429, {}, json.dumps(daily)

    api.add_callback(responses.GET, f"{API}/leadFormResponses", callback=leads)

    tap = TapLinkedInLeads(
        config={**BASE_CONFIG, **SERIAL, "account_ids": [ACCOUNT_ID, OTHER_ACCOUNT_ID]},
        parse_env_config=False,
    )
    with pytest.raises(DailyLimitError) as excinfo, capture_stdout() as buffer:
        tap.sync_all()  # the run writes its held STATE however the sync ends

    message = str(excinfo.value)
    assert "daily API limit" in message
    assert "midnight UTC" in message
    assert "resumes" in message
    assert sleeps == [], "the daily limit is not retried"
    states = [m["value"] for m in parse_messages(buffer.getvalue()) if m["type"] == "STATE"]
    partitions = states[-1]["bookmarks"]["lead_form_responses"]["partitions"]
    finished = [p for p in partitions if p["context"] == {"account_id": ACCOUNT_ID}]
    assert finished[0]["replication_key_value"] == "2024-01-01T00:00:00.001+00:00"


def test_an_element_that_is_not_an_object_stops_the_sync_naming_its_position(
    api: responses.RequestsMock,
) -> None:
    add_token_and_no_campaigns(api)
    api.add(responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", json=account())
    api.add(responses.GET, f"{API}/leadForms", json=collection([], total=0))
    page = collection([lead(1, JAN_1 + 1)], total=2)
    page["elements"].append("garbage")
    api.add(responses.GET, f"{API}/leadFormResponses", json=page)

    with pytest.raises(UnreadableRecordError, match="element 1 of the page is a str"):
        run_tap(CONFIG)


def test_404_on_a_discovered_account_is_skipped_like_a_403(
    api: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    add_token_and_no_campaigns(api)
    api.add(responses.GET, f"{API}/adAccounts", json=cursor_page([account(ACCOUNT_ID)], None))
    api.add(responses.GET, f"{API}/leadForms", status=404, json=not_found())
    api.add(responses.GET, f"{API}/leadFormResponses", json=collection([], total=0))

    run_tap(BASE_CONFIG)

    assert any(f"Skipping ad account {ACCOUNT_ID}" in r.getMessage() for r in caplog.records)


def test_fields_outside_the_schema_are_left_out_with_one_warning(
    api: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    add_token_and_no_campaigns(api)
    api.add(responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", json=account())
    api.add(responses.GET, f"{API}/leadForms", json=collection([], total=0))
    leads = [{**lead(n, JAN_1 + n), "brandNewField": {"x": 1}} for n in (1, 2)]
    api.add(responses.GET, f"{API}/leadFormResponses", json=collection(leads, total=2))

    records = run_tap(CONFIG).records("lead_form_responses")

    assert len(records) == 2
    assert all("brandNewField" not in r for r in records)
    warnings = [r.getMessage() for r in caplog.records if "brandNewField" in r.getMessage()]
    assert len(warnings) == 1


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (404, error_body(404, "Not Found", service_error_code=0)),
        (400, illegal_argument("Invalid finder: search")),
    ],
    ids=["404", "400"],
)
def test_a_campaign_search_linkedin_does_not_serve_warns_and_the_leads_still_sync(
    api: responses.RequestsMock,
    caplog: pytest.LogCaptureFixture,
    status: int,
    body: dict[str, object],
) -> None:
    token_endpoint(api)
    api.add(responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", json=account())
    api.add(responses.GET, CAMPAIGNS_URL, status=status, json=body)
    api.add(responses.GET, f"{API}/leadForms", json=collection([], total=0))
    api.add(responses.GET, f"{API}/leadFormResponses", json=collection([lead(1, JAN_1)], total=1))

    output = run_tap(CONFIG)

    assert len(output.records("lead_form_responses")) == 1
    assert output.records("campaigns") == []
    warnings = [r.getMessage() for r in caplog.records if "No campaigns for" in r.getMessage()]
    assert len(warnings) == 1
    assert f"ad account {ACCOUNT_ID}" in warnings[0]
    assert "leads still sync" in warnings[0]
