"""Requests in flight together, over loopback HTTP: the same output, shared faults.

The tap runs as its own process against the sandbox. With ``max_parallel_requests`` above
1 it must write exactly what a one-at-a-time run writes, and faults that concern every
request (a ``Retry-After``, an expired token, a retired version) must be handled once for
all of them.
"""

from __future__ import annotations

import json
import typing as t

import pytest
from linkedin_sandbox import Fault, SandboxData, ShortPagePlan
from linkedin_sandbox.oracle import expected_lead_ids

from tests.integration.conftest import run_cli

if t.TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from linkedin_sandbox import SandboxServer

    StartSandbox = Callable[..., SandboxServer]

#: Small pages: every owner has several, so later pages are sent ahead too.
PAGE_SIZE = 10


@pytest.fixture(scope="module")
def data() -> SandboxData:
    """Many owners: 12 ad accounts (one forbidden) and 2 organizations."""
    return SandboxData.generate(seed=21, accounts=12, organizations=2, leads_per_form=25)


#: Seconds each answer takes where a test needs requests to overlap on the server.
SLOW = 0.05


def _most_started_together(server: SandboxServer, answer_seconds: float) -> int:
    """The most API requests the sandbox started while one slow answer was being handled.

    One request at a time gives 1: each starts after the previous answer ended.
    """
    starts = sorted(r.timestamp for r in server.requests if r.endpoint != "token")
    window = answer_seconds * 0.95
    return max(sum(1 for other in starts if start <= other < start + window) for start in starts)


