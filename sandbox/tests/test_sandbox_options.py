"""Switches for the UNCONFIRMED behaviours, including runtime reconfiguration."""

from __future__ import annotations

import typing as t

import pytest
from linkedin_sandbox import SandboxData, SandboxServer, ServerOptions
from sandbox_client import Api, account_owner

if t.TYPE_CHECKING:
    import requests


def _leads_query(data: SandboxData, extra: str = "") -> str:
    return f"q=owner&owner={account_owner(data.visible_account_ids[0])}{extra}"


def test_reconfigure_at_runtime(fresh_api: Api, data: SandboxData) -> None:
    fresh_api.server.reconfigure(live_versions="202601")
    assert fresh_api.get("adAccounts", "q=search").status_code == 426
    fresh_api.server.reconfigure(live_versions=["202401"], require_protocol_header=False)
    response = fresh_api.get("adAccounts", "q=search", **{"X-Restli-Protocol-Version": None})
    assert response.status_code == 200
    fresh_api.server.reconfigure(require_lead_type=False, test_leads_default=True)
    body = fresh_api.get("leadFormResponses", _leads_query(data, "&count=100")).json()
    assert body["elements"]
    assert all(e["testLead"] and e["leadType"] == "SPONSORED" for e in body["elements"])


def test_live_versions_as_a_string(data: SandboxData, session: requests.Session) -> None:
    with SandboxServer(data, ServerOptions(live_versions="202401")) as server:
        assert server.options.live_versions == frozenset({"202401"})
        assert Api(server, session).get("adAccounts", "q=search").status_code == 200


def test_lenient_params(data: SandboxData, session: requests.Session) -> None:
    with SandboxServer(data, ServerOptions(strict_params=False)) as server:
        response = Api(server, session).get("adAccounts", "q=search&utm=1")
    assert response.status_code == 200


def test_search_with_page_token_can_be_rejected(
    data: SandboxData, session: requests.Session
) -> None:
    with SandboxServer(data, ServerOptions(reject_search_with_page_token=True)) as server:
        api = Api(server, session)
        query = "q=search&search=(test:false)&pageSize=1"
        token = api.get("adAccounts", query).json()["metadata"]["nextPageToken"]
        assert api.get("adAccounts", f"{query}&pageToken={token}").status_code == 400
        assert api.get("adAccounts", f"q=search&pageSize=1&pageToken={token}").status_code == 400


def test_max_time_range(data: SandboxData, session: requests.Session) -> None:
    day = 86_400_000
    with SandboxServer(data, ServerOptions(max_time_range_days=30)) as server:
        api = Api(server, session)
        base = _leads_query(data, "&leadType=(leadType:SPONSORED)")
        ok = api.get("leadFormResponses", f"{base}&submittedAtTimeRange=(start:0,end:{30 * day})")
        too_long = api.get(
            "leadFormResponses", f"{base}&submittedAtTimeRange=(start:0,end:{30 * day + 1})"
        )
        open_ended = api.get("leadFormResponses", f"{base}&submittedAtTimeRange=(start:0)")
    assert ok.status_code == 200
    assert too_long.status_code == 400
    assert open_ended.status_code == 400


def test_time_range_bounds(session: requests.Session) -> None:
    data = SandboxData.generate(seed=5, accounts=1, leads_per_form=5)  # it gains a lead
    account = data.visible_account_ids[0]
    moment = data.end_ms - 86_400_000
    lead = data.add_leads(1, submitted_at=moment, account_id=account)[0]
    base = _leads_query(data, "&leadType=(leadType:SPONSORED)&count=1000")

    def found(bounds: str, start: int, end: int) -> bool:
        with SandboxServer(data, ServerOptions(time_range_bounds=bounds)) as server:  # type: ignore[arg-type]
            query = f"{base}&submittedAtTimeRange=(start:{start},end:{end})"
            body = Api(server, session).get("leadFormResponses", query).json()
        return lead["id"] in {e["id"] for e in body["elements"]}

    # The lead sits exactly on the start bound, then exactly on the end bound.
    assert [found(b, moment, moment + 5) for b in ("[)", "[]", "(]", "()")] == [
        True, True, False, False
    ]  # fmt: skip
    assert [found(b, moment - 5, moment) for b in ("[)", "[]", "(]", "()")] == [
        False, True, True, False
    ]  # fmt: skip


def test_credentials_and_the_log_limit_cannot_change_while_serving(fresh_api: Api) -> None:
    with pytest.raises(ValueError, match="refresh_token, request_log_limit can only be set"):
        fresh_api.server.reconfigure(request_log_limit=5, refresh_token="new", count_max=5)
    assert fresh_api.server.options == ServerOptions(), "nothing changed"
