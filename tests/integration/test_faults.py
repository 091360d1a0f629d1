"""Faults on the wire: every one is survived with the result of a clean run, or stops clearly.

Each test runs the tap as its own process (``python -m tap_linkedin_leads``) over loopback
HTTP against the sandbox, with faults scheduled by the sandbox (``Fault``). Retries are timed
from the sandbox's request log, so a test proves the wait happened between the two requests,
not only that the tap said it would wait.
"""

from __future__ import annotations

import collections
import itertools
import json
import queue
import re
import subprocess
import sys
import threading
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from linkedin_sandbox import Fault, RecordedRequest, SandboxData, SandboxServer
from linkedin_sandbox.oracle import expected_lead_ids

from tap_linkedin_leads.errors import LEAD_SYNC_PERMISSIONS, DailyLimitError
from tests.integration.conftest import CliRun, run_cli

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    StartSandbox = Callable[..., SandboxServer]

#: Small pages, so the lead finder is called often (22 calls for this data) and faults land
#: in the middle of an account's pages.
PAGE_SIZE = 10
BACKOFF = 0.05
STREAMS = ("ad_accounts", "campaigns", "lead_forms", "lead_form_responses")
#: Scheduling noise allowed below a wait; a wait is never shorter than asked by more.
EARLY = 0.02


def _config(server: SandboxServer, **overrides: t.Any) -> dict[str, t.Any]:
    return {
        **server.tap_config(),
        "page_size": PAGE_SIZE,
        "retry_backoff_seconds": BACKOFF,
        **overrides,
    }


@pytest.fixture(scope="module")
def data() -> SandboxData:
    """Three readable ad accounts (and one forbidden one): 22 lead pages of 10."""
    return SandboxData.generate(seed=11)


@dataclass
class CleanRun(CliRun):
    """A run without faults, and the requests it made."""

    requests: list[RecordedRequest] = field(default_factory=list)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory, data: SandboxData) -> CleanRun:
    """The reference: the same sync without any fault."""
    with SandboxServer(data) as server:
        run = run_cli(tmp_path_factory.mktemp("clean"), _config(server))
        requests = server.requests
    assert run.returncode == 0, run.stderr[-2000:]
    assert set(run.lead_ids()) == expected_lead_ids(data)
    return CleanRun(run.returncode, run.stdout, run.stderr, requests)


def _lead_calls_per_account(requests: list[RecordedRequest]) -> dict[int, int]:
    """Lead finder calls per ad account, in the order the accounts were synced."""
    calls: dict[int, int] = {}
    for request in requests:
        if request.endpoint == "leadFormResponses" and "q" in request.query:
            owner = int(request.query["owner"]["sponsoredAccount"].rsplit(":", 1)[1])
            calls[owner] = calls.get(owner, 0) + 1
    return calls


def _position_of_lead_page(requests: list[RecordedRequest], account: int, page: int) -> int:
    """1-based position, among all leadFormResponses calls (reads by id included, as the
    sandbox's faults count them), of the ``page``-th finder page of ``account``."""
    position = pages = 0
    for request in requests:
        if request.endpoint != "leadFormResponses":
            continue
        position += 1
        owner = request.query.get("owner", {}).get("sponsoredAccount", "")
        if "q" in request.query and owner.endswith(f":{account}"):
            pages += 1
            if pages == page:
                return position
    msg = f"account {account} has no page {page}"
    raise AssertionError(msg)


def _by_id(run: CliRun, stream: str) -> dict[t.Any, dict[str, t.Any]]:
    return {record["id"]: record for record in run.records(stream)}


def assert_same_as_clean(run: CliRun, clean: CliRun, data: SandboxData) -> None:
    """Exit 0, every lead exactly once, and the very records and STATE of a clean run."""
    assert run.returncode == 0, run.stderr[-3000:]
    assert sorted(run.lead_ids()) == sorted(clean.lead_ids()), "no lead missing or repeated"
    assert set(run.lead_ids()) == expected_lead_ids(data), "nothing missing, nothing invented"
    for stream in STREAMS:
        assert _by_id(run, stream) == _by_id(clean, stream), stream
    assert run.last_state == clean.last_state


def _faulted(server: SandboxServer, kind: str) -> list[RecordedRequest]:
    return [r for r in server.requests if r.fault == kind]


def _attempts_of_faulted(server: SandboxServer, kind: str) -> list[list[RecordedRequest]]:
    """Every attempt of each request that met fault ``kind``, in the order sent."""
    log = server.requests
    faulted = dict.fromkeys((r.path, r.raw_query) for r in log if r.fault == kind)
    return [[r for r in log if (r.path, r.raw_query) == request] for request in faulted]


