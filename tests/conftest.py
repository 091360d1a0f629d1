"""Shared helpers: run the tap in-process and read back its Singer messages."""

from __future__ import annotations

import io
import json
import re
import typing as t
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest
import responses

from tap_linkedin_leads.tap import TapLinkedInLeads
from tests.linkedin_payloads import token_response

if t.TYPE_CHECKING:
    import datetime

API = "https://api.linkedin.com/rest"
TOKEN_URL = "https://www.linkedin.com/oauth/v2/accessToken"

SECRETS = {
    "client_id": "client-id-123",
    "client_secret": "client-secret-xyz-SECRET",
    "refresh_token": "AQW-refresh-secret",
}

BASE_CONFIG: dict[str, t.Any] = {
    **SECRETS,
    "start_date": "2024-01-01T00:00:00Z",
    "end_date": "2024-02-01T00:00:00Z",
    "retry_backoff_seconds": 0,
}
#: One request at a time, for the tests of a single request's retries and waits and for
#: mocks that answer in call order across endpoints; with requests in flight together,
#: the order of calls to different endpoints is not fixed (the output is).
SERIAL = {"max_parallel_requests": 1}


@dataclass
class SyncOutput:
    messages: list[dict[str, t.Any]] = field(default_factory=list)

    def records(self, stream: str) -> list[dict[str, t.Any]]:
        return [
            m["record"] for m in self.messages if m["type"] == "RECORD" and m["stream"] == stream
        ]

    @property
    def states(self) -> list[dict[str, t.Any]]:
        return [m["value"] for m in self.messages if m["type"] == "STATE"]

    @property
    def last_state(self) -> dict[str, t.Any]:
        return self.states[-1]


def run_tap(
    config: dict[str, t.Any],
    *,
    state: dict[str, t.Any] | None = None,
    catalog: dict[str, t.Any] | None = None,
    now: datetime.datetime | None = None,
) -> SyncOutput:
    """Sync in-process and parse every Singer message written to stdout."""
    tap = TapLinkedInLeads(
        config=config, state=state, catalog=catalog, parse_env_config=False, now=now
    )
    with capture_stdout() as output:
        tap.sync_all()
    return SyncOutput(parse_messages(output.getvalue()))


class capture_stdout:  # noqa: N801 - used like contextlib's redirect_stdout
    """Redirect stdout, bytes included (the msgspec writer writes to ``sys.stdout.buffer``)."""

    def __enter__(self) -> io.BytesIO:
        self._bytes = io.BytesIO()
        self._text = io.TextIOWrapper(self._bytes, encoding="utf-8", write_through=True)
        self._redirect = redirect_stdout(self._text)
        self._redirect.__enter__()
        return self._bytes

    def __exit__(self, *exc: object) -> None:
        self._redirect.__exit__(*exc)  # type: ignore[arg-type]
        self._text.flush()
        self._text.detach()


def parse_messages(output: bytes) -> list[dict[str, t.Any]]:
    return [json.loads(line) for line in output.decode().splitlines() if line.strip()]


LEADS_STREAM = "lead_form_responses"


def lead_bookmark(context: dict[str, t.Any], value: object, **fields: t.Any) -> dict[str, t.Any]:
    """A lead_form_responses partition: the owner ``context`` names, bookmarked at ``value``.

    ``fields`` add keys or replace the usual ones (``replication_key="submittedAt"``).
    """
    return {
        "context": context,
        "replication_key": "submitted_at",
        "replication_key_value": value,
        **fields,
    }


def state_with_partitions(
    *partitions: dict[str, t.Any], stream: str = LEADS_STREAM
) -> dict[str, t.Any]:
    """A Singer STATE whose only stream, ``stream``, holds ``partitions``."""
    return {"bookmarks": {stream: {"partitions": list(partitions)}}}


def lead_partitions(state: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    """The lead_form_responses partitions of a STATE (``KeyError`` if it has none)."""
    partitions: list[dict[str, t.Any]] = state["bookmarks"][LEADS_STREAM]["partitions"]
    return partitions


CAMPAIGNS_URL = re.compile(re.escape(API) + r"/adAccounts/\d+/adCampaigns")


@pytest.fixture
def api() -> t.Iterator[responses.RequestsMock]:
    """A ``responses`` mock that fails the test on any unregistered request."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def empty_campaigns(mock: responses.RequestsMock) -> None:
    mock.add(responses.GET, CAMPAIGNS_URL, json={"elements": [], "metadata": {}})


def token_endpoint(mock: responses.RequestsMock, body: dict[str, t.Any] | None = None) -> None:
    """The token endpoint alone, for tests that answer every API call themselves."""
    mock.add(responses.POST, TOKEN_URL, json=body or token_response())


def add_token_and_no_campaigns(
    mock: responses.RequestsMock, body: dict[str, t.Any] | None = None
) -> None:
    """The token endpoint, and an empty campaigns endpoint most tests do not care about."""
    token_endpoint(mock, body)
    empty_campaigns(mock)


def calls_to(mock: responses.RequestsMock, path: str) -> list[t.Any]:
    """Calls to ``path`` or to one entity below it (``/adAccounts/5``, not its sub-resources)."""
    api_path = urlparse(API).path
    depth = path.count("/") + 1
    result = []
    for call in mock.calls:
        call_path = urlparse(call.request.url).path.removeprefix(api_path)
        entity = call_path.startswith(path + "/") and call_path.count("/") == depth
        if call_path == path or entity:
            result.append(call)
    return result
