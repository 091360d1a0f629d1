"""Offset pagination never stops on LinkedIn's short pages; cursor pagination follows tokens."""

from __future__ import annotations

import pytest
import responses

from tests.conftest import API, BASE_CONFIG, add_token_and_no_campaigns, calls_to, run_tap
from tests.linkedin_payloads import ACCOUNT_ID, account, collection, illegal_argument, lead

JAN_1 = 1704067200000


def _offsets(api: responses.RequestsMock) -> list[tuple[int, int]]:
    result = []
    for call in calls_to(api, "/leadFormResponses"):
        query = call.request.url.split("?")[1]
        params = dict(part.split("=", 1) for part in query.split("&"))
        result.append((int(params["start"]), int(params["count"])))
    return result


def _serve_token_account_and_no_forms(api: responses.RequestsMock) -> None:
    add_token_and_no_campaigns(api)
    api.add(responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", json=account())
    api.add(responses.GET, f"{API}/leadForms", json=collection([], total=0))


def _page(
    api: responses.RequestsMock, ids: list[int], *, start: int, total: int | None, count: int = 3
) -> None:
    leads = [lead(i, JAN_1 + 1000 - i) for i in ids]
    api.add(
        responses.GET,
        f"{API}/leadFormResponses",
        json=collection(leads, start=start, count=count, total=total),
    )


def test_short_and_empty_pages_mid_stream_do_not_stop_pagination(
    api: responses.RequestsMock,
) -> None:
    _serve_token_account_and_no_forms(api)
    _page(api, [1, 2, 3], start=0, total=11)
    _page(api, [4], start=3, total=11)  # short page: two withheld
    _page(api, [], start=6, total=11)  # empty page in the middle
    _page(api, [10, 11], start=9, total=11)

    output = run_tap({**BASE_CONFIG, "account_ids": [ACCOUNT_ID], "page_size": 3})

    assert _offsets(api) == [(0, 3), (3, 3), (6, 3), (9, 3)]
    ids = sorted(int(r["id"].rsplit("-", 1)[1]) for r in output.records("lead_form_responses"))
    assert ids == [1, 2, 3, 4, 10, 11]


def test_without_total_pages_continue_until_an_empty_page(api: responses.RequestsMock) -> None:
    _serve_token_account_and_no_forms(api)
    _page(api, [1, 2, 3], start=0, total=None)
    _page(api, [4], start=3, total=None)
    _page(api, [], start=6, total=None)

    output = run_tap({**BASE_CONFIG, "account_ids": [ACCOUNT_ID], "page_size": 3})

    assert _offsets(api) == [(0, 3), (3, 3), (6, 3)]
    assert len(output.records("lead_form_responses")) == 4


def test_offset_moves_by_the_count_linkedin_echoes_when_it_caps_the_page(
    api: responses.RequestsMock,
) -> None:
    _serve_token_account_and_no_forms(api)
    # Asked for 1000, LinkedIn serves 2 a page and says so in ``paging.count``.
    _page(api, [1, 2], start=0, total=5, count=2)
    _page(api, [3, 4], start=2, total=5, count=2)
    _page(api, [5], start=4, total=5, count=2)

    output = run_tap({**BASE_CONFIG, "account_ids": [ACCOUNT_ID]})

    assert [start for start, _ in _offsets(api)] == [0, 2, 4]
    assert len(output.records("lead_form_responses")) == 5


def test_filtered_out_page_does_not_end_pagination(api: responses.RequestsMock) -> None:
    _serve_token_account_and_no_forms(api)
    # The first page holds only test leads, which ``exclude`` drops client-side.
    api.add(
        responses.GET,
        f"{API}/leadFormResponses",
        json=collection(
            [lead(1, JAN_1 + 3, test_lead=True), lead(2, JAN_1 + 2, test_lead=True)],
            start=0,
            count=2,
            total=3,
        ),
    )
    _page(api, [3], start=2, total=3, count=2)

    output = run_tap({**BASE_CONFIG, "account_ids": [ACCOUNT_ID], "page_size": 2})

    assert [r["id"][-1] for r in output.records("lead_form_responses")] == ["3"]


@pytest.mark.parametrize("message", ["Invalid count parameter", "Page size too large"])
def test_a_refused_count_is_halved_and_the_pages_are_read_again(
    api: responses.RequestsMock, message: str
) -> None:
    # LinkedIn's largest ``count`` is undocumented: a 400 naming it without a limit.
    _serve_token_account_and_no_forms(api)
    api.add(
        responses.GET,
        f"{API}/leadFormResponses",
        status=400,
        json=illegal_argument(message),
    )
    _page(api, [1, 2, 3, 4], start=0, total=6, count=4)
    _page(api, [5, 6], start=4, total=6, count=4)

    output = run_tap({**BASE_CONFIG, "account_ids": [ACCOUNT_ID], "page_size": 8})

    assert _offsets(api) == [(0, 8), (0, 4), (4, 4)]
    ids = sorted(int(r["id"].rsplit("-", 1)[1]) for r in output.records("lead_form_responses"))
    assert ids == [1, 2, 3, 4, 5, 6]
