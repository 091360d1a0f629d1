"""The exact URLs, headers and bodies LinkedIn receives, for every endpoint."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import responses

from tests.conftest import (
    API,
    BASE_CONFIG,
    SECRETS,
    TOKEN_URL,
    add_token_and_no_campaigns,
    calls_to,
    run_tap,
)
from tests.linkedin_payloads import (
    ACCOUNT_ID,
    BIG_FORM_ID,
    OTHER_ACCOUNT_ID,
    account,
    collection,
    cursor_page,
    form,
    lead,
)

JAN_1 = 1704067200000  # 2024-01-01T00:00:00Z
FEB_1 = 1706745600000  # 2024-02-01T00:00:00Z


def _serve_one_form_and_one_lead(api: responses.RequestsMock) -> None:
    """One page with one form and one page with one lead, for the next owner that asks."""
    api.add(responses.GET, f"{API}/leadForms", json=collection([form()], total=1))
    api.add(
        responses.GET,
        f"{API}/leadFormResponses",
        json=collection([lead(1, JAN_1 + 5)], total=1),
    )


def test_configured_accounts_each_endpoint_url_is_literal_restli(
    api: responses.RequestsMock,
) -> None:
    add_token_and_no_campaigns(api)
    api.add(responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", json=account())
    _serve_one_form_and_one_lead(api)

    run_tap({**BASE_CONFIG, "account_ids": [str(ACCOUNT_ID)]})

    assert [c.request.url for c in calls_to(api, "/adAccounts")] == [
        f"{API}/adAccounts/{ACCOUNT_ID}"
    ]
    assert [c.request.url for c in calls_to(api, "/leadForms")] == [
        f"{API}/leadForms?q=owner&owner=(sponsoredAccount:urn%3Ali%3AsponsoredAccount%3A{ACCOUNT_ID})"
        "&start=0&count=1000"
    ]
    assert [c.request.url for c in calls_to(api, "/leadFormResponses")] == [
        f"{API}/leadFormResponses?q=owner"
        f"&owner=(sponsoredAccount:urn%3Ali%3AsponsoredAccount%3A{ACCOUNT_ID})"
        "&leadType=(leadType:SPONSORED)&limitedToTestLeads=false"
        f"&submittedAtTimeRange=(start:{JAN_1},end:{FEB_1})"
        "&start=0&count=1000"
    ], "lead pages carry no `fields` projection, so no embedded form"
    assert [c.request.url for c in calls_to(api, "/adAccounts/512345678/adCampaigns")] == [
        f"{API}/adAccounts/{ACCOUNT_ID}/adCampaigns?q=search&pageSize=100"
    ]


def test_an_older_form_version_is_read_once_through_one_of_its_leads(
    api: responses.RequestsMock,
) -> None:
    # leadForms gives version 2; two leads answer version 1, whose definition is read once,
    # embedded in the first of them, by id.
    add_token_and_no_campaigns(api)
    api.add(responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", json=account())
    latest = {**form(), "versionId": 2, "name": "Renamed in version 2"}
    api.add(responses.GET, f"{API}/leadForms", json=collection([latest], total=1))
    leads = [lead(1, JAN_1 + 5), lead(2, JAN_1 + 6)]
    api.add(responses.GET, f"{API}/leadFormResponses", json=collection(leads, total=2))
    lead_id = leads[0]["id"]
    embedded = {
        k: v
        for k, v in form().items()
        if k in {"id", "name", "creationLocale", "hiddenFields", "content"}
    }
    api.add(
        responses.GET,
        f"{API}/leadFormResponses/{lead_id}",
        json={
            "id": lead_id,
            "versionedLeadGenFormUrn": leads[0]["versionedLeadGenFormUrn"],
            "form": embedded,
        },
    )

    output = run_tap({**BASE_CONFIG, "account_ids": [ACCOUNT_ID]})

    assert [c.request.url for c in calls_to(api, f"/leadFormResponses/{lead_id}")] == [
        f"{API}/leadFormResponses/{lead_id}?fields=id,versionedLeadGenFormUrn,"
        "form:(id,versionId,name,creationLocale,hiddenFields,content)"
    ]
    records = output.records("lead_form_responses")
    assert [(r["form_version"], r["form_name"]) for r in records] == [
        (1, "Form with written spanish"),
        (1, "Form with written spanish"),
    ]
    assert records[0]["answers"][1]["selected_options"] == ["Rojo"]


def test_every_api_call_carries_version_protocol_and_bearer_headers(
    api: responses.RequestsMock,
) -> None:
    add_token_and_no_campaigns(api)
    api.add(responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", json=account())
    _serve_one_form_and_one_lead(api)

    run_tap({**BASE_CONFIG, "account_ids": [ACCOUNT_ID], "api_version": "202510"})

    api_calls = [c for c in api.calls if c.request.url.startswith(API)]
    assert len(api_calls) == 4  # account, campaigns, forms, leads
    for call in api_calls:
        headers = call.request.headers
        assert headers["Authorization"] == "Bearer AQV-access-1"
        assert headers["LinkedIn-Version"] == "202510"
        assert headers["X-Restli-Protocol-Version"] == "2.0.0"
        assert headers["User-Agent"].startswith("tap-linkedin-leads/")


def test_token_refresh_is_a_form_post_with_the_four_fields(api: responses.RequestsMock) -> None:
    add_token_and_no_campaigns(api)
    api.add(responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", json=account())
    _serve_one_form_and_one_lead(api)

    run_tap({**BASE_CONFIG, "account_ids": [ACCOUNT_ID]})

    token_calls = [c for c in api.calls if c.request.url == TOKEN_URL]
    assert len(token_calls) == 1, "one refresh serves every stream"
    request = token_calls[0].request
    assert request.method == "POST"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(request.body) == {
        "grant_type": ["refresh_token"],
        "refresh_token": [SECRETS["refresh_token"]],
        "client_id": [SECRETS["client_id"]],
        "client_secret": [SECRETS["client_secret"]],
    }


def test_account_search_follows_page_tokens_encoded_as_leaves(api: responses.RequestsMock) -> None:
    add_token_and_no_campaigns(api)
    api.add(
        responses.GET,
        f"{API}/adAccounts",
        json=cursor_page([account(ACCOUNT_ID)], "tok/en+=1"),
    )
    api.add(responses.GET, f"{API}/adAccounts", json=cursor_page([account(OTHER_ACCOUNT_ID)], None))
    for _account in (ACCOUNT_ID, OTHER_ACCOUNT_ID):
        _serve_one_form_and_one_lead(api)

    output = run_tap(BASE_CONFIG)

    assert [c.request.url for c in calls_to(api, "/adAccounts")] == [
        f"{API}/adAccounts?q=search&pageSize=100",
        f"{API}/adAccounts?q=search&pageSize=100&pageToken=tok%2Fen%2B%3D1",
    ]
    assert [r["id"] for r in output.records("ad_accounts")] == [ACCOUNT_ID, OTHER_ACCOUNT_ID]
    owners = [c.request.url.split("owner=")[1].split("&")[0] for c in calls_to(api, "/leadForms")]
    assert owners == [
        f"(sponsoredAccount:urn%3Ali%3AsponsoredAccount%3A{ACCOUNT_ID})",
        f"(sponsoredAccount:urn%3Ali%3AsponsoredAccount%3A{OTHER_ACCOUNT_ID})",
    ]


def test_test_leads_include_asks_both_ways_and_dedupes(api: responses.RequestsMock) -> None:
    add_token_and_no_campaigns(api)
    api.add(responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", json=account())
    api.add(responses.GET, f"{API}/leadForms", json=collection([], total=0))
    # Whether ``limitedToTestLeads=false`` includes test leads is undocumented: here it
    # does, so the test lead comes back from both calls and must be emitted once.
    both = [lead(1, JAN_1 + 1), lead(2, JAN_1 + 2, test_lead=True)]
    api.add(responses.GET, f"{API}/leadFormResponses", json=collection(both, total=2))
    api.add(
        responses.GET,
        f"{API}/leadFormResponses",
        json=collection([lead(2, JAN_1 + 2, test_lead=True)], total=1),
    )

    output = run_tap({**BASE_CONFIG, "account_ids": [ACCOUNT_ID], "test_leads": "include"})

    flags = [
        c.request.url.split("limitedToTestLeads=")[1].split("&")[0]
        for c in calls_to(api, "/leadFormResponses")
    ]
    assert flags == ["false", "true"]
    records = output.records("lead_form_responses")
    assert sorted((r["id"][-1], r["testLead"]) for r in records) == [("1", False), ("2", True)]


def test_test_leads_exclude_and_only_filter_on_the_flag(api: responses.RequestsMock) -> None:
    add_token_and_no_campaigns(api)
    api.add(responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", json=account())
    api.add(responses.GET, f"{API}/leadForms", json=collection([], total=0))
    mixed = [lead(1, JAN_1 + 1), lead(2, JAN_1 + 2, test_lead=True)]
    api.add(responses.GET, f"{API}/leadFormResponses", json=collection(mixed, total=2))

    excluded = run_tap({**BASE_CONFIG, "account_ids": [ACCOUNT_ID], "test_leads": "exclude"})
    only = run_tap({**BASE_CONFIG, "account_ids": [ACCOUNT_ID], "test_leads": "only"})

    assert [r["testLead"] for r in excluded.records("lead_form_responses")] == [False]
    assert [r["testLead"] for r in only.records("lead_form_responses")] == [True]
    flags = [
        c.request.url.split("limitedToTestLeads=")[1].split("&")[0]
        for c in calls_to(api, "/leadFormResponses")
    ]
    assert flags == ["false", "true"]


def test_big_ids_stay_exact_integers_in_the_singer_output(
    api: responses.RequestsMock, capsys
) -> None:
    add_token_and_no_campaigns(api)
    api.add(responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", json=account())
    api.add(responses.GET, f"{API}/leadForms", json=collection([form(BIG_FORM_ID)], total=1))
    body = json.dumps(collection([lead(1, JAN_1 + 1, form_id=BIG_FORM_ID)], total=1))
    api.add(responses.GET, f"{API}/leadFormResponses", body=body, content_type="application/json")

    output = run_tap({**BASE_CONFIG, "account_ids": [ACCOUNT_ID]})

    assert output.records("lead_forms")[0]["id"] == BIG_FORM_ID
    record = output.records("lead_form_responses")[0]
    assert record["form_id"] == BIG_FORM_ID
    assert isinstance(record["form_id"], int)
