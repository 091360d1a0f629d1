"""Progress a person can follow: a line per owner, a heartbeat on long owners, a run summary.

Every line here is built from counts, ids, endpoint names and times only: never a lead's
answers, names or e-mails, and never a token.

Threads: the call counters may be bumped from any thread (requests may run on workers);
everything else (owners, pages, records, the heartbeat and every log line) happens in the
main thread, where the records are emitted, so the lines come in emission order.
"""

from __future__ import annotations

import collections
import math
import threading
import time
import typing as t
from dataclasses import dataclass, field

from tap_linkedin_leads.errors import DailyLimitError

if t.TYPE_CHECKING:
    import logging
    from collections.abc import Callable

    from tap_linkedin_leads.pagination import Paging

__all__ = ["HEARTBEAT_SECONDS", "OwnerTally", "RunProgress", "StreamProgress", "how_it_ended"]

#: At most one heartbeat line per this many seconds, for the whole run.
HEARTBEAT_SECONDS = 30.0
#: Owners named one by one in the summary of an incomplete run; the rest are counted.
RESUME_NAMES_SHOWN = 10


def _n(value: int) -> str:
    return f"{value:,}"


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def _listing(names: list[str]) -> str:
    shown = names[:RESUME_NAMES_SHOWN]
    rest = len(names) - len(shown)
    return "; ".join(shown) + (f" and {_n(rest)} more" if rest else "")


@dataclass
class OwnerTally:
    """What one owner (ad account, or organization and lead type) of one stream did."""

    name: str
    #: 1-based position among the stream's owners this run; total ``None`` when unknown.
    position: int
    total: int | None
    started_at: float
    records: int = 0
    pages: int = 0
    elements: int = 0
    #: Why LinkedIn would not let the owner be read, when it was skipped.
    skipped: str | None = None
    # Pages and elements of the finished request sequences (windows, test-lead passes),
    # and ``paging.total`` and ``count`` of the current one: the basis of the estimate.
    _done_pages: int = 0
    _done_elements: int = 0
    _sequence_pages: int = 0
    _sequence_elements: int = 0
    _sequence_total: int | None = None
    _sequence_count: int | None = None

    @property
    def where(self) -> str:
        """``ad account 5 (3 of 40)``."""
        of = (
            f" of {_n(self.total)}"
            if self.total is not None and self.position <= self.total
            else ""
        )
        return f"{self.name} ({_n(self.position)}{of})"

    def page_read(self, elements: int, paging: Paging) -> None:
        """Count one page; a page at offset 0 starts a new request sequence."""
        if paging.start == 0 and self._sequence_pages:
            self._done_pages += self._sequence_pages
            self._done_elements += self._sequence_elements
            self._sequence_pages = self._sequence_elements = 0
        self.pages += 1
        self.elements += elements
        self._sequence_pages += 1
        self._sequence_elements += elements
        self._sequence_total = paging.total
        self._sequence_count = paging.count or self._sequence_count

    def estimate(self) -> tuple[int, int] | None:
        """About how many pages and elements the owner has, from ``paging.total``."""
        total, count = self._sequence_total, self._sequence_count
        if total is None or not count:
            return None
        pages = self._done_pages + max(1, math.ceil(total / count))
        return max(pages, self.pages), max(self._done_elements + total, self.elements)


