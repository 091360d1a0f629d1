"""Progress lines from a hand-driven clock: the heartbeat's pace and estimate, the summary."""

from __future__ import annotations

import logging

import pytest

from tap_linkedin_leads.errors import DailyLimitError, RetriesExhaustedError
from tap_linkedin_leads.pagination import Paging
from tap_linkedin_leads.progress import RunProgress, StreamProgress, how_it_ended

LOGGER = "test.progress"


class Clock:
    """Seconds that pass only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def run(clock: Clock) -> RunProgress:
    return RunProgress(logging.getLogger(LOGGER), clock=clock)


@pytest.fixture
def leads(run: RunProgress) -> StreamProgress:
    return run.stream("lead_form_responses", noun="leads", per_owner=True)


class Log:
    """What the progress logger said at INFO and above, and nothing of other loggers."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.INFO, logger=LOGGER)
        self._caplog = caplog

    def records(self) -> list[logging.LogRecord]:
        return [r for r in self._caplog.records if r.name == LOGGER]

    def lines(self) -> list[str]:
        return [r.getMessage() for r in self.records()]

    def clear(self) -> None:
        self._caplog.clear()


@pytest.fixture
def log(caplog: pytest.LogCaptureFixture) -> Log:
    return Log(caplog)


def page(start: int, count: int, total: int | None) -> Paging:
    return Paging(start=start, count=count, total=total)


def test_a_long_owner_beats_every_30_seconds_with_paging_total_estimates(
    run: RunProgress, leads: StreamProgress, clock: Clock, log: Log
) -> None:
    leads.plan(["ad account 1", "ad account 2", "ad account 3"])
    leads.start_owner("ad account 1")
    # 97 pages of 1,000 would be read; one page every 10 s.
    for number in range(1, 13):
        clock.now += 10
        leads.page_read(1000, page((number - 1) * 1000, 1000, 96_500))

    assert log.lines() == [
        f"lead_form_responses: ad account 1 (1 of 3) still running after {after}: "
        f"page {number} of about 97, {number},000 of about 96,500 leads read."
        for number, after in (
            (3, "30.0 s"),
            (6, "1 min 00 s"),
            (9, "1 min 30 s"),
            (12, "2 min 00 s"),
        )
    ]


def test_the_heartbeat_stays_at_one_line_per_30_seconds_across_owners(
    run: RunProgress, leads: StreamProgress, clock: Clock, log: Log
) -> None:
    forms = run.stream("lead_forms", noun="lead forms")
    leads.start_owner("ad account 1")
    clock.now += 31
    leads.page_read(10, page(0, 10, 100))
    first = (
        "lead_form_responses: ad account 1 (1) still running after 31.0 s: page 1 of about 10, "
        "10 of about 100 leads read."
    )
    # Another stream's long owner, 29 s after that line: too soon for a second one.
    forms.start_owner("ad account 1")
    clock.now += 29
    forms.page_read(10, page(0, 10, 500))
    assert log.lines() == [first]
    clock.now += 1
    forms.page_read(10, page(10, 10, 500))
    assert log.lines() == [
        first,
        "lead_forms: ad account 1 (1) still running after 30.0 s: page 2 of about 50, "
        "20 of about 500 lead forms read.",
    ]


def test_a_short_owner_never_beats(leads: StreamProgress, clock: Clock, log: Log) -> None:
    for owner in range(5):
        leads.start_owner(f"ad account {owner}")
        clock.now += 29
        leads.page_read(3, page(0, 10, 3))
        leads.finish_owner(("2026-01-01", "2026-01-01"))

    said = log.lines()
    assert len(said) == 5
    assert all(" done: " in line and "still running" not in line for line in said), said


def test_the_estimate_adds_up_windows_and_passes_and_says_so_without_a_total(
    leads: StreamProgress, clock: Clock, log: Log
) -> None:
    leads.start_owner("organization 7, EVENT leads")
    # A first window of 25 leads in 3 pages, then a second window from offset 0 again.
    for start, elements in ((0, 10), (10, 10), (20, 5)):
        leads.page_read(elements, page(start, 10, 25))
    clock.now += 30
    leads.page_read(10, page(0, 10, 40))
    clock.now += 30
    leads.page_read(7, Paging(start=10, count=10, total=None))

    assert log.lines() == [
        "lead_form_responses: organization 7, EVENT leads (1) still running after 30.0 s: "
        "page 4 of about 7, 35 of about 65 leads read.",
        "lead_form_responses: organization 7, EVENT leads (1) still running after 1 min 00 s: "
        "page 5, 42 leads read so far.",
    ]


