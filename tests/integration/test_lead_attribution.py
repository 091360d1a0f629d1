"""``lead_urn`` and ``campaign_name`` on every lead, at no call per lead, over real HTTP."""

from __future__ import annotations

import typing as t

import pytest
from linkedin_sandbox import SandboxData
from linkedin_sandbox.oracle import expected_lead_ids

from tap_linkedin_leads.tap import TapLinkedInLeads
from tests.conftest import run_tap

if t.TYPE_CHECKING:
    from linkedin_sandbox import SandboxServer

LEADS = "lead_form_responses"


def _catalog(
    config: dict[str, t.Any], *, streams: set[str], dropped: str | None = None
) -> dict[str, t.Any]:
    """The discovered catalog with only ``streams`` selected and ``dropped`` left out of leads."""
    catalog = TapLinkedInLeads(config=config, parse_env_config=False).catalog_dict
    for entry in catalog["streams"]:
        for item in entry["metadata"]:
            if item["breadcrumb"] == []:
                item["metadata"]["selected"] = entry["tap_stream_id"] in streams
            elif entry["tap_stream_id"] == LEADS and item["breadcrumb"] == ["properties", dropped]:
                item["metadata"]["selected"] = False
    return catalog


def _campaign_searches(server: SandboxServer) -> dict[str, int]:
    """Campaign search calls per ad account id (path segment)."""
    counts: dict[str, int] = {}
    for request in server.requests:
        if request.endpoint == "adCampaigns":
            account = request.path.split("/")[3]
            counts[account] = counts.get(account, 0) + 1
    return counts


@pytest.fixture
def server(sandbox: t.Any) -> SandboxServer:
    # Over 100 campaigns per account, so each account's search takes two pages.
    data = SandboxData.generate(seed=13, accounts=3, organizations=1, campaigns_per_account=120)
    return t.cast("SandboxServer", sandbox(data))


def _config(server: SandboxServer) -> dict[str, t.Any]:
    return {**server.tap_config(), "organization_ids": server.data.organization_ids}


def _assert_attributed(server: SandboxServer, leads: list[dict[str, t.Any]]) -> None:
    names = {c["id"]: c["name"] for c in server.data.campaigns}
    sponsored = [lead for lead in leads if lead["account_id"] is not None]
    assert {lead["id"] for lead in sponsored} == expected_lead_ids(server.data)
    assert any(lead["organization_id"] is not None for lead in leads), "organic leads too"
    for lead in leads:
        assert lead["lead_urn"] == f"urn:li:leadGenFormResponse:{lead['id']}"
        if lead["account_id"] is None:
            assert lead["campaign_name"] is None  # organic leads have no campaign
        else:
            assert lead["campaign_name"] == names[lead["campaign_id"]]
            assert lead["campaign_name"]


def test_campaign_names_come_from_the_campaigns_stream(server: SandboxServer) -> None:
    output = run_tap(_config(server))

    _assert_attributed(server, output.records(LEADS))
    assert output.records("campaigns"), "the campaigns stream is synced"
    searches = _campaign_searches(server)
    assert sorted(searches) == sorted(str(a) for a in server.data.visible_account_ids)
    assert set(searches.values()) == {2}, "one two-page search per account, none per lead"


def test_campaigns_not_selected_one_search_per_account(server: SandboxServer) -> None:
    config = _config(server)

    output = run_tap(config, catalog=_catalog(config, streams={LEADS}))

    assert output.records("campaigns") == []
    _assert_attributed(server, output.records(LEADS))
    searches = _campaign_searches(server)
    assert sorted(searches) == sorted(str(a) for a in server.data.visible_account_ids)
    assert set(searches.values()) == {2}


def test_campaign_name_deselected_costs_no_campaign_search(server: SandboxServer) -> None:
    config = _config(server)

    output = run_tap(config, catalog=_catalog(config, streams={LEADS}, dropped="campaign_name"))

    leads = output.records(LEADS)
    assert {lead["id"] for lead in leads if lead["account_id"]} == expected_lead_ids(server.data)
    assert all("campaign_name" not in lead and lead["lead_urn"] for lead in leads)
    assert _campaign_searches(server) == {}
