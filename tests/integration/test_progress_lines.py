"""Progress lines against the sandbox: exact counts per owner and in the run's summary.

The expected numbers come from the sandbox's oracle and data set (leads and pages per owner
and window, forms, campaigns) and from its request log (calls as they arrived), never from
the tap's output. The sandbox serves full pages here, so an owner with ``n`` leads needs
``ceil(n / count)`` pages (at least one).
"""

from __future__ import annotations

import collections
import itertools
import json
import logging
import re
import signal
import subprocess
import sys
import time
import typing as t

import pytest
from linkedin_sandbox import Fault, SandboxData, ShortPagePlan
from linkedin_sandbox.oracle import MinimalSync, pages
from linkedin_sandbox.store import ms_to_iso
from singer_sdk.singerlib import RecordMessage
from typing_extensions import override

from tap_linkedin_leads.output import ProportionalStateWriter
from tap_linkedin_leads.tap import TapLinkedInLeads
from tests.conftest import SyncOutput, capture_stdout, parse_messages
from tests.integration.conftest import CliRun, iso_to_ms, run_cli

if t.TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from linkedin_sandbox import SandboxServer
    from singer_sdk.singerlib.encoding.simple import Message

    StartSandbox = Callable[..., SandboxServer]

PAGE_SIZE = 7
#: No withheld slots: every page but an owner's last is full.
FULL_PAGES = ShortPagePlan(withhold=False)
_ELAPSED = r"[0-9.]+ s"


def _data() -> SandboxData:
    return SandboxData.generate(seed=41, accounts=3, organizations=1, leads_per_form=9)


def _serve(sandbox: StartSandbox, data: SandboxData, *faults: Fault) -> SandboxServer:
    return sandbox(data, short_pages=FULL_PAGES, faults=faults)


def _settings(data: SandboxData) -> dict[str, t.Any]:
    """Accounts listed in the data set's order, so owners come in a known order."""
    return {
        "start_date": ms_to_iso(data.start_ms),
        "account_ids": data.visible_account_ids,
        "end_date": ms_to_iso(data.end_ms),
        "organization_ids": data.organization_ids,
        "page_size": PAGE_SIZE,
        "retry_backoff_seconds": 0.01,
    }


def _config(server: SandboxServer, **extra: t.Any) -> dict[str, t.Any]:
    return {**server.tap_config(), **_settings(server.data), **extra}


def _minimal_sync(data: SandboxData) -> MinimalSync:
    """The sandbox oracle's sync of ``data`` with :func:`_config`'s window and settings."""
    settings = _settings(data)
    return MinimalSync(
        data,
        iso_to_ms(settings["start_date"]),
        iso_to_ms(settings["end_date"]),
        page_size=PAGE_SIZE,
        organization_ids=settings["organization_ids"],
        plan=FULL_PAGES,
    )


class _Owner(t.NamedTuple):
    name: str
    context: dict[str, t.Any]
    leads: int
    pages: int


def _lead_owners(data: SandboxData) -> list[_Owner]:
    """Every lead owner in the tap's order, named as its lines name it, from the oracle."""
    sync = _minimal_sync(data)
    owners = []
    for query, _, window in sync.windows():
        context = query.context
        name = (
            f"ad account {context['account_id']}"
            if "account_id" in context
            else f"organization {context['organization_id']}, {context['leadType']} leads"
        )
        slots = sync.plan.total(len(window), PAGE_SIZE)
        owners.append(_Owner(name, context, len(window), pages(slots, PAGE_SIZE)))
    assert len(owners) == len(sync.lead_queries()), "one window per owner: no test leads"
    return owners


def _messages(run: CliRun) -> list[tuple[str, str]]:
    """(level, message) of every line the tap logged."""
    result = []
    for line in run.stderr.splitlines():
        parts = line.split(" | ", 3)
        if len(parts) == 4:
            result.append((parts[1].strip(), parts[3]))
    return result


def _progress(run: CliRun, stream: str) -> list[str]:
    return [m for _, m in _messages(run) if m.startswith(f"{stream}: ")]


