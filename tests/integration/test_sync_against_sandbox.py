"""Whole syncs over real loopback HTTP: pagination, token refresh, incremental runs, resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import typing as t

import pytest
from linkedin_sandbox import Fault, SandboxData, ShortPagePlan
from linkedin_sandbox.oracle import expected_lead_ids

from tap_linkedin_leads.times import format_submitted_at, parse_datetime, to_epoch_ms
from tests.integration.conftest import run_cli

if t.TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize("test_leads", ["exclude", "include", "only"])
def test_full_sync_returns_exactly_the_ground_truth(
    tmp_path: Path, sandbox: t.Any, test_leads: str
) -> None:
    server = sandbox()
    config = {**server.tap_config(), "test_leads": test_leads}

    run = run_cli(tmp_path, config)

    assert run.returncode == 0, run.stderr[-2000:]
    ids = run.lead_ids()
    assert len(ids) == len(set(ids)), "no lead is emitted twice"
    assert set(ids) == expected_lead_ids(server.data, test_leads=test_leads)
    flags = {r["testLead"] for r in run.records("lead_form_responses")}
    assert flags == {"exclude": {False}, "only": {True}, "include": {False, True}}[test_leads]


@pytest.mark.parametrize(
    "options",
    [
        {"short_pages": ShortPagePlan(empty_page=True)},
        {"short_pages": ShortPagePlan(), "omit_paging_total": True},
    ],
    ids=["short-and-empty-pages", "no-total"],
)
def test_short_pages_never_lose_leads(tmp_path: Path, sandbox: t.Any, options: dict) -> None:
    server = sandbox(SandboxData.generate(seed=3, accounts=2, leads_per_form=60), **options)
    config = {**server.tap_config(), "page_size": 7, "test_leads": "include"}

    run = run_cli(tmp_path, config)

    assert run.returncode == 0, run.stderr[-2000:]
    assert set(run.lead_ids()) == expected_lead_ids(server.data, test_leads="include")
    starts = [
        int(r.query["start"])
        for r in server.requests
        if r.endpoint == "leadFormResponses" and "start" in r.query
    ]
    assert all(start % 7 == 0 for start in starts), "offsets advance by the page size"


def test_access_token_expiring_mid_run_is_refreshed_once(tmp_path: Path, sandbox: t.Any) -> None:
    server = sandbox(faults=[Fault("expire_token", endpoint="leadFormResponses", at_call=2)])

    run = run_cli(tmp_path, server.tap_config())

    assert run.returncode == 0, run.stderr[-2000:]
    assert set(run.lead_ids()) == expected_lead_ids(server.data)
    assert server.request_count(endpoint="token") == 2
    assert "refreshing it once" in run.stderr


def test_second_run_asks_only_from_bookmark_minus_lookback(tmp_path: Path, sandbox: t.Any) -> None:
    data = SandboxData.generate(seed=5, accounts=2, leads_per_form=30)
    server = sandbox(data)
    config = {**server.tap_config(), "lookback_window_days": 1}
    first = run_cli(tmp_path, config)
    assert first.returncode == 0, first.stderr[-2000:]
    state = first.last_state
    assert state is not None
    account_id = data.visible_account_ids[0]
    new = data.add_leads(3, account_id=account_id)
    server.clear_requests()

    second = run_cli(tmp_path, config, state=state)

    assert second.returncode == 0, second.stderr[-2000:]
    ids = set(second.lead_ids())
    assert {lead["id"] for lead in new} <= ids
    # Only leads inside the lookback day before each account's bookmark come back again.
    partitions = {
        p["context"]["account_id"]: p["replication_key_value"]
        for p in state["bookmarks"]["lead_form_responses"]["partitions"]
    }
    for request in server.requests:
        if request.endpoint != "leadFormResponses":
            continue
        owner_id = int(request.query["owner"]["sponsoredAccount"].rsplit(":", 1)[1])
        start_ms = int(request.query["submittedAtTimeRange"]["start"])
        bookmark = parse_datetime(partitions[owner_id])
        assert bookmark is not None
        assert start_ms == to_epoch_ms(bookmark) - 86_400_000
    assert len(ids) < len(first.lead_ids())


#: Lead page size of the kill test: each owner has more than one page.
KILL_PAGE_SIZE = 25


def _lead_bookmarks(state: dict[str, t.Any]) -> set[int]:
    """Ad accounts whose leads STATE has bookmarked (finished owners)."""
    partitions = state.get("bookmarks", {}).get("lead_form_responses", {}).get("partitions", [])
    return {p["context"]["account_id"] for p in partitions if "replication_key_value" in p}


def _read_into_owner(process: subprocess.Popen[str], owner: int) -> list[str]:
    """Lines up to a full page of leads into the ``owner``-th lead owner (1-based).

    The owners before it are finished (bookmarked in the last STATE read); it is not.
    """
    lines: list[str] = []
    finished = 0
    leads_since_state = 0
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)
        message = json.loads(line)
        if message["type"] == "STATE":
            finished = len(_lead_bookmarks(message["value"]))
            leads_since_state = 0
        elif message["type"] == "RECORD" and message["stream"] == "lead_form_responses":
            leads_since_state += 1
            if finished == owner - 1 and leads_since_state >= KILL_PAGE_SIZE:
                break
    return lines


@pytest.mark.parametrize("owner", [1, 2, 3])
def test_run_killed_hard_resumes_from_last_state_without_losing_leads(
    tmp_path: Path, sandbox: t.Any, owner: int
) -> None:
    data = SandboxData.generate(seed=9, accounts=4, leads_per_form=50)
    # A slow answer now and then keeps the run going long enough to be killed mid-way.
    server = sandbox(
        data, faults=[Fault("slow", endpoint="leadFormResponses", every=1, seconds=0.2)]
    )
    config = {**server.tap_config(), "page_size": KILL_PAGE_SIZE}
    config_path = tmp_path / "config.json"
    config_path.write_text(json.dumps(config))

    # Killed in the middle of the ``owner``-th owner's leads, right after a page of them.
    with subprocess.Popen(
        [sys.executable, "-m", "tap_linkedin_leads", "--config", str(config_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=os.environ.copy(),
    ) as process:
        lines = _read_into_owner(process, owner)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    before = [json.loads(line) for line in lines]
    seen = {
        m["record"]["id"]
        for m in before
        if m["type"] == "RECORD" and m["stream"] == "lead_form_responses"
    }
    last_state = next(m["value"] for m in reversed(before) if m["type"] == "STATE")
    server.clear_faults()
    expected = expected_lead_ids(data)
    assert seen < expected, "the kill landed before the sync finished"
    finished = _lead_bookmarks(last_state)
    assert len(finished) == owner - 1
    finished_leads = expected_lead_ids(data, account_ids=sorted(finished))
    assert finished_leads <= seen, "a bookmark never passes a lead not yet written"
    unfinished = seen - finished_leads
    assert len(unfinished) >= KILL_PAGE_SIZE, "some leads of an unfinished owner were written"

    resumed = run_cli(tmp_path, config, state=last_state)

    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert seen | set(resumed.lead_ids()) == expected
    assert unfinished <= set(resumed.lead_ids()), "the unfinished owner is read again"


def test_a_rejected_time_range_span_is_split_until_linkedin_accepts_it(
    tmp_path: Path, sandbox: t.Any
) -> None:
    # Whether LinkedIn caps the span of submittedAtTimeRange is undocumented; this sandbox
    # caps it at 30 days while the data spans 90.
    server = sandbox(
        SandboxData.generate(seed=8, accounts=2, leads_per_form=40), max_time_range_days=30
    )

    run = run_cli(tmp_path, server.tap_config())

    assert run.returncode == 0, run.stderr[-2000:]
    assert set(run.lead_ids()) == expected_lead_ids(server.data)
    spans = [
        int(r.query["submittedAtTimeRange"]["end"]) - int(r.query["submittedAtTimeRange"]["start"])
        for r in server.requests
        if r.endpoint == "leadFormResponses" and "q" in r.query and r.status == 200
    ]
    assert spans
    assert max(spans) <= 30 * 86_400_000
    rejected = [
        r
        for r in server.requests
        if r.endpoint == "leadFormResponses" and "q" in r.query and r.status == 400
    ]
    assert 0 < len(rejected) <= 3, "the accepted span is learned once, not per account"


def test_a_count_above_linkedins_limit_is_lowered_to_the_limit(
    tmp_path: Path, sandbox: t.Any
) -> None:
    # LinkedIn's largest ``count`` is undocumented; a 400 that names the limit is followed.
    server = sandbox(SandboxData.generate(seed=3, accounts=2, leads_per_form=60), count_max=40)

    run = run_cli(tmp_path, {**server.tap_config(), "page_size": 100})

    assert run.returncode == 0, run.stderr[-2000:]
    assert set(run.lead_ids()) == expected_lead_ids(server.data)
    for endpoint in ("leadForms", "leadFormResponses"):
        pages = [r for r in server.requests if r.endpoint == endpoint and "q" in r.query]
        counts = [r.query.get("count") for r in pages]
        refused = [r for r in pages if r.status == 400]
        assert len(refused) == 1, f"{endpoint}: one refusal per stream, then the limit is used"
        assert counts[0] == "100"
        assert set(counts[1:]) == {"40"}
    warnings = [line for line in run.stderr.splitlines() if "asking for 40 at a time" in line]
    assert len(warnings) == 2
    assert all("`page_size`" in line for line in warnings)


@pytest.mark.parametrize("bounds", ["[)", "[]", "(]", "()"])
def test_leads_on_the_boundary_of_split_windows_arrive_exactly_once(
    tmp_path: Path, sandbox: t.Any, bounds: str
) -> None:
    # Whether submittedAtTimeRange's bounds are inclusive is undocumented; with the span
    # capped, the window is split, and leads sit on, just before and just after each joint.
    data = SandboxData.generate(seed=8, accounts=1, leads_per_form=10)
    server = sandbox(data, max_time_range_days=30, time_range_bounds=bounds)
    day = 86_400_000
    start_ms, end_ms = data.end_ms - 80 * day, data.end_ms
    config = {
        **server.tap_config(),
        "start_date": format_submitted_at(start_ms),
        "end_date": format_submitted_at(end_ms),
    }
    account = data.visible_account_ids[0]

    def windows() -> list[tuple[int, int]]:
        ranges = [
            r.query["submittedAtTimeRange"]
            for r in server.requests
            if r.endpoint == "leadFormResponses" and "q" in r.query and r.status == 200
        ]
        return [(int(r["start"]), int(r["end"])) for r in ranges]

    assert run_cli(tmp_path, config).returncode == 0
    first = windows()
    joints = sorted({end for _, end in first if end < end_ms})
    assert len(joints) >= 2, "the window was split"
    for joint in joints:
        for offset in (-1, 0, 1):
            data.add_leads(1, submitted_at=joint + offset, account_id=account)
    server.clear_requests()

    run = run_cli(tmp_path, config)

    assert run.returncode == 0, run.stderr[-2000:]
    assert windows() == first, "the same windows as the first run"
    truth = {lead["id"] for lead in data.query_leads(account, start=start_ms, end=end_ms)}
    ids = run.lead_ids()
    assert len(ids) == len(set(ids)), "no lead is emitted twice"
    assert set(ids) == truth


@pytest.mark.parametrize(
    "options",
    [
        {"false_means_all": True},
        {"test_leads_default": True, "require_lead_type": False},
        {"omit_paging_total": True, "false_means_all": True},
        {"short_pages": ShortPagePlan(empty_page=True), "false_means_all": True},
    ],
    ids=["false-means-all", "lenient-defaults", "no-total-and-all", "gaps-and-all"],
)
@pytest.mark.parametrize("test_leads", ["exclude", "include", "only"])
def test_undocumented_choices_either_way_give_the_ground_truth(
    tmp_path: Path, sandbox: t.Any, options: dict[str, t.Any], test_leads: str
) -> None:
    # Where LinkedIn's behaviour is undocumented, the sandbox can take either choice; the
    # tap's result must not depend on which one LinkedIn makes.
    server = sandbox(SandboxData.generate(seed=5, accounts=4, leads_per_form=25), **options)

    run = run_cli(tmp_path, {**server.tap_config(), "test_leads": test_leads, "page_size": 9})

    assert run.returncode == 0, run.stderr[-2000:]
    ids = run.lead_ids()
    assert len(ids) == len(set(ids)), "no lead is emitted twice"
    assert set(ids) == expected_lead_ids(server.data, test_leads=test_leads)
    assert not [r for r in server.requests if r.status is not None and r.status >= 400]


def test_listed_accounts_are_found_by_the_id_search_when_the_single_get_is_not_served(
    tmp_path: Path, sandbox: t.Any
) -> None:
    # GET /adAccounts/{id} is known from community code only; the id search is documented.
    server = sandbox(SandboxData.generate(seed=5, accounts=4), serve_account_get=False)
    listed = server.data.visible_account_ids[:2]

    run = run_cli(tmp_path, {**server.tap_config(), "account_ids": listed})

    assert run.returncode == 0, run.stderr[-2000:]
    assert sorted(r["id"] for r in run.records("ad_accounts")) == sorted(listed)
    assert set(run.lead_ids()) == expected_lead_ids(server.data, account_ids=listed)
    account_calls = [r for r in server.requests if r.endpoint == "adAccounts"]
    assert [r.status for r in account_calls] == [404, 200], "one refused GET, one search"
    urns = ",".join(f"urn%3Ali%3AsponsoredAccount%3A{i}" for i in listed)
    assert f"search=(id:(values:List({urns})))" in account_calls[1].raw_query
    assert len([line for line in run.stderr.splitlines() if "ad account search" in line]) == 1


@pytest.mark.parametrize("serve_account_get", [True, False])
def test_a_listed_account_that_does_not_exist_is_named(
    tmp_path: Path, sandbox: t.Any, serve_account_get: bool
) -> None:
    server = sandbox(SandboxData.generate(seed=5, accounts=2), serve_account_get=serve_account_get)
    listed = [server.data.visible_account_ids[0], 999_999_999]

    run = run_cli(tmp_path, {**server.tap_config(), "account_ids": listed})

    assert run.returncode != 0
    errors = [line for line in run.stderr.splitlines() if "999999999" in line and "ERROR" in line]
    assert errors, run.stderr[-2000:]
    assert "`account_ids`" in errors[0]
