"""OAuth token endpoint and the header checks every /rest call goes through."""

from __future__ import annotations

import pytest
import requests
from linkedin_sandbox import SandboxData, SandboxServer, ServerOptions
from sandbox_client import Api, account_owner


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_refresh_success_shape(fresh_api: Api) -> None:
    response = fresh_api.refresh()
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "access_token", "expires_in", "refresh_token", "refresh_token_expires_in", "scope"
    }  # fmt: skip
    assert body["expires_in"] == 5_184_000
    assert body["refresh_token"] == fresh_api.server.refresh_token  # not rotated
    assert 31_535_990 <= body["refresh_token_expires_in"] <= 31_536_000
    assert body["scope"] == "r_ads,r_marketing_leadgen_automation"
    fresh_api.token = body["access_token"]
    assert fresh_api.get("adAccounts", "q=search").status_code == 200


def test_refresh_token_lifetime_counts_down_from_creation(data: SandboxData) -> None:
    clock = FakeClock()
    with (
        SandboxServer(data, ServerOptions(refresh_token_ttl=20 * 86_400), clock=clock) as server,
        requests.Session() as session,
    ):
        api = Api(server, session)
        assert api.refresh().json()["refresh_token_expires_in"] == 20 * 86_400
        clock.now += 5 * 86_400  # refreshing does not extend the refresh token
        assert api.refresh().json()["refresh_token_expires_in"] == 15 * 86_400
        clock.now += 15 * 86_400
        expired = api.refresh()
    assert expired.status_code == 400
    assert expired.json()["error"] == "invalid_request"


def test_bad_refresh_token_default_body(fresh_api: Api) -> None:
    response = fresh_api.refresh(refresh_token="AQW-not-a-token")
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_request",
        "error_description": "The provided authorization grant or refresh token is invalid, "
        "expired or revoked",
    }


def test_bad_refresh_token_invalid_grant_style(
    data: SandboxData, session: requests.Session
) -> None:
    with SandboxServer(data, ServerOptions(refresh_error_style="invalid_grant")) as server:
        response = Api(server, session).refresh(refresh_token="nope")
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "Token has been expired or revoked.",
    }


def test_revoked_refresh_token(fresh_api: Api) -> None:
    fresh_api.server.revoke(fresh_api.server.refresh_token)
    assert fresh_api.refresh().status_code == 400


@pytest.mark.parametrize("field", ["client_id", "client_secret"])
def test_bad_client(fresh_api: Api, field: str) -> None:
    response = fresh_api.refresh(**{field: "wrong"})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_missing_parameter(fresh_api: Api) -> None:
    response = fresh_api.refresh(refresh_token="")
    assert response.status_code == 400
    assert response.json()["error_description"] == 'A required parameter "refresh_token" is missing'


def test_token_endpoint_wants_form_and_post(fresh_api: Api, session: requests.Session) -> None:
    url = f"{fresh_api.server.url}/oauth/v2/accessToken"
    as_json = session.post(url, json={"grant_type": "refresh_token"}, timeout=5)
    assert as_json.status_code == 400
    assert session.get(url, timeout=5).status_code == 405


def test_access_token_expires_after_ttl(data: SandboxData, session: requests.Session) -> None:
    clock = FakeClock()
    with SandboxServer(data, ServerOptions(access_token_ttl=60), clock=clock) as server:
        api = Api(server, session)
        api.token = api.refresh().json()["access_token"]
        assert api.get("adAccounts", "q=search").status_code == 200
        clock.now += 60
        response = api.get("adAccounts", "q=search")
    assert response.status_code == 401
    assert response.json() == {
        "status": 401,
        "serviceErrorCode": 65602,
        "code": "EXPIRED_ACCESS_TOKEN",
        "message": "The token used in the request has expired",
    }


def test_expire_access_tokens_then_refresh(fresh_api: Api) -> None:
    fresh_api.server.expire_access_tokens()
    assert fresh_api.get("adAccounts", "q=search").json()["serviceErrorCode"] == 65602
    fresh_api.token = fresh_api.refresh().json()["access_token"]
    assert fresh_api.get("adAccounts", "q=search").status_code == 200