def _bookmarks(state: dict[str, t.Any] | None) -> dict[tuple[tuple[str, t.Any], ...], str]:
    partitions = ((state or {}).get("bookmarks") or {}).get("lead_form_responses", {})
    return {
        tuple(sorted(p["context"].items())): p["replication_key_value"]
        for p in partitions.get("partitions", [])
        if "replication_key_value" in p
    }


_CALLS = r"[0-9,]+ calls \([^)]*\)"


def _assert_calls_as_logged(summary: str, server: SandboxServer) -> None:
    """The summary's calls, in all and by endpoint, are the API calls the sandbox logged."""
    found = re.search(r"; ([0-9,]+) calls \(([^)]*)\) with ", summary)
    assert found is not None, summary
    by_endpoint = dict(part.rsplit(" ", 1) for part in found.group(2).split(", "))
    logged = collections.Counter(r.endpoint for r in server.requests if r.endpoint != "token")
    assert {name: int(n) for name, n in by_endpoint.items()} == dict(logged)
    assert int(found.group(1).replace(",", "")) == sum(logged.values())


def test_each_lead_owner_gets_one_line_with_its_exact_counts_and_final_bookmark(
    tmp_path: Path, sandbox: StartSandbox
) -> None:
    data = _data()
    server = _serve(sandbox, data)
    owners = _lead_owners(data)

    run = run_cli(tmp_path, _config(server))

    assert run.returncode == 0, run.stderr[-2000:]
    bookmarks = _bookmarks(run.last_state)
    lines = _progress(run, "lead_form_responses")
    assert len(lines) == len(owners)
    for position, (owner, line) in enumerate(zip(owners, lines, strict=True), start=1):
        bookmark = bookmarks.get(tuple(sorted(owner.context.items())))
        plural = "" if owner.pages == 1 else "s"
        head = (
            f"lead_form_responses: {owner.name} ({position} of {len(owners)}) done: "
            f"{owner.leads} leads emitted from {owner.pages} page{plural} in "
        )
        tail = f"; bookmark now {bookmark}." if bookmark else "; no bookmark yet."
        assert re.fullmatch(re.escape(head) + _ELAPSED + re.escape(tail), line), line
    # The data set really pages, and has an owner without leads.
    assert max(o.pages for o in owners) >= 3
    assert min(o.leads for o in owners) == 0
    assert len(run.lead_ids()) == sum(o.leads for o in owners)


def test_the_summary_counts_records_owners_and_calls_exactly(
    tmp_path: Path, sandbox: StartSandbox
) -> None:
    data = _data()
    server = _serve(sandbox, data)
    sync = _minimal_sync(data)
    accounts = sync.accounts
    campaigns = [c for c in data.campaigns if int(c["account"].rsplit(":", 1)[1]) in accounts]
    owner_urns = sync.owner_urns()
    forms = sum(len(data.forms_of(urn)) for urn in owner_urns)

    run = run_cli(tmp_path, _config(server))

    assert run.returncode == 0, run.stderr[-2000:]
    summary = [(lvl, m) for lvl, m in _messages(run) if m.startswith("Run ")]
    expected = (
        f"Run finished in {_ELAPSED}: records ad_accounts {len(accounts)}, campaigns "
        f"{len(campaigns)} from {len(accounts)} owners, lead_forms {forms} from "
        f"{len(owner_urns)} owners, lead_form_responses {sync.lead_count()} from "
        f"{len(sync.lead_queries())} owners; {_CALLS} with 0 retries "
        "and 0 answered 429."
    )
    assert len(summary) == 1
    assert summary[0][0] == "INFO"
    assert re.fullmatch(expected, summary[0][1]), summary[0][1]
    _assert_calls_as_logged(summary[0][1], server)
    # Campaigns and forms: one line per stream once every owner is done (one page each),
    # with the same counts as the Singer output itself.
    for stream, noun, count, owners in (
        ("campaigns", "campaigns", len(campaigns), len(accounts)),
        ("lead_forms", "lead forms", forms, len(owner_urns)),
    ):
        assert len(run.records(stream)) == count
        [line] = _progress(run, stream)
        assert re.fullmatch(
            f"{stream}: {count} {noun} emitted from {owners} owners, {owners} pages read in "
            f"{_ELAPSED}.",
            line,
        ), line


