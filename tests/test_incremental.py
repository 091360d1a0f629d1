"""Bookmarks: one per account, turned into ``submittedAtTimeRange`` on the next run."""

from __future__ import annotations

import datetime
import json

import responses

from tap_linkedin_leads.tap import TapLinkedInLeads
from tap_linkedin_leads.times import format_submitted_at
from tests.conftest import (
    API,
    BASE_CONFIG,
    add_token_and_no_campaigns,
    calls_to,
    lead_bookmark,
    lead_partitions,
    run_tap,
    state_with_partitions,
)
from tests.linkedin_payloads import ACCOUNT_ID, OTHER_ACCOUNT_ID, account, collection, lead

JAN_1 = 1704067200000
DAY = 86_400_000


def _time_range(url: str) -> tuple[int, int]:
    raw = url.split("submittedAtTimeRange=(", 1)[1].split(")", 1)[0]
    parts = dict(part.split(":") for part in raw.split(","))
    return int(parts["start"]), int(parts["end"])


def _serve_accounts_and_their_leads(
    api: responses.RequestsMock, leads_by_account: dict[int, list[dict]]
) -> None:
    """The token, then each account with no forms or campaigns and one page of its leads."""
    add_token_and_no_campaigns(api)
    for account_id in leads_by_account:
        api.add(responses.GET, f"{API}/adAccounts/{account_id}", json=account(account_id))
    api.add(responses.GET, f"{API}/leadForms", json=collection([], total=0))

    def leads_callback(request):  # type: ignore[no-untyped-def]
        for account_id, leads in leads_by_account.items():
            if f"sponsoredAccount%3A{account_id})" in request.url:
                return 200, {}, json.dumps(collection(leads, total=len(leads)))
        return 404, {}, "{}"

    api.add_callback(responses.GET, f"{API}/leadFormResponses", callback=leads_callback)


def test_first_run_uses_start_date_and_bookmarks_each_account_at_its_newest_lead(
    api: responses.RequestsMock,
) -> None:
    # Newest first, as LinkedIn returns them; the bookmark must not depend on order.
    _serve_accounts_and_their_leads(
        api,
        {
            ACCOUNT_ID: [lead(3, JAN_1 + 3 * DAY), lead(2, JAN_1 + 9 * DAY), lead(1, JAN_1 + DAY)],
            OTHER_ACCOUNT_ID: [lead(4, JAN_1 + 2 * DAY, account_id=OTHER_ACCOUNT_ID)],
        },
    )
    config = {**BASE_CONFIG, "account_ids": [ACCOUNT_ID, OTHER_ACCOUNT_ID]}

    output = run_tap(config)

    starts = [_time_range(c.request.url)[0] for c in calls_to(api, "/leadFormResponses")]
    assert starts == [JAN_1, JAN_1]
    assert lead_partitions(output.last_state) == [
        lead_bookmark({"account_id": ACCOUNT_ID}, "2024-01-10T00:00:00.000+00:00"),
        lead_bookmark({"account_id": OTHER_ACCOUNT_ID}, "2024-01-03T00:00:00.000+00:00"),
    ]


def test_next_run_starts_at_bookmark_minus_lookback_per_account(
    api: responses.RequestsMock,
) -> None:
    _serve_accounts_and_their_leads(api, {ACCOUNT_ID: [], OTHER_ACCOUNT_ID: []})
    state = state_with_partitions(
        lead_bookmark({"account_id": ACCOUNT_ID}, "2024-01-10T00:00:00.000+00:00")
    )
    config = {
        **BASE_CONFIG,
        "account_ids": [ACCOUNT_ID, OTHER_ACCOUNT_ID],
        "lookback_window_days": 2,
    }

    output = run_tap(config, state=state)

    ranges = [_time_range(c.request.url) for c in calls_to(api, "/leadFormResponses")]
    end = 1706745600000  # end_date
    assert ranges == [(JAN_1 + 7 * DAY, end), (JAN_1, end)]
    # No new leads: the bookmark is kept, not lost or moved back.
    partitions = lead_partitions(output.last_state)
    assert partitions[0]["replication_key_value"] == "2024-01-10T00:00:00.000+00:00"


def test_start_date_later_than_bookmark_minus_lookback_wins(api: responses.RequestsMock) -> None:
    _serve_accounts_and_their_leads(api, {ACCOUNT_ID: []})
    state = state_with_partitions(
        lead_bookmark({"account_id": ACCOUNT_ID}, "2024-01-10T00:00:00.000+00:00")
    )
    config = {**BASE_CONFIG, "account_ids": [ACCOUNT_ID], "start_date": "2024-01-09T12:00:00Z"}

    run_tap(config, state=state)

    (url,) = [c.request.url for c in calls_to(api, "/leadFormResponses")]
    assert _time_range(url)[0] == JAN_1 + 8 * DAY + DAY // 2


def test_defaults_cover_last_365_days_up_to_the_run_start() -> None:
    tap = TapLinkedInLeads(
        config={"access_token": "AQV-x", "account_ids": [1]},
        parse_env_config=False,
    )
    settings = tap.run.settings
    assert settings.end == settings.started_at
    assert settings.started_at - settings.start == datetime.timedelta(days=365)


def test_derived_fields(api: responses.RequestsMock) -> None:
    _serve_accounts_and_their_leads(api, {ACCOUNT_ID: [lead(1, JAN_1 + 1234)]})

    record = run_tap({**BASE_CONFIG, "account_ids": [ACCOUNT_ID]}).records("lead_form_responses")[0]

    assert record["submitted_at"] == "2024-01-01T00:00:01.234+00:00"
    assert record["submittedAt"] == JAN_1 + 1234
    assert record["account_id"] == ACCOUNT_ID
    assert record["organization_id"] is None
    assert (record["form_id"], record["form_version"]) == (7234246, 1)
    assert record["campaign_id"] == 198356826
    assert record["creative_id"] == 241257736
    assert record["formResponse"]["answers"][1]["answerDetails"] == {
        "multipleChoiceAnswer": {"options": [0]}
    }


def test_leads_linkedin_returns_outside_the_asked_window_are_still_emitted(
    api: responses.RequestsMock,
) -> None:
    # Only the joints of split windows filter leads; a lead LinkedIn sends from outside the
    # run's own window (its bounds being inclusive, say) is emitted, never dropped.
    _serve_accounts_and_their_leads(
        api, {ACCOUNT_ID: [lead(2, JAN_1 + 10 * DAY), lead(1, JAN_1 - 1)]}
    )
    end = format_submitted_at(JAN_1 + 5 * DAY)

    output = run_tap({**BASE_CONFIG, "account_ids": [ACCOUNT_ID], "end_date": end})

    assert _time_range(calls_to(api, "/leadFormResponses")[0].request.url) == (
        JAN_1,
        JAN_1 + 5 * DAY,
    )
    ids = sorted(r["id"] for r in output.records("lead_form_responses"))
    assert [i.rsplit("-", 1)[1] for i in ids] == ["1", "2"]
    partitions = lead_partitions(output.last_state)
    assert partitions[0]["replication_key_value"] <= end, "the bookmark stays in the window"