def _without_times(messages: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    """Messages without ``time_extracted``, the one field that differs from run to run."""
    return [{k: v for k, v in m.items() if k != "time_extracted"} for m in messages]


@pytest.mark.parametrize("test_leads", ["exclude", "include"])
def test_records_and_state_are_the_same_with_1_and_with_8_requests_in_flight(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData, test_leads: str
) -> None:
    # Short pages and an empty second page mid-stream, so the pages sent ahead meet what
    # a client must not trip over; organizations bring three lead types each.
    server = sandbox(data, short_pages=ShortPagePlan(empty_page=True))
    config = {
        **server.tap_config(),
        "page_size": PAGE_SIZE,
        "organization_ids": data.organization_ids,
        "test_leads": test_leads,
    }

    serial = run_cli(tmp_path, {**config, "max_parallel_requests": 1})
    # Slow answers for the parallel run only, so its log shows requests really were in
    # flight together (answers are the same, only later).
    server.clear_requests()
    server.add_fault(Fault("slow", endpoint="api", every=1, seconds=SLOW))
    parallel = run_cli(tmp_path, {**config, "max_parallel_requests": 8})
    server.clear_faults()

    assert serial.returncode == 0, serial.stderr[-2000:]
    assert parallel.returncode == 0, parallel.stderr[-2000:]
    assert _most_started_together(server, SLOW) > 1, "the parallel run sent requests ahead"
    assert len(serial.lead_ids()) > 5 * PAGE_SIZE
    assert _without_times(parallel.messages) == _without_times(serial.messages)

    # The next (incremental) run from that STATE is the same too.
    again_serial = run_cli(
        tmp_path, {**config, "max_parallel_requests": 1}, state=serial.last_state
    )
    again_parallel = run_cli(
        tmp_path, {**config, "max_parallel_requests": 8}, state=parallel.last_state
    )
    assert again_serial.returncode == again_parallel.returncode == 0
    assert _without_times(again_parallel.messages) == _without_times(again_serial.messages)


def test_requests_are_in_flight_together_and_no_more_than_asked(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData
) -> None:
    # Each answer takes 0.2 s; the sandbox logs when it started handling each request.
    server = sandbox(data, faults=[Fault("slow", endpoint="api", every=1, seconds=0.2)])
    config = {**server.tap_config(), "page_size": PAGE_SIZE, "max_parallel_requests": 3}

    run = run_cli(tmp_path, config)

    assert run.returncode == 0, run.stderr[-2000:]
    assert set(run.lead_ids()) == expected_lead_ids(data)
    assert _most_started_together(server, 0.2) == 3


def test_a_retry_after_pauses_every_request_not_only_the_one_that_met_it(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData
) -> None:
    server = sandbox(
        data,
        faults=[Fault("rate_limit", endpoint="leadFormResponses", at_call=4, retry_after=1)],
    )
    config = {**server.tap_config(), "page_size": PAGE_SIZE, "max_parallel_requests": 8}

    run = run_cli(tmp_path, config)

    assert run.returncode == 0, run.stderr[-2000:]
    assert set(run.lead_ids()) == expected_lead_ids(data)
    log = [r for r in server.requests if r.endpoint != "token"]
    (limited,) = [r for r in log if r.fault == "rate_limit"]
    # Requests already on their way when the 429 was answered may still arrive just after
    # it; from then until the second has passed, nothing is sent.
    in_flight_margin = 0.05
    during = [
        r
        for r in log
        if limited.timestamp + in_flight_margin < r.timestamp < limited.timestamp + 0.98
    ]
    after = [r for r in log if r.timestamp >= limited.timestamp + 0.98]
    assert during == []
    # Plenty of work was left, so unpaused workers would have sent requests meanwhile.
    assert len(after) >= 8 + 1
    retried = [r for r in after if (r.path, r.raw_query) == (limited.path, limited.raw_query)]
    assert len(retried) == 1


def test_tokens_expiring_under_several_requests_at_once_are_refreshed_once(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData
) -> None:
    # Slow answers keep several requests in flight with the old token when it expires.
    server = sandbox(
        data,
        faults=[
            Fault("slow", endpoint="api", every=1, seconds=0.2),
            Fault("expire_token", endpoint="api", at_call=15),
        ],
    )
    config = {**server.tap_config(), "page_size": PAGE_SIZE, "max_parallel_requests": 8}

    run = run_cli(tmp_path, config)

    assert run.returncode == 0, run.stderr[-2000:]
    assert set(run.lead_ids()) == expected_lead_ids(data)
    rejected = server.request_count(status=401)
    assert rejected >= 2, "several requests met the expired token"
    assert server.request_count("token") == 2, "the first token, and one refresh"
    assert run.stderr.count("refreshing it once") == 1


def test_a_retired_version_stops_the_run_once_with_one_message(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData
) -> None:
    server = sandbox(data, live_versions=frozenset({"202510"}))
    config = {
        **server.tap_config(),
        "api_version": "202401",
        "account_ids": data.visible_account_ids,
        "max_parallel_requests": 8,
    }

    run = run_cli(tmp_path, config)

    assert run.returncode != 0
    errors = [line for line in run.stderr.splitlines() if "no longer serves" in line]
    assert len(errors) == 1, run.stderr[-3000:]
    assert "Traceback" not in run.stderr
    assert run.lead_ids() == []
    # Only what was already in flight when the first 426 came back was sent.
    assert server.request_count(status=426) <= 8


def test_every_attempt_writes_one_request_duration_metric_whichever_thread_sent_it(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData
) -> None:
    server = sandbox(
        data, faults=[Fault("server_error", endpoint="leadFormResponses", at_call=3, status=500)]
    )
    config = {**server.tap_config(), "page_size": PAGE_SIZE, "retry_backoff_seconds": 0}

    run = run_cli(tmp_path, config)

    assert run.returncode == 0, run.stderr[-2000:]
    metrics = [
        json.loads(line.split("METRIC: ", 1)[1])
        for line in run.stderr.splitlines()
        if "METRIC: " in line and '"http_request_duration"' in line
    ]
    sent = [r for r in server.requests if r.endpoint != "token"]
    assert len(metrics) == len(sent)
    (failed,) = [m["tags"] for m in metrics if m["tags"]["status"] == "failed"]
    assert failed["stream"] == "lead_form_responses"
    assert failed["http_status_code"] == 500
    assert "account_id" in failed["context"]
