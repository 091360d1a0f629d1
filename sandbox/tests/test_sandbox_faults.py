"""Every fault kind, its schedule (at_call / times / every) and the CLI spec parser."""

from __future__ import annotations

import typing as t

import pytest
import requests
from linkedin_sandbox import Fault, SandboxData, SandboxServer
from linkedin_sandbox.faults import FaultPlan
from sandbox_client import Api, account_owner


@pytest.fixture
def faulty(data: SandboxData, session: requests.Session) -> t.Iterator[Api]:
    """An API client on a server with no faults yet; tests add them."""
    server = SandboxServer(data).start()
    yield Api(server, session)
    server.stop()


def _forms(api: Api) -> requests.Response:
    owner = account_owner(api.server.data.visible_account_ids[0])
    return api.get("leadForms", f"q=owner&owner={owner}")


def test_rate_limit_with_retry_after(faulty: Api) -> None:
    faulty.server.add_fault(
        Fault("rate_limit", endpoint="leadForms", at_call=2, times=2, retry_after=3)
    )
    statuses = []
    for _ in range(4):
        response = _forms(faulty)
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert response.headers["Retry-After"] == "3"
            assert response.json()["serviceErrorCode"] == 101
    assert statuses == [200, 429, 429, 200]
    assert faulty.get("adAccounts", "q=search").status_code == 200  # other endpoint untouched


def test_rate_limit_without_header(faulty: Api) -> None:
    faulty.server.add_fault(Fault("rate_limit_no_header"))
    response = faulty.get("adAccounts", "q=search")
    assert response.status_code == 429
    assert "Retry-After" not in response.headers


def test_daily_limit_persists_until_cleared(faulty: Api) -> None:
    faulty.server.add_fault(Fault("daily_limit", endpoint="leadForms", at_call=2))
    assert _forms(faulty).status_code == 200
    for _ in range(3):
        response = _forms(faulty)
        assert response.status_code == 429
        assert response.json() == {
            "status": 429,
            "serviceErrorCode": 101,
            "code": "TOO_MANY_REQUESTS",
            "message": "Resource level throttle APPLICATION AND MEMBER DAY limit for calls "
            "to this resource is reached.",
        }
    faulty.server.clear_faults("daily_limit")
    assert _forms(faulty).status_code == 200


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors(faulty: Api, status: int) -> None:
    faulty.server.add_fault(Fault("server_error", status=status))
    response = faulty.get("adAccounts", "q=search")
    assert response.status_code == status
    assert response.headers["X-Restli-Gateway-Error"] == "true"
    assert faulty.get("adAccounts", "q=search").status_code == 200


def test_every_nth_call(faulty: Api) -> None:
    faulty.server.add_fault(Fault("server_error", endpoint="adAccounts", at_call=2, every=3))
    statuses = [faulty.get("adAccounts", "q=search").status_code for _ in range(8)]
    assert statuses == [200, 500, 200, 200, 500, 200, 200, 500]


def test_drop_connection(faulty: Api) -> None:
    faulty.server.add_fault(Fault("drop_connection", endpoint="adAccounts"))
    with pytest.raises(requests.exceptions.ConnectionError):
        faulty.get("adAccounts", "q=search")
    assert faulty.get("adAccounts", "q=search").status_code == 200
    assert faulty.server.requests[0].status is None
    assert faulty.server.requests[0].fault == "drop_connection"


def test_truncated_body_with_matching_length(faulty: Api) -> None:
    faulty.server.add_fault(Fault("truncated_body", endpoint="adAccounts"))
    response = faulty.get("adAccounts", "q=search")
    assert response.status_code == 200
    assert int(response.headers["Content-Length"]) == len(response.content)
    with pytest.raises(requests.exceptions.JSONDecodeError):
        response.json()
    assert faulty.get("adAccounts", "q=search").json()["elements"]


