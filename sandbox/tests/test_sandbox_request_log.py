"""The request log: raw queries as sent, parsed queries, and no secrets anywhere."""

from __future__ import annotations

import logging
import typing as t

from linkedin_sandbox import SandboxData, SandboxServer, ServerOptions
from sandbox_client import Api, account_owner

if t.TYPE_CHECKING:
    import pytest
    import requests


def test_raw_query_is_recorded_exactly(fresh_api: Api, data: SandboxData) -> None:
    owner = account_owner(data.visible_account_ids[0])
    query = (
        f"q=owner&owner={owner}&leadType=(leadType:SPONSORED)&limitedToTestLeads=false"
        "&submittedAtTimeRange=(start:1,end:2)&count=5&start=0"
    )
    response = fresh_api.get("leadFormResponses", query)
    record = fresh_api.server.requests[-1]
    assert record.raw_query == query
    assert record.response_bytes == len(response.content) > 0
    assert record.method == "GET"
    assert record.path == "/rest/leadFormResponses"
    assert record.endpoint == "leadFormResponses"
    assert record.status == 200
    assert record.query["owner"] == {
        "sponsoredAccount": f"urn:li:sponsoredAccount:{data.visible_account_ids[0]}"
    }
    assert record.query["submittedAtTimeRange"] == {"start": "1", "end": "2"}
    assert record["status"] == 200
    assert record.header("linkedin-version") == "202401"
    assert record.to_dict()["endpoint"] == "leadFormResponses"


def test_unparseable_query_is_still_logged(fresh_api: Api) -> None:
    fresh_api.get("leadForms", "q=owner&owner=(sponsoredAccount:urn:li:x:1)")
    record = fresh_api.server.requests[-1]
    assert record.status == 400
    assert record.query == {}
    assert record.raw_query == "q=owner&owner=(sponsoredAccount:urn:li:x:1)"


def test_no_secret_reaches_the_log(
    data: SandboxData, caplog: pytest.LogCaptureFixture, session: requests.Session
) -> None:
    with (
        caplog.at_level(logging.DEBUG, logger="linkedin_sandbox"),
        SandboxServer(data) as server,
    ):
        api = Api(server, session)
        token = api.refresh().json()["access_token"]
        api.token = token
        api.get("adAccounts", "q=search")
        api.get("adAccounts", f"q=search&oauth2_access_token={token}")
        records = server.requests
        secrets = [token, server.refresh_token, server.tokens.client_secret, api.token]
    token_call = records[0]
    assert token_call.endpoint == "token"
    assert token_call.body == {
        "grant_type": "refresh_token",
        "refresh_token": "<redacted>",
        "client_id": "sandbox-client-id",
        "client_secret": "<redacted>",
    }
    assert records[1].headers["Authorization"] == "Bearer <redacted>"
    assert records[2].raw_query == "q=search&oauth2_access_token=<redacted>"
    dumped = repr(records) + caplog.text
    assert "GET /rest/adAccounts?q=search -> 200" in caplog.text
    for secret in secrets:
        assert secret not in dumped


def test_request_count_and_clear(fresh_api: Api) -> None:
    fresh_api.get("adAccounts", "q=search")
    fresh_api.get("adAccounts", "q=search&pageSize=9999")
    fresh_api.refresh()
    server = fresh_api.server
    assert server.request_count() == 3
    assert server.request_count("adAccounts") == 2
    assert server.request_count("adAccounts", status=400) == 1
    assert server.request_count("token", method="POST") == 1
    server.clear_requests()
    assert server.requests == []


def test_log_limit(data: SandboxData, session: requests.Session) -> None:
    with SandboxServer(data, ServerOptions(request_log_limit=2)) as server:
        api = Api(server, session)
        for size in (1, 2, 3):
            api.get("adAccounts", f"q=search&pageSize={size}")
        assert [r.raw_query for r in server.requests] == [
            "q=search&pageSize=2",
            "q=search&pageSize=3",
        ]
