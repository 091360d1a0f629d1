"""Campaign names are remembered by JSON integer ids only; every campaign passes through."""

from __future__ import annotations

import typing as t

from tap_linkedin_leads.campaign_names import CampaignNames
from tests.linkedin_payloads import ACCOUNT_ID, campaign


def _no_search(account_id: int) -> t.Iterable[t.Mapping[str, t.Any]]:
    msg = f"account {account_id}'s campaigns were collected: no search is needed"
    raise AssertionError(msg)


def test_only_campaigns_with_an_integer_id_are_named() -> None:
    names = CampaignNames(search=_no_search)
    campaigns = [
        {**campaign(1), "id": True, "name": "A boolean id"},
        {**campaign(2), "id": "2", "name": "A string id"},
        {**campaign(3), "name": "Three"},
        {**campaign(4), "name": 4},
    ]

    passed = list(names.collect(ACCOUNT_ID, campaigns))

    assert passed == campaigns
    assert [names.name_of(ACCOUNT_ID, n) for n in (1, 2, 3, 4)] == [None, None, "Three", None]