def test_truncated_body_with_full_length(faulty: Api) -> None:
    faulty.server.add_fault(Fault("truncated_body", endpoint="adAccounts", full_length=True))
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        faulty.get("adAccounts", "q=search")
    assert faulty.get("adAccounts", "q=search").status_code == 200


def test_slow_answer_causes_read_timeout(faulty: Api) -> None:
    faulty.server.add_fault(Fault("slow", endpoint="adAccounts", seconds=1.0))
    with pytest.raises(requests.exceptions.ReadTimeout):
        faulty.get("adAccounts", "q=search", timeout=0.2)
    assert faulty.get("adAccounts", "q=search", timeout=5).status_code == 200


def test_expire_token_until_refresh(faulty: Api) -> None:
    faulty.server.add_fault(Fault("expire_token", endpoint="leadForms", at_call=2))
    assert _forms(faulty).status_code == 200
    for _ in range(2):
        response = _forms(faulty)
        assert response.status_code == 401
        assert response.json()["code"] == "EXPIRED_ACCESS_TOKEN"
    faulty.token = faulty.refresh().json()["access_token"]
    assert _forms(faulty).status_code == 200


def test_forbid_account(faulty: Api, data: SandboxData) -> None:
    account = data.visible_account_ids[0]
    faulty.server.add_fault(Fault("forbid_account", account_id=account))
    leads = faulty.get(
        "leadFormResponses",
        f"q=owner&owner={account_owner(account)}&leadType=(leadType:SPONSORED)",
    )
    assert leads.status_code == 403
    assert faulty.get(f"adAccounts/{account}").status_code == 403
    listed = faulty.get("adAccounts", "q=search").json()["elements"]
    assert account not in [a["id"] for a in listed]
    faulty.server.clear_faults()
    assert faulty.get(f"adAccounts/{account}").status_code == 200


def test_token_endpoint_faults(faulty: Api) -> None:
    faulty.server.add_fault(Fault("server_error", endpoint="token", status=503))
    assert faulty.refresh().status_code == 503
    assert faulty.refresh().status_code == 200


def test_faults_from_the_constructor(data: SandboxData, session: requests.Session) -> None:
    fault = Fault("rate_limit", endpoint="adAccounts", at_call=1)
    with SandboxServer(data, faults=[fault]) as server:
        api = Api(server, session)
        assert api.get("adAccounts", "q=search").status_code == 429
        assert server.faults == [fault]
        assert server.request_count("adAccounts", status=429) == 1


def test_parse_cli_spec() -> None:
    fault = Fault.parse("rate_limit:endpoint=leadFormResponses,at_call=2,times=2,retry_after=1")
    assert fault == Fault(
        "rate_limit", endpoint="leadFormResponses", at_call=2, times=2, retry_after=1
    )
    assert Fault.parse("drop_connection") == Fault("drop_connection")
    assert Fault.parse("truncated_body:full_length=true").full_length is True
    assert Fault.parse("slow:seconds=0.5,every=2").seconds == 0.5
    assert Fault.parse("forbid_account:account_id=512345678").account_id == 512345678
    assert Fault.parse("server_error:status=502,endpoint=none").endpoint is None


@pytest.mark.parametrize(
    "spec",
    [
        "explode",
        "rate_limit:when=2",
        "rate_limit:at_call",
        "rate_limit:at_call=0",
        "server_error:status=404",
        "truncated_body:full_length=maybe",
        "forbid_account",
        "rate_limit:endpoint=adCreatives",
    ],
)
def test_parse_rejects_bad_specs(spec: str) -> None:
    with pytest.raises(ValueError):
        Fault.parse(spec)


def test_fault_plan_counts_per_fault() -> None:
    plan = FaultPlan(
        [Fault("server_error", endpoint="leadForms", at_call=2), Fault("rate_limit", at_call=3)]
    )
    fired = [plan.evaluate("leadForms").response for _ in range(3)]
    assert [f.kind if f else None for f in fired] == [None, "server_error", "rate_limit"]
    assert plan.evaluate("token").response is None
