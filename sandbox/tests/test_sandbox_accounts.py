"""adAccounts search (cursor pagination), single get, and the campaigns finder."""

from __future__ import annotations

import typing as t
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest

if TYPE_CHECKING:
    from linkedin_sandbox import SandboxData
    from sandbox_client import Api


def _walk(api: Api, path: str, query: str) -> list[list[dict[str, t.Any]]]:
    pages = []
    token = None
    while True:
        suffix = f"&pageToken={token}" if token else ""
        response = api.get(path, query + suffix)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(body["elements"])
        token = body["metadata"].get("nextPageToken")
        if not token:
            return pages


def test_search_pages_with_cursor(api: Api, data: SandboxData) -> None:
    pages = _walk(api, "adAccounts", "q=search&pageSize=1")
    assert [len(p) for p in pages] == [1, 1, 1]
    assert [p[0] for p in pages] == sorted(data.accounts, key=lambda a: a["id"])


def test_search_without_criteria_returns_visible_accounts_only(api: Api, data: SandboxData) -> None:
    body = api.get("adAccounts", "q=search").json()
    ids = [a["id"] for a in body["elements"]]
    assert sorted(ids) == sorted(data.visible_account_ids)
    assert not set(ids) & set(data.forbidden_account_ids)
    assert body["metadata"] == {}


def test_search_criteria(api: Api, data: SandboxData) -> None:
    active = api.get("adAccounts", "q=search&search=(status:(values:List(ACTIVE)))").json()
    assert {a["status"] for a in active["elements"]} == {"ACTIVE"}
    assert len(active["elements"]) == 2
    real = api.get("adAccounts", "q=search&search=(test:false)").json()["elements"]
    assert all(not a["test"] for a in real)
    assert len(real) == 2
    wanted = data.visible_account_ids[1:]
    urns = ",".join(quote(f"urn:li:sponsoredAccount:{i}", safe="") for i in wanted)
    by_id = api.get("adAccounts", f"q=search&search=(id:(values:List({urns})))").json()
    assert sorted(a["id"] for a in by_id["elements"]) == sorted(wanted)
    combined = api.get(
        "adAccounts", "q=search&search=(status:(values:List(ACTIVE,CANCELED)),test:false)"
    ).json()
    assert len(combined["elements"]) == 2


def test_account_roles(data: SandboxData) -> None:
    assert [a["test"] for a in data.accounts] == [False, True, False]
    assert [a["status"] for a in data.accounts] == ["ACTIVE", "ACTIVE", "CANCELED"]
    for account in data.accounts + data.forbidden_accounts:
        assert 500_000_000 <= account["id"] <= 599_999_999
        assert account["reference"].startswith("urn:li:organization:")
        assert account["version"]["versionTag"]
        assert set(account["changeAuditStamps"]) == {"created", "lastModified"}
    assert any("totalBudget" in a for a in data.accounts)


def test_search_rejects_bad_input(api: Api) -> None:
    assert api.get("adAccounts", "q=search&pageSize=1001").status_code == 400
    assert api.get("adAccounts", "q=search&pageToken=garbage").status_code == 400
    assert api.get("adAccounts", "q=search&search=(colour:red)").status_code == 400
    encoded = api.get("adAccounts", "q=search&search=%28test%3Afalse%29")
    assert encoded.status_code == 400
    assert api.get("adAccounts", "q=lookup").status_code == 400
    assert api.get("adAccounts", "q=search&count=10").status_code == 400  # not a cursor param


def test_page_token_is_bound_to_its_query(api: Api) -> None:
    token = api.get("adAccounts", "q=search&pageSize=1").json()["metadata"]["nextPageToken"]
    other = api.get("adAccounts", f"q=search&search=(test:false)&pageSize=1&pageToken={token}")
    assert other.status_code == 400


def test_get_single_account(api: Api, data: SandboxData) -> None:
    account = data.accounts[0]
    assert api.get(f"adAccounts/{account['id']}").json() == account
    assert api.get("adAccounts/500000000").status_code == 404
    forbidden = api.get(f"adAccounts/{data.forbidden_account_ids[0]}")
    assert forbidden.status_code == 403
    assert forbidden.json() == {
        "status": 403,
        "serviceErrorCode": 100,
        "code": "ACCESS_DENIED",
        "message": "Not enough permissions to access: adAccounts.GET.20240101",
    }


def test_projection_on_accounts(api: Api) -> None:
    body = api.get("adAccounts", "q=search&fields=id,name,nonsense").json()
    assert all(set(a) == {"id", "name"} for a in body["elements"])


def test_campaigns(api: Api, data: SandboxData) -> None:
    account_id = data.visible_account_ids[0]
    pages = _walk(api, f"adAccounts/{account_id}/adCampaigns", "q=search&pageSize=2")
    campaigns = [c for page in pages for c in page]
    expected = [
        c for c in data.campaigns if c["account"] == f"urn:li:sponsoredAccount:{account_id}"
    ]
    assert sorted(campaigns, key=lambda c: c["id"]) == sorted(expected, key=lambda c: c["id"])
    assert len(pages) == 2
    for campaign in campaigns:
        assert {"id", "name", "campaignGroup", "status", "type", "account"} <= set(campaign)
        assert campaign["campaignGroup"].startswith("urn:li:sponsoredCampaignGroup:")
    active = api.get(
        f"adAccounts/{account_id}/adCampaigns", "q=search&search=(status:(values:List(ACTIVE)))"
    ).json()["elements"]
    assert active
    assert all(c["status"] == "ACTIVE" for c in active)
    one = campaigns[0]
    assert api.get(f"adAccounts/{account_id}/adCampaigns/{one['id']}").json() == one


@pytest.mark.parametrize("which", ["forbidden", "unknown"])
def test_campaigns_of_unreadable_account(api: Api, data: SandboxData, which: str) -> None:
    account_id = data.forbidden_account_ids[0] if which == "forbidden" else 500_000_001
    response = api.get(f"adAccounts/{account_id}/adCampaigns", "q=search")
    assert response.status_code == (403 if which == "forbidden" else 404)