def test_revoked_access_token(fresh_api: Api) -> None:
    fresh_api.server.revoke(fresh_api.token)
    body = fresh_api.get("adAccounts", "q=search").json()
    assert (body["status"], body["serviceErrorCode"], body["code"]) == (
        401, 65601, "REVOKED_ACCESS_TOKEN"
    )  # fmt: skip


def test_unknown_and_missing_token(api: Api) -> None:
    unknown = api.get("adAccounts", "q=search", Authorization="Bearer AQV-made-up")
    assert unknown.status_code == 401
    assert unknown.json() == {
        "status": 401,
        "serviceErrorCode": 65600,
        "code": "INVALID_ACCESS_TOKEN",
        "message": "Invalid access token",
    }
    missing = api.get("adAccounts", "q=search", Authorization=None)
    assert missing.status_code == 401
    assert missing.json()["code"] == "EMPTY_ACCESS_TOKEN"
    basic = api.get("adAccounts", "q=search", Authorization="Basic abc")
    assert basic.json()["serviceErrorCode"] == 65600


def test_sunset_version_gets_426(data: SandboxData, session: requests.Session) -> None:
    with SandboxServer(data, ServerOptions(live_versions=("202511", "202601"))) as server:
        api = Api(server, session)
        old = api.get("adAccounts", "q=search")
        api.version = "202601"
        current = api.get("adAccounts", "q=search")
        assert server.tap_config()["api_version"] == "202601"
    assert old.status_code == 426
    assert old.json() == {
        "status": 426,
        "code": "NONEXISTENT_VERSION",
        "message": "Requested version 20240101 is not active",
    }
    assert current.status_code == 200


def test_version_header_name_is_case_insensitive(api: Api) -> None:
    headers = api.headers(**{"LinkedIn-Version": None, "linkedin-version": "202401"})
    response = api.session.get(f"{api.server.url}/rest/adAccounts?q=search", headers=headers)
    assert response.status_code == 200


def test_missing_and_malformed_version(api: Api) -> None:
    missing = api.get("adAccounts", "q=search", **{"LinkedIn-Version": None})
    assert missing.status_code == 400
    assert missing.json()["code"] == "VERSION_MISSING"
    malformed = api.get("adAccounts", "q=search", **{"LinkedIn-Version": "2024-01"})
    assert malformed.status_code == 400


@pytest.mark.parametrize("value", [None, "1.0.0"])
def test_protocol_header_required(api: Api, value: str | None) -> None:
    response = api.get("adAccounts", "q=search", **{"X-Restli-Protocol-Version": value})
    assert response.status_code == 400
    assert "X-Restli-Protocol-Version: 2.0.0 is required" in response.json()["message"]


def test_unknown_path_and_method(api: Api) -> None:
    assert api.get("adCreatives", "q=search").status_code == 404
    assert api.get("leadForms/1/2").status_code == 404
    deleted = api.session.delete(
        f"{api.server.url}/rest/adAccounts", headers=api.headers(), timeout=5
    )
    assert deleted.status_code == 405
    assert api.session.get(f"{api.server.url}/v2/me", timeout=5).status_code == 404


def test_query_tunnelling(api: Api, data: SandboxData) -> None:
    query = f"q=owner&owner={account_owner(data.visible_account_ids[0])}&count=1"
    response = api.session.post(
        f"{api.server.url}/rest/leadForms",
        data=query,
        headers={
            **api.headers(),
            "X-HTTP-Method-Override": "GET",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        timeout=5,
    )
    assert response.status_code == 200
    assert len(response.json()["elements"]) == 1
    record = api.server.requests[-1]
    assert record.tunneled
    assert record.method == "GET"
    assert record.raw_query == query


def test_long_query_gets_414(api: Api) -> None:
    response = api.get("adAccounts", "q=search&x=" + "a" * 5000)
    assert response.status_code == 414
