"""How the lead stream answers LinkedIn's refusals of its time range and form projection."""

from __future__ import annotations

import logging

import pytest
import responses

from tap_linkedin_leads.errors import RequestRejectedError
from tests.conftest import API, BASE_CONFIG, SERIAL, add_token_and_no_campaigns, calls_to, run_tap
from tests.linkedin_payloads import (
    ACCOUNT_ID,
    FORM_ID,
    account,
    collection,
    form,
    invalid_param,
    lead,
)

JAN_1 = 1704067200000
FEB_1 = 1706745600000  # BASE_CONFIG's end_date
HALF = (FEB_1 - JAN_1) // 2  # 15.5 days
CONFIG = {**BASE_CONFIG, **SERIAL, "account_ids": [ACCOUNT_ID]}
SPAN_REFUSED = invalid_param(
    "submittedAtTimeRange", "Time range must have start and end at most 20 days apart"
)


def _serve_token_account_and_no_forms(api: responses.RequestsMock) -> None:
    add_token_and_no_campaigns(api)
    api.add(responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", json=account())
    api.add(responses.GET, f"{API}/leadForms", json=collection([], total=0))


def _spans_asked(api: responses.RequestsMock) -> list[str]:
    return [
        call.request.url.split("submittedAtTimeRange=")[1].split("&")[0]
        for call in calls_to(api, "/leadFormResponses")
    ]


def test_a_refused_span_is_asked_again_in_halves_and_a_lead_on_the_joint_is_emitted_once(
    api: responses.RequestsMock,
) -> None:
    _serve_token_account_and_no_forms(api)
    url = f"{API}/leadFormResponses"
    joint = JAN_1 + HALF
    api.add(responses.GET, url, status=400, json=SPAN_REFUSED)
    # LinkedIn's bounds may be inclusive: both windows around the joint return its lead.
    api.add(responses.GET, url, json=collection([lead(1, JAN_1 + 5), lead(2, joint)], total=2))
    api.add(responses.GET, url, json=collection([lead(2, joint), lead(3, joint + 9)], total=2))
    api.add(responses.GET, url, json=collection([], total=0))

    output = run_tap(CONFIG)

    assert _spans_asked(api) == [
        f"(start:{JAN_1},end:{FEB_1})",
        f"(start:{JAN_1},end:{joint})",
        f"(start:{joint - 1},end:{joint - 1 + HALF})",
        f"(start:{joint - 1 + HALF - 1},end:{FEB_1})",
    ]
    assert [r["id"][-2:] for r in output.records("lead_form_responses")] == ["-1", "-2", "-3"]


def test_a_span_refused_after_leads_of_its_window_were_emitted_stops_rather_than_repeat_them(
    api: responses.RequestsMock,
) -> None:
    # ``test_leads: include`` reads the window twice; LinkedIn refusing only the second pass
    # would have the window read again, emitting its first pass's leads a second time.
    _serve_token_account_and_no_forms(api)
    url = f"{API}/leadFormResponses"
    api.add(responses.GET, url, json=collection([lead(1, JAN_1 + 5)], total=1))
    api.add(responses.GET, url, status=400, json=SPAN_REFUSED)

    with pytest.raises(RequestRejectedError) as refused:
        run_tap({**CONFIG, "test_leads": "include"})

    assert str(refused.value).startswith(
        f"LinkedIn rejected the leadFormResponses request for ad account {ACCOUNT_ID} "
        "(listed in `account_ids`) (400): Invalid param."
    )
    assert "limitedToTestLeads=true" in calls_to(api, "/leadFormResponses")[-1].request.url


def test_a_refused_form_projection_on_a_lead_read_alone_is_named_in_the_log(
    api: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    # The lead is on version 2 of its form; ``leadForms`` gives version 1 only, so the
    # catalog reads the lead alone with its form embedded, and LinkedIn refuses the projection.
    add_token_and_no_campaigns(api)
    api.add(responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", json=account())
    api.add(responses.GET, f"{API}/leadForms", json=collection([form()], total=1))
    on_version_2 = lead(1, JAN_1 + 5)
    on_version_2["versionedLeadGenFormUrn"] = (
        f"urn:li:versionedLeadGenForm:(urn:li:leadGenForm:{FORM_ID},2)"
    )
    api.add(responses.GET, f"{API}/leadFormResponses", json=collection([on_version_2], total=1))
    api.add(
        responses.GET,
        f"{API}/leadFormResponses/{on_version_2['id']}",
        status=400,
        json=invalid_param("fields", "Projection not allowed for this request"),
    )

    with caplog.at_level(logging.INFO):
        output = run_tap(CONFIG)

    assert [r["form_version"] for r in output.records("lead_form_responses")] == [2]
    assert (
        f"LinkedIn refused to read a lead of ad account {ACCOUNT_ID} (listed in `account_ids`) "
        "with its form embedded (HTTP 400: the fields projection)."
    ) in caplog.messages