def test_skipped_owners_retries_and_429s_are_counted_as_the_sandbox_saw_them(
    tmp_path: Path, sandbox: StartSandbox
) -> None:
    data = _data()
    refused = data.visible_account_ids[1]
    server = _serve(
        sandbox,
        data,
        Fault("forbid_account", endpoint="leadFormResponses", account_id=refused),
        Fault("rate_limit", endpoint="leadFormResponses", at_call=2, retry_after=0),
        Fault("server_error", endpoint="leadForms", at_call=1, status=503),
        Fault("rate_limit", endpoint="adCampaigns", at_call=3, retry_after=0),
    )
    owners = _lead_owners(data)

    # Discovered, not listed: a listed account LinkedIn refuses stops the run instead.
    config = _config(server)
    del config["account_ids"]
    run = run_cli(tmp_path, config)

    assert run.returncode == 0, run.stderr[-2000:]
    position = sorted(data.visible_account_ids).index(refused) + 1  # the search's id order
    assert re.fullmatch(
        f"lead_form_responses: ad account {refused} \\({position} of {len(owners)}\\) skipped "
        f"\\(access denied\\) after {_ELAPSED}; its bookmark is unchanged.",
        _progress(run, "lead_form_responses")[position - 1],
    )
    [summary] = [m for _, m in _messages(run) if m.startswith("Run finished")]
    assert (
        f"lead_form_responses {len(run.lead_ids())} from {len(owners)} owners (1 skipped: "
        f"ad account {refused});"
    ) in summary
    answered_429 = sum(1 for r in server.requests if r.status == 429)
    answered_5xx = sum(1 for r in server.requests if (r.status or 0) >= 500)
    assert (answered_429, answered_5xx) == (2, 1)
    assert summary.endswith(f" with {answered_429 + answered_5xx} retries and 2 answered 429.")
    _assert_calls_as_logged(summary, server)


@pytest.mark.parametrize("parallel", [1, 4])
def test_a_run_stopped_at_the_daily_limit_names_exactly_the_owners_without_a_new_bookmark(
    tmp_path: Path, sandbox: StartSandbox, parallel: int
) -> None:
    data = _data()
    owners = _lead_owners(data)
    # The daily limit from the lead call that, serially, is the second account's first.
    first_pages = owners[0].pages
    server = _serve(
        sandbox, data, Fault("daily_limit", endpoint="leadFormResponses", at_call=first_pages + 1)
    )

    run = run_cli(tmp_path, {**_config(server), "max_parallel_requests": parallel})

    assert run.returncode == 1
    [(level, summary)] = [(lvl, m) for lvl, m in _messages(run) if m.startswith("Run ")]
    assert level == "WARNING"
    assert summary.startswith("Run stopped at LinkedIn's daily API limit after ")
    # The owners it names are exactly those the final STATE holds no new bookmark for, the
    # first of them interrupted (with requests sent ahead, the limit may be met by a later
    # owner's request than serially).
    with_bookmark = set(_bookmarks(run.last_state))
    without = [o for o in owners if tuple(sorted(o.context.items())) not in with_bookmark]
    resumed = [without[0].name + " (interrupted)"] + [o.name for o in without[1:]]
    assert summary.endswith(
        f"The next run resumes lead_form_responses from the last bookmark of: {'; '.join(resumed)}."
    )
    if parallel > 1:
        return
    # Two accounts reached: their campaigns and forms are read before their leads, and an
    # account's own record is written after its child streams.
    reached = data.visible_account_ids[:2]
    campaigns = [c for c in data.campaigns if int(c["account"].rsplit(":", 1)[1]) in reached]
    forms = sum(len(data.forms_of(f"urn:li:sponsoredAccount:{a}")) for a in reached)
    assert re.fullmatch(
        f"Run stopped at LinkedIn's daily API limit after {_ELAPSED}: records ad_accounts 1, "
        f"campaigns {len(campaigns)} from 2 owners, lead_forms {forms} from 2 owners, "
        f"lead_form_responses {owners[0].leads} from 2 owners; {_CALLS} "
        "with 0 retries and 1 answered 429. The next run resumes lead_form_responses from the "
        f"last bookmark of: {re.escape('; '.join(resumed))}.",
        summary,
    ), summary
    _assert_calls_as_logged(summary, server)
    assert len(run.lead_ids()) == owners[0].leads
    assert without == owners[1:]