def _retry_gaps(server: SandboxServer, kind: str) -> list[float]:
    """Seconds between each request answered with fault ``kind`` and the same request again."""
    log = server.requests
    gaps = []
    for position, request in enumerate(log):
        if request.fault != kind:
            continue
        again = next(
            r
            for r in log[position + 1 :]
            if (r.path, r.raw_query) == (request.path, request.raw_query)
        )
        gaps.append(again.timestamp - request.timestamp)
    return gaps


# 429 with Retry-After


def test_429_retry_after_is_waited_for_then_the_sync_completes(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData, clean: CleanRun
) -> None:
    server = sandbox(
        data,
        faults=[
            Fault("rate_limit", endpoint="leadFormResponses", at_call=3, times=2, retry_after=1)
        ],
    )

    run = run_cli(tmp_path, _config(server))

    assert_same_as_clean(run, clean, data)
    gaps = _retry_gaps(server, "rate_limit")
    assert len(gaps) == 2
    # Retry-After (1 s) wins over the 0.05 s backoff, and nothing longer is added.
    assert all(1.0 - EARLY <= gap < 1.8 for gap in gaps), gaps
    assert "Retrying leadFormResponses" in run.stderr
    assert "in 1.0 s after: leadFormResponses: 429 rate limited" in run.stderr


def _first_line_containing(lines: Iterator[str], needle: str, timeout: float) -> str | None:
    """The first line with ``needle``, read on a helper thread so a silent tap cannot hang us."""
    found: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in lines:
            if needle in line:
                found.put(line)
                return
        found.put(None)

    threading.Thread(target=read, daemon=True).start()
    try:
        return found.get(timeout=timeout)
    except queue.Empty:
        return None