@dataclass
class StreamProgress:
    """One stream's owners and counts, as the run's progress sees them."""

    name: str
    #: What the stream's records are, in lines: ``leads``, ``lead forms``.
    noun: str
    #: Log a line when each owner is done (else one line for the stream when all are).
    per_owner: bool
    run: RunProgress
    records: int = 0
    pages: int = 0
    planned: list[str] | None = None
    finished: list[OwnerTally] = field(default_factory=list)
    current: OwnerTally | None = None
    seconds: float = 0.0

    def plan(self, owners: list[str]) -> None:
        """The owners this run will read, in order (for positions and the resume list)."""
        self.planned = owners

    def start_owner(self, name: str) -> OwnerTally:
        """Begin an owner; its records are then counted with :meth:`record_emitted`."""
        position = len(self.finished) + 1
        total = len(self.planned) if self.planned is not None else None
        self.current = OwnerTally(name, position, total, self.run.now())
        return self.current

    def record_emitted(self) -> None:
        """Count one record written to the output."""
        self.records += 1
        if self.current is not None:
            self.current.records += 1

    def page_read(self, elements: int, paging: Paging) -> None:
        """Count one page of the current owner, and beat the heartbeat if it is due."""
        self.pages += 1
        if self.current is not None:
            self.current.page_read(elements, paging)
            self.run.heartbeat(self, self.current)

    def skip_current(self, reason: str) -> None:
        """LinkedIn refused the current owner; it is reported as skipped."""
        if self.current is not None:
            self.current.skipped = reason

    def finish_owner(self, bookmark: tuple[str | None, str | None] | None) -> None:
        """The current owner's records are all emitted; ``bookmark`` is (before, after)."""
        owner = self.current
        if owner is None:
            return
        self.current = None
        self.finished.append(owner)
        took = self.run.now() - owner.started_at
        self.seconds += took
        if not self.per_owner:
            return
        if owner.skipped:
            self.run.logger.info(
                "%s: %s skipped (%s) after %s; its bookmark is unchanged.",
                self.name,
                owner.where,
                owner.skipped,
                _duration(took),
            )
            return
        self.run.logger.info(
            "%s: %s done: %s %s emitted from %s page%s in %s; %s.",
            self.name,
            owner.where,
            _n(owner.records),
            self.noun,
            _n(owner.pages),
            "" if owner.pages == 1 else "s",
            _duration(took),
            _bookmark_phrase(bookmark),
        )

    @property
    def skipped(self) -> list[OwnerTally]:
        """Finished owners LinkedIn refused."""
        return [owner for owner in self.finished if owner.skipped]

    @property
    def had_owners(self) -> bool:
        """Whether any owner of this stream was started this run."""
        return bool(self.finished) or self.current is not None

    def owners_phrase(self) -> str:
        """``from 40 owners (2 skipped: ad account 5; ad account 9)``."""
        owners = len(self.finished) + (1 if self.current is not None else 0)
        skipped = [owner.name for owner in self.skipped]
        text = f"from {_n(owners)} owner{'' if owners == 1 else 's'}"
        return text + (f" ({_n(len(skipped))} skipped: {_listing(skipped)})" if skipped else "")

    def log_totals(self) -> None:
        """One line for a stream without per-owner lines, once all its owners are done."""
        if self.per_owner or not self.finished:
            return
        self.run.logger.info(
            "%s: %s %s emitted %s, %s page%s read in %s.",
            self.name,
            _n(self.records),
            self.noun,
            self.owners_phrase(),
            _n(self.pages),
            "" if self.pages == 1 else "s",
            _duration(self.seconds),
        )

    def not_finished(self) -> list[str]:
        """Owners started but not finished, then owners not reached, in run order."""
        interrupted = [f"{self.current.name} (interrupted)"] if self.current else []
        if self.planned is None:
            return interrupted
        started = {owner.name for owner in self.finished}
        if self.current is not None:
            started.add(self.current.name)
        return interrupted + [name for name in self.planned if name not in started]


def _bookmark_phrase(bookmark: tuple[str | None, str | None] | None) -> str:
    if bookmark is None:
        return "no bookmark"
    before, after = bookmark
    if after is None:
        return "no bookmark yet"
    if after == before:
        return f"bookmark unchanged at {after}"
    return f"bookmark now {after}"