def test_sigterm_mid_owner_still_ends_with_the_summary(
    tmp_path: Path, sandbox: StartSandbox
) -> None:
    data = _data()
    owners = _lead_owners(data)
    # The second account's first lead page hangs long enough to be interrupted.
    server = _serve(
        sandbox,
        data,
        Fault("slow", endpoint="leadFormResponses", at_call=owners[0].pages + 1, seconds=30),
    )
    config_path = tmp_path / "config.json"
    # Serial, so the slow call is the second account's first lead page.
    config_path.write_text(json.dumps({**_config(server), "max_parallel_requests": 1}))
    process = subprocess.Popen(
        [sys.executable, "-m", "tap_linkedin_leads", "--config", str(config_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    seen = []
    try:
        for line in process.stderr:
            seen.append(line)
            if f"{owners[0].name} (1 of" in line:
                break
        # Once the slow call has arrived, stop the tap as a scheduler would.
        deadline = time.monotonic() + 30
        while server.request_count("leadFormResponses") <= owners[0].pages:
            assert time.monotonic() < deadline, "the slow call never arrived"
            time.sleep(0.01)
        process.send_signal(signal.SIGTERM)
        _, rest = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    stderr = "".join(seen) + rest
    [summary] = [line for line in stderr.splitlines() if "| Run " in line]
    assert "| WARNING  |" in summary
    assert "Run was stopped by a signal after " in summary
    assert (
        "The next run resumes lead_form_responses from the last bookmark of: "
        f"{owners[1].name} (interrupted); {owners[2].name};"
    ) in summary


def _heartbeats(
    server: SandboxServer, caplog: pytest.LogCaptureFixture, *, parallel: int
) -> list[str]:
    """The heartbeat lines of an in-process run on a clock of 10 s per lead page requested.

    Nothing sleeps. Reads of one lead by id, for older form versions, are not pages.
    """
    config = {**_config(server), "max_parallel_requests": parallel}
    del config["organization_ids"]
    tap = TapLinkedInLeads(config=config, parse_env_config=False)
    tap.run.progress.clock = lambda: (
        10.0
        * sum(1 for r in server.requests if r.endpoint == "leadFormResponses" and "q" in r.query)
    )
    caplog.set_level(logging.INFO)
    with capture_stdout():
        tap.sync_all()
    return [r.getMessage() for r in caplog.records if "still running" in r.getMessage()]


def test_a_long_owner_beats_at_most_every_30_seconds_from_paging_total(
    sandbox: StartSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    data = SandboxData.generate(seed=43, accounts=1, organizations=0, leads_per_form=30)
    [owner] = _lead_owners(data)

    beats = _heartbeats(_serve(sandbox, data), caplog, parallel=1)

    expected = []
    for page in range(3, owner.pages + 1, 3):  # a page every 10 s: every third page is 30 s on
        seconds = page * 10
        after = f"{seconds}.0 s" if seconds < 60 else f"{seconds // 60} min {seconds % 60:02d} s"
        expected.append(
            f"lead_form_responses: {owner.name} (1 of 1) still running after {after}: "
            f"page {page} of about {owner.pages}, {min(page * PAGE_SIZE, owner.leads)} of about "
            f"{owner.leads} leads read."
        )
    assert owner.pages >= 7
    assert beats == expected


class _LeadsWrittenAtEachLine(logging.Handler):
    """For each owner line: how many leads the tap had handed to its output by then."""

    def __init__(self) -> None:
        super().__init__()
        self.leads_written = 0
        self.lines: list[tuple[int, str]] = []

    @override
    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith("lead_form_responses: "):
            self.lines.append((self.leads_written, message))


def test_each_owner_line_comes_right_after_the_owners_last_lead_is_written(
    sandbox: StartSandbox, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _data()
    server = _serve(sandbox, data)
    owners = _lead_owners(data)
    tap = TapLinkedInLeads(config=_config(server), parse_env_config=False)
    spy = _LeadsWrittenAtEachLine()
    write = ProportionalStateWriter.write_message

    def counting_write(writer: ProportionalStateWriter, message: Message) -> None:
        write(writer, message)
        if isinstance(message, RecordMessage) and message.stream == "lead_form_responses":
            spy.leads_written += 1

    monkeypatch.setattr(ProportionalStateWriter, "write_message", counting_write)
    caplog.set_level(logging.INFO)
    logger = logging.getLogger(tap.name)
    logger.addHandler(spy)
    try:
        with capture_stdout() as output:
            tap.sync_all()
    finally:
        logger.removeHandler(spy)

    leads = SyncOutput(parse_messages(output.getvalue())).records("lead_form_responses")
    assert [line.split(" (")[0] for _, line in spy.lines] == [
        f"lead_form_responses: {owner.name}" for owner in owners
    ]
    # Each line: every lead of its owner, and none of the next, already written.
    written_before = 0
    for owner, (written, _) in zip(owners, spy.lines, strict=True):
        assert written == written_before + owner.leads
        for lead in leads[written_before:written]:
            assert {key: lead.get(key) for key in owner.context} == owner.context
        written_before = written
    assert written_before == len(leads)


def _untimed(lines: list[str]) -> list[str]:
    """Progress lines with their durations blanked (they differ from run to run)."""
    return [
        re.sub(r"[0-9.]+ s\b|[0-9]+ min [0-9]+ s|[0-9]+ h [0-9]+ min", "<time>", x) for x in lines
    ]


def test_with_parallel_requests_the_lines_are_the_serial_ones_in_the_same_order(
    tmp_path: Path, sandbox: StartSandbox
) -> None:
    data = _data()
    server = _serve(sandbox, data)
    config = _config(server)
    del config["account_ids"]  # discovered: the next accounts' requests are sent ahead too
    streams = ("lead_form_responses: ", "campaigns: ", "lead_forms: ", "Run ")

    runs = {}
    for parallel in (1, 8):
        run = run_cli(tmp_path, {**config, "max_parallel_requests": parallel})
        assert run.returncode == 0, run.stderr[-2000:]
        runs[parallel] = [m for _, m in _messages(run) if m.startswith(streams)]

    assert len(runs[1]) == len(_lead_owners(data)) + 3
    assert _untimed(runs[8][:-1]) == _untimed(runs[1][:-1])
    # The summary: the same records and owners; more calls, as pages were sent ahead.
    assert _untimed(runs[8])[-1].split(";")[0] == _untimed(runs[1])[-1].split(";")[0]


def _seconds(line: str) -> float:
    after = re.search(r"after (?:([0-9]+) min ([0-9]+) s|([0-9.]+) s)", line)
    assert after is not None, line
    minutes, seconds, plain = after.groups()
    return float(plain) if plain else int(minutes) * 60 + int(seconds)


def test_with_parallel_requests_the_heartbeat_stays_at_one_line_per_30_seconds(
    sandbox: StartSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    # About 27 lead pages: more than the requests that may be in flight at once. Pages sent
    # ahead move the clock faster than the main thread reads them.
    data = SandboxData.generate(seed=43, accounts=1, organizations=0, leads_per_form=100)

    beats = _heartbeats(_serve(sandbox, data), caplog, parallel=8)

    assert len(beats) >= 2
    times = [_seconds(beat) for beat in beats]
    assert all(later - earlier >= 30 for earlier, later in itertools.pairwise(times)), beats
