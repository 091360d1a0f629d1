"""The Singer SDK's standard tap tests, offline against LinkedIn-shaped fixture responses."""

from __future__ import annotations

import json
import typing as t

import pytest
import responses
from singer_sdk.testing import SuiteConfig, get_tap_test_class

from tap_linkedin_leads.tap import TapLinkedInLeads
from tests.conftest import API, BASE_CONFIG, TOKEN_URL
from tests.linkedin_payloads import (
    ACCOUNT_ID,
    BIG_FORM_ID,
    FORM_ID,
    OTHER_ACCOUNT_ID,
    account,
    campaign,
    collection,
    cursor_page,
    form,
    lead,
    not_found,
    token_response,
)

JAN_1 = 1704067200000

LEADS = {
    ACCOUNT_ID: [lead(n, JAN_1 + 86_400_000 * n, form_id=FORM_ID) for n in (3, 2, 1)],
    OTHER_ACCOUNT_ID: [lead(9, JAN_1 + 5, account_id=OTHER_ACCOUNT_ID, form_id=BIG_FORM_ID)],
}
FORMS = {ACCOUNT_ID: [form(FORM_ID)], OTHER_ACCOUNT_ID: [form(BIG_FORM_ID, OTHER_ACCOUNT_ID)]}


def _owner_callback(by_account: dict[int, list[dict[str, t.Any]]]) -> t.Callable[..., t.Any]:
    def callback(request: t.Any) -> tuple[int, dict[str, str], str]:
        for account_id, elements in by_account.items():
            if f"sponsoredAccount%3A{account_id})" in request.url:
                return 200, {}, json.dumps(collection(elements, total=len(elements)))
        return 404, {}, json.dumps(not_found())

    return callback


def register_linkedin(mock: responses.RequestsMock) -> None:
    mock.add(responses.POST, TOKEN_URL, json=token_response())
    for account_id in (ACCOUNT_ID, OTHER_ACCOUNT_ID):
        mock.add(
            responses.GET,
            f"{API}/adAccounts/{account_id}/adCampaigns",
            json=cursor_page([campaign(account_id * 10, account_id)], None),
        )
    mock.add(
        responses.GET,
        f"{API}/adAccounts",
        json=cursor_page(
            [
                account(ACCOUNT_ID),
                account(
                    OTHER_ACCOUNT_ID,
                    test=True,
                    totalBudget={"amount": "1000.00", "currencyCode": "USD"},
                    totalBudgetEndsAt=1735689600000,
                ),
            ],
            None,
        ),
    )
    mock.add_callback(responses.GET, f"{API}/leadForms", callback=_owner_callback(FORMS))
    mock.add_callback(responses.GET, f"{API}/leadFormResponses", callback=_owner_callback(LEADS))


_SuiteBase = get_tap_test_class(
    TapLinkedInLeads,
    config={**BASE_CONFIG, "start_date": "2024-01-01T00:00:00Z"},
    suite_config=SuiteConfig(max_records_limit=None),
    parse_env_config=False,
)


class TestTapLinkedInLeadsOffline(_SuiteBase):  # type: ignore[misc, valid-type]
    """SDK suite: CLI, discovery, sync, schema conformance and primary keys."""

    @pytest.fixture(scope="class", autouse=True)
    @classmethod
    def linkedin(cls) -> t.Iterator[responses.RequestsMock]:
        # Class-scoped and autouse, so it is active before the suite's one shared sync.
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            register_linkedin(mock)
            yield mock