class RunProgress:
    """The run's progress: per-owner lines, heartbeats, call counts and the closing summary.

    The tap creates one per run and hands it to every stream. ``clock`` (seconds, monotonic)
    can be replaced, so tests drive the heartbeat without sleeping.
    """

    def __init__(self, logger: logging.Logger, clock: Callable[[], float] = time.monotonic) -> None:
        """Start counting now."""
        self.logger = logger
        self.clock = clock
        self._started_at = clock()
        self._last_heartbeat: float | None = None
        self._lock = threading.Lock()
        self._calls: collections.Counter[str] = collections.Counter()
        self._retries = 0
        self._rate_limited = 0
        self._streams: dict[str, StreamProgress] = {}

    def now(self) -> float:
        """The injected clock's reading."""
        return self.clock()

    def start(self) -> None:
        """The sync begins: elapsed time is counted from here."""
        self._started_at = self.clock()

    def stream(self, name: str, *, noun: str, per_owner: bool = False) -> StreamProgress:
        """The progress of one stream (created on first use)."""
        if name not in self._streams:
            self._streams[name] = StreamProgress(name, noun, per_owner, self)
        return self._streams[name]

    # Calls (any thread)

    def count_call(self, endpoint: str) -> None:
        """One HTTP request sent (each retry is a request too)."""
        with self._lock:
            self._calls[endpoint] += 1

    def count_retry(self) -> None:
        """One request is about to be retried."""
        with self._lock:
            self._retries += 1

    def count_rate_limited(self) -> None:
        """LinkedIn answered 429."""
        with self._lock:
            self._rate_limited += 1

    # Lines (main thread)

    def heartbeat(self, stream: StreamProgress, owner: OwnerTally) -> None:
        """Log where a long owner stands, at most once per :data:`HEARTBEAT_SECONDS`."""
        now = self.clock()
        since = max(owner.started_at, self._last_heartbeat or owner.started_at)
        if now - since < HEARTBEAT_SECONDS:
            return
        self._last_heartbeat = now
        estimate = owner.estimate()
        if estimate is None:
            where = f"page {_n(owner.pages)}, {_n(owner.elements)} {stream.noun} read so far"
        else:
            pages, elements = estimate
            where = (
                f"page {_n(owner.pages)} of about {_n(pages)}, {_n(owner.elements)} of about "
                f"{_n(elements)} {stream.noun} read"
            )
        self.logger.info(
            "%s: %s still running after %s: %s.",
            stream.name,
            owner.where,
            _duration(now - owner.started_at),
            where,
        )

    def log_stream_totals(self) -> None:
        """One line for each stream that logs no per-owner lines."""
        for stream in self._streams.values():
            stream.log_totals()

    def log_summary(self, ending: str | None) -> None:
        """The closing line; ``ending`` says why an incomplete run stopped (``None``: done)."""
        elapsed = _duration(self.clock() - self._started_at)
        with self._lock:
            # In the order a sync first calls them, whichever request went out first.
            calls = dict(sorted(self._calls.items(), key=lambda item: _endpoint_rank(item[0])))
            retries, rate_limited = self._retries, self._rate_limited
        # Streams that wrote nothing and read no owner were not synced (deselected).
        records = ", ".join(
            f"{s.name} {_n(s.records)}" + (f" {s.owners_phrase()}" if s.had_owners else "")
            for s in self._streams.values()
            if s.records or s.had_owners
        )
        total = sum(calls.values())
        by_endpoint = ", ".join(f"{name} {_n(n)}" for name, n in calls.items())
        done = (
            f"records {records or 'none'}; {_n(total)} call{'' if total == 1 else 's'}"
            + (f" ({by_endpoint})" if by_endpoint else "")
            + f" with {_n(retries)} retr{'y' if retries == 1 else 'ies'} and "
            f"{_n(rate_limited)} answered 429"
        )
        if ending is None:
            self.logger.info("Run finished in %s: %s.", elapsed, done)
            return
        resumes = [
            f" The next run resumes {s.name} from the last bookmark of: {_listing(names)}."
            for s in self._streams.values()
            if s.per_owner and (names := s.not_finished())
        ]
        self.logger.warning(
            "Run %s after %s: %s.%s",
            ending,
            elapsed,
            done,
            "".join(resumes) or " The next run starts again from the last STATE.",
        )


def how_it_ended(exc: BaseException) -> str:
    """How a run that raised ``exc`` ended, in words for the summary."""
    if isinstance(exc, DailyLimitError):
        return "stopped at LinkedIn's daily API limit"
    if isinstance(exc, (SystemExit, KeyboardInterrupt)):
        return "was stopped by a signal"
    return "stopped by an error"


#: Endpoints in the order a sync reaches them; with requests in flight together, the order
#: in which they were first called varies from run to run.
_ENDPOINT_ORDER = ("adAccounts", "adCampaigns", "leadForms", "leadFormResponses")


def _endpoint_rank(endpoint: str) -> tuple[int, str]:
    known = endpoint in _ENDPOINT_ORDER
    return (_ENDPOINT_ORDER.index(endpoint) if known else len(_ENDPOINT_ORDER), endpoint)