def test_owner_lines_name_position_counts_time_and_bookmark(
    leads: StreamProgress, clock: Clock, log: Log
) -> None:
    leads.plan(["ad account 1", "ad account 2", "organization 7, EVENT leads"])
    leads.start_owner("ad account 1")
    for _ in range(3):
        leads.record_emitted()
    leads.page_read(3, page(0, 10, 3))
    clock.now += 4.25
    leads.finish_owner((None, "2026-01-02T00:00:00.000+00:00"))
    leads.start_owner("ad account 2")
    leads.skip_current("access denied")
    leads.finish_owner((None, None))
    leads.start_owner("organization 7, EVENT leads")
    leads.page_read(0, page(0, 10, 0))
    clock.now += 75
    leads.finish_owner(("2026-01-01T00:00:00.000+00:00", "2026-01-01T00:00:00.000+00:00"))

    assert log.lines() == [
        "lead_form_responses: ad account 1 (1 of 3) done: 3 leads emitted from 1 page in "
        "4.2 s; bookmark now 2026-01-02T00:00:00.000+00:00.",
        "lead_form_responses: ad account 2 (2 of 3) skipped (access denied) after 0.0 s; its "
        "bookmark is unchanged.",
        "lead_form_responses: organization 7, EVENT leads (3 of 3) done: 0 leads emitted from "
        "1 page in 1 min 15 s; bookmark unchanged at 2026-01-01T00:00:00.000+00:00.",
    ]


def test_the_summary_of_a_finished_run_counts_records_owners_calls_retries_and_429s(
    run: RunProgress, leads: StreamProgress, clock: Clock, log: Log
) -> None:
    accounts = run.stream("ad_accounts", noun="ad accounts")
    run.start()
    accounts.record_emitted()
    accounts.record_emitted()
    for owner, emitted in (("ad account 1", 2), ("ad account 2", 0)):
        leads.start_owner(owner)
        for _ in range(emitted):
            leads.record_emitted()
        if not emitted:
            leads.skip_current("access denied")
        leads.finish_owner((None, None))
    for endpoint in ("adAccounts", "leadFormResponses", "leadFormResponses", "leadFormResponses"):
        run.count_call(endpoint)
    run.count_rate_limited()
    run.count_retry()
    clock.now += 3725
    log.clear()

    run.log_summary(None)

    [record] = log.records()
    assert record.levelno == logging.INFO
    assert record.getMessage() == (
        "Run finished in 1 h 02 min: records lead_form_responses 2 from 2 owners (1 skipped: "
        "ad account 2), ad_accounts 2; 4 calls (adAccounts 1, leadFormResponses 3) with 1 retry "
        "and 1 answered 429."
    )


def test_the_summary_of_an_incomplete_run_names_the_owners_the_next_run_resumes(
    run: RunProgress, leads: StreamProgress, log: Log
) -> None:
    owners = [f"ad account {n}" for n in range(1, 15)]
    leads.plan(owners)
    leads.start_owner("ad account 1")
    leads.finish_owner((None, None))
    leads.start_owner("ad account 2")
    leads.record_emitted()
    log.clear()

    run.log_summary(how_it_ended(DailyLimitError("leadFormResponses")))

    [record] = log.records()
    assert record.levelno == logging.WARNING
    assert record.getMessage() == (
        "Run stopped at LinkedIn's daily API limit after 0.0 s: records lead_form_responses 1 "
        "from 2 owners; 0 calls with 0 retries and 0 answered 429. The next run resumes "
        "lead_form_responses from the last bookmark of: ad account 2 (interrupted); "
        "ad account 3; ad account 4; ad account 5; ad account 6; ad account 7; ad account 8; "
        "ad account 9; ad account 10; ad account 11 and 3 more."
    )


def test_a_run_that_stops_before_its_owners_are_known_starts_again_from_the_state(
    run: RunProgress, log: Log
) -> None:
    run.stream("lead_form_responses", noun="leads", per_owner=True)

    run.log_summary(how_it_ended(RetriesExhaustedError("LinkedIn did not answer")))

    assert log.lines() == [
        "Run stopped by an error after 0.0 s: records none; 0 calls with "
        "0 retries and 0 answered 429. The next run starts again from the last STATE."
    ]


@pytest.mark.parametrize(
    ("exc", "words"),
    [
        (DailyLimitError("leadForms"), "stopped at LinkedIn's daily API limit"),
        (SystemExit(0), "was stopped by a signal"),
        (KeyboardInterrupt(), "was stopped by a signal"),
        (RetriesExhaustedError("x"), "stopped by an error"),
    ],
)
def test_how_a_run_ended(exc: BaseException, words: str) -> None:
    assert how_it_ended(exc) == words