def test_a_retry_after_beyond_two_minutes_is_capped_at_120_s(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData
) -> None:
    server = sandbox(data, faults=[Fault("rate_limit", endpoint="leadForms", retry_after=86_400)])
    config_path = tmp_path / "config.json"
    config_path.write_text(json.dumps(_config(server)))

    with subprocess.Popen(
        [sys.executable, "-m", "tap_linkedin_leads", "--config", str(config_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stderr is not None
        line = _first_line_containing(process.stderr, "Retrying leadForms", timeout=30)
        # The tap is now asleep; it must not come back early either.
        threading.Event().wait(0.5)
        retried = server.request_count("leadForms")
        process.kill()
        process.wait(timeout=30)

    assert line is not None, "the tap announced its wait"
    assert "in 120.0 s after: leadForms: 429 rate limited" in line
    assert retried == 1, "no retry before the capped wait is over"


def test_the_cap_is_what_the_tap_really_waits(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData, clean: CleanRun
) -> None:
    # The same cap, lowered to 1 s in the tap's process, so the wait can be timed on the wire.
    server = sandbox(
        data, faults=[Fault("rate_limit", endpoint="leadFormResponses", at_call=2, retry_after=30)]
    )
    config_path = tmp_path / "config.json"
    config_path.write_text(json.dumps(_config(server)))
    code = (
        "import tap_linkedin_leads.client as client; "
        "assert client.MAX_RETRY_WAIT_SECONDS == 120; client.MAX_RETRY_WAIT_SECONDS = 1.0; "
        "from tap_linkedin_leads.tap import TapLinkedInLeads; TapLinkedInLeads.cli()"
    )

    result = subprocess.run(
        [sys.executable, "-c", code, "--config", str(config_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert_same_as_clean(CliRun(result.returncode, result.stdout, result.stderr), clean, data)
    (gap,) = _retry_gaps(server, "rate_limit")
    assert 1.0 - EARLY <= gap < 1.8, gap


# 429 without Retry-After, and 5xx: exponential backoff from retry_backoff_seconds


@pytest.mark.parametrize(
    "fault",
    [
        Fault("rate_limit_no_header", endpoint="leadFormResponses", at_call=3, times=3),
        Fault("server_error", endpoint="leadFormResponses", at_call=3, times=3, status=500),
        Fault("server_error", endpoint="leadFormResponses", at_call=3, times=3, status=502),
        Fault("server_error", endpoint="leadFormResponses", at_call=3, times=3, status=503),
        Fault("server_error", endpoint="leadFormResponses", at_call=3, times=3, status=504),
    ],
    ids=["429-no-retry-after", "500", "502", "503", "504"],
)
def test_throttling_and_server_errors_back_off_and_complete(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData, clean: CleanRun, fault: Fault
) -> None:
    server = sandbox(data, faults=[fault])

    run = run_cli(tmp_path, _config(server))

    assert_same_as_clean(run, clean, data)
    failed = _faulted(server, fault.kind)
    status = 429 if fault.kind.startswith("rate_limit") else fault.status
    assert [r.status for r in failed] == [status] * 3
    # With requests in flight together the three failures may fall on different requests;
    # each request keeps its own schedule: its waits double from the base.
    for attempts in _attempts_of_faulted(server, fault.kind):
        faulted = sum(1 for r in attempts if r.fault == fault.kind)
        gaps = [b.timestamp - a.timestamp for a, b in itertools.pairwise(attempts)]
        assert len(gaps) == faulted, "retried until it succeeded, and no more"
        for retry, gap in enumerate(gaps):
            assert BACKOFF * 2**retry - EARLY <= gap < 1.0, gaps


# Transport faults


@pytest.mark.parametrize("endpoint", ["adAccounts", "leadFormResponses"])
def test_dropped_connections_are_retried(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData, clean: CleanRun, endpoint: str
) -> None:
    server = sandbox(data, faults=[Fault("drop_connection", endpoint=endpoint, times=2)])

    run = run_cli(tmp_path, _config(server))

    assert_same_as_clean(run, clean, data)
    dropped = _faulted(server, "drop_connection")
    assert len(dropped) == 2
    assert {r.status for r in dropped} == {None}, "the sandbox closed without answering"


@pytest.mark.parametrize(
    "fault",
    [
        Fault("drop_connection", endpoint="token", times=2),
        Fault("server_error", endpoint="token", times=2, status=503),
        Fault("rate_limit_no_header", endpoint="token", times=2),
    ],
    ids=["dropped", "503", "429"],
)
def test_failed_token_refreshes_are_retried(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData, clean: CleanRun, fault: Fault
) -> None:
    # The token endpoint has its own retry loop (in the authenticator), on the same settings.
    server = sandbox(data, faults=[fault])

    run = run_cli(tmp_path, _config(server))

    assert_same_as_clean(run, clean, data)
    assert server.request_count("token") == 3
    assert len(_faulted(server, fault.kind)) == 2
    assert run.stderr.count("Token refresh failed") == 2


def test_a_read_timeout_is_retried_without_waiting_for_the_slow_answer(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData, clean: CleanRun
) -> None:
    server = sandbox(
        data, faults=[Fault("slow", endpoint="leadFormResponses", at_call=3, seconds=4)]
    )

    run = run_cli(tmp_path, _config(server, request_timeout=1))

    assert_same_as_clean(run, clean, data)
    leads = [r for r in server.requests if r.endpoint == "leadFormResponses"]
    # The slow answer is the one request sent twice (the log is in handling order, which
    # with requests in flight together need not be the fault's call order).
    sent = collections.Counter((r.path, r.raw_query) for r in leads)
    (again,) = [request for request, times in sent.items() if times > 1]
    slow, retry = [r for r in leads if (r.path, r.raw_query) == again]
    # Given up after the 1 s timeout (plus the 0.05 s backoff), long before the 4 s answer.
    assert 1.0 <= retry.timestamp - slow.timestamp < 2.5
    assert "ReadTimeout" in run.stderr


@pytest.mark.parametrize("full_length", [False, True], ids=["short-length", "full-length"])
def test_a_truncated_200_body_is_retried(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData, clean: CleanRun, full_length: bool
) -> None:
    # full_length=False: Content-Length matches the half body, so only JSON parsing can tell;
    # full_length=True: the announced length is never reached (an incomplete read).
    server = sandbox(
        data,
        faults=[
            Fault(
                "truncated_body",
                endpoint="leadFormResponses",
                at_call=2,
                times=2,
                full_length=full_length,
            )
        ],
    )

    run = run_cli(tmp_path, _config(server))

    assert_same_as_clean(run, clean, data)
    truncated = _faulted(server, "truncated_body")
    assert [r.status for r in truncated] == [200, 200]


def test_an_access_token_expiring_again_and_again_is_refreshed_each_time(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData, clean: CleanRun
) -> None:
    # Expires on the 2nd, 10th, 18th, ... lead call: after each refresh the new token works
    # for a while, so each expiry is a real one and is refreshed once more. Requests in
    # flight with the old token meet the same expiry: it is still refreshed only once.
    every = 8
    server = sandbox(
        data, faults=[Fault("expire_token", endpoint="leadFormResponses", at_call=2, every=every)]
    )

    run = run_cli(tmp_path, _config(server))

    assert_same_as_clean(run, clean, data)
    lead_calls = server.request_count("leadFormResponses")
    expiries = len(range(2, lead_calls + 1, every))
    assert expiries >= 2
    assert server.request_count(status=401) >= expiries
    assert server.request_count("token") == 1 + expiries
    assert run.stderr.count("refreshing it once") == expiries


def test_every_fault_in_one_run(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData, clean: CleanRun
) -> None:
    faults = [
        Fault("server_error", endpoint="token", status=503),
        Fault("drop_connection", endpoint="token", at_call=2),
        Fault("rate_limit", endpoint="adAccounts", retry_after=1),
        Fault("drop_connection", endpoint="adCampaigns", at_call=2),
        Fault("server_error", endpoint="leadForms", at_call=2, status=502),
        Fault("truncated_body", endpoint="leadForms", at_call=4),
        Fault("truncated_body", endpoint="leadFormResponses", at_call=2, full_length=True),
        Fault("rate_limit_no_header", endpoint="leadFormResponses", at_call=4),
        Fault("slow", endpoint="leadFormResponses", at_call=6, seconds=3),
        Fault("expire_token", endpoint="leadFormResponses", at_call=9),
        Fault("server_error", endpoint="leadFormResponses", at_call=10, status=500),
        Fault("drop_connection", endpoint="leadFormResponses", at_call=11),
        Fault("server_error", endpoint="leadFormResponses", at_call=15, status=504),
        Fault("rate_limit", endpoint="leadFormResponses", at_call=18, retry_after=1),
        Fault("server_error", endpoint="adCampaigns", at_call=3, status=503),
    ]
    server = sandbox(data, faults=faults)

    run = run_cli(tmp_path, _config(server, request_timeout=1))

    assert_same_as_clean(run, clean, data)
    fired = {(r.endpoint, r.fault, r.status) for r in server.requests if r.fault}
    assert fired >= {
        ("token", "server_error", 503),
        ("token", "drop_connection", None),
        ("adAccounts", "rate_limit", 429),
        ("adCampaigns", "drop_connection", None),
        ("adCampaigns", "server_error", 503),
        ("leadForms", "server_error", 502),
        ("leadForms", "truncated_body", 200),
        ("leadFormResponses", "truncated_body", 200),
        ("leadFormResponses", "rate_limit_no_header", 429),
        ("leadFormResponses", "server_error", 500),
        ("leadFormResponses", "drop_connection", None),
        ("leadFormResponses", "server_error", 504),
        ("leadFormResponses", "rate_limit", 429),
    }
    assert server.request_count("token") == 4, "two failed refreshes, the first token, one more"
    # Every request in flight with the expired token is refused; still only one refresh.
    assert 1 <= server.request_count("leadFormResponses", status=401) <= 4
    assert "ReadTimeout" in run.stderr, "the slow answer timed out"


# Daily limit: stop, say so once, resume the next day


def _error_lines(stderr: str, text: str) -> list[str]:
    return [line for line in stderr.splitlines() if text in line]


def test_daily_limit_stops_with_one_line_and_the_next_run_resumes(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData, clean: CleanRun
) -> None:
    # The limit is hit about where the clean run read the second account's second page;
    # with requests in flight together the exact owners it stops are not fixed.
    calls = _lead_calls_per_account(clean.requests)
    second_account = list(calls)[1]
    assert calls[second_account] >= 2
    at_call = _position_of_lead_page(clean.requests, second_account, 2)
    server = sandbox(
        data, faults=[Fault("daily_limit", endpoint="leadFormResponses", at_call=at_call)]
    )
    config = _config(server)

    first = run_cli(tmp_path, config)

    assert first.returncode != 0
    message = str(DailyLimitError("leadFormResponses"))
    assert "daily API limit is reached" in message
    assert "midnight UTC" in message
    assert "resumes from the last STATE" in message
    assert len(_error_lines(first.stderr, message)) == 1, "said once, on one line"
    assert "Traceback" not in first.stderr, "a clear line, not a stack trace"
    # Requests already in flight may meet the limit too, but none is retried or sent after.
    limited = [r for r in server.requests if r.status == 429]
    assert 1 <= len(limited) <= 4
    assert len({(r.path, r.raw_query) for r in limited}) == len(limited), "not retried"
    first_limited = min(r.timestamp for r in limited)
    in_flight_margin = 0.05
    assert all(r.timestamp <= first_limited + in_flight_margin for r in server.requests), (
        "every request stops once the limit is known"
    )
    state = first.last_state
    assert state is not None, "STATE is emitted before stopping"
    partitions = state["bookmarks"]["lead_form_responses"]["partitions"]
    finished = {p["context"]["account_id"] for p in partitions if "replication_key_value" in p}
    assert finished, "the work finished before the limit is kept"
    assert finished < set(calls), "the limit stopped the run part-way"
    assert set(first.lead_ids()) >= expected_lead_ids(data, account_ids=sorted(finished))

    # Midnight UTC has passed: the limit is lifted.
    server.clear_faults()
    second = run_cli(tmp_path, config, state=state)

    assert second.returncode == 0, second.stderr[-2000:]
    assert set(first.lead_ids()) | set(second.lead_ids()) == expected_lead_ids(data)


# An ad account the token cannot read


def test_a_discovered_account_that_cannot_be_read_is_skipped_with_a_warning(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData
) -> None:
    victim = data.visible_account_ids[1]
    # Call 1 is the account search, which still lists it; every later call for it is 403.
    server = sandbox(
        data, faults=[Fault("forbid_account", endpoint="api", at_call=2, account_id=victim)]
    )

    run = run_cli(tmp_path, _config(server))

    assert run.returncode == 0, run.stderr[-2000:]
    others = [a for a in data.visible_account_ids if a != victim]
    assert set(run.lead_ids()) == expected_lead_ids(data, account_ids=others)
    assert victim in {r["id"] for r in run.records("ad_accounts")}
    warnings = _error_lines(run.stderr, f"Skipping ad account {victim}")
    assert len(warnings) == 3, "campaigns, lead forms and leads each say so"
    assert all("WARNING" in line for line in warnings)
    assert server.request_count(status=403) == 3


@pytest.mark.parametrize("endpoint", ["api", "leadFormResponses"])
def test_a_listed_account_that_cannot_be_read_stops_the_tap_naming_it(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData, endpoint: str
) -> None:
    victim = data.visible_account_ids[-1]
    server = sandbox(data, faults=[Fault("forbid_account", endpoint=endpoint, account_id=victim)])

    run = run_cli(tmp_path, _config(server, account_ids=data.visible_account_ids))

    assert run.returncode != 0
    errors = [line for line in _error_lines(run.stderr, "ERROR") if "Access denied" in line]
    assert len(errors) == 1, "one message, however many requests were in flight"
    error = errors[0]
    assert f"ad account {victim} (listed in `account_ids`)" in error
    for scope in ("r_marketing_leadgen_automation", "r_ads"):
        assert scope in error
    assert LEAD_SYNC_PERMISSIONS in error
    others = [a for a in data.visible_account_ids if a != victim]
    assert set(run.lead_ids()) == expected_lead_ids(data, account_ids=others)


# The fault matrix (docs/fault-matrix.md) names tests that exist, and all of this suite's


ROOT = Path(__file__).resolve().parents[2]
MATRIX = ROOT / "docs" / "fault-matrix.md"
MATRIX_SUITES = ("test_faults.py", "test_bad_payloads.py", "test_secrets.py", "test_bad_input.py")


def _matrix_node_ids() -> set[str]:
    """Node ids in the matrix; a bare `` `[param]` `` repeats the previous id with that param."""
    ids: set[str] = set()
    last = ""
    for token in re.findall(r"`([^`]+)`", MATRIX.read_text()):
        if token.startswith("tests/") and "::" in token:
            last = token.split("[", 1)[0]
            ids.add(token)
        elif re.fullmatch(r"\[[^\]]+\]", token) and last:
            ids.add(last + token)
    return ids


def test_the_fault_matrix_names_only_tests_that_exist_and_all_of_ours(
    request: pytest.FixtureRequest,
) -> None:
    documented = _matrix_node_ids()
    files = sorted({node.split("::", 1)[0] for node in documented})
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *files],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=ROOT,
    ).stdout.splitlines()
    existing = {line for line in collected if "::" in line}
    functions = {node.split("[", 1)[0] for node in existing}

    # An id without a parameter names every case of the test.
    unknown = {node for node in documented if node not in existing and node not in functions}
    assert unknown == set(), "the matrix names tests that do not exist"
    ours = {node for node in functions if node.split("::")[0].endswith(MATRIX_SUITES)}
    ours.discard(request.node.nodeid)  # this check is not a fault
    missing = ours - {node.split("[", 1)[0] for node in documented}
    assert missing == set(), "tests of this suite missing from the matrix"
