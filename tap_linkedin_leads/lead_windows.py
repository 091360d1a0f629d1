"""The ``submittedAtTimeRange`` windows a lead sync asks for, and the leads each one keeps.

Two things about LinkedIn's time range are undocumented:

- whether its bounds are inclusive. A window that joins the previous one asks from a
  millisecond before the joint, and keeps only the leads on its own side of each joint:
  a lead on a joint is emitted exactly once whatever LinkedIn does. The sync's own outer
  bounds filter nothing, so no lead LinkedIn returns is dropped;
- the longest span it accepts. The whole window is asked for at once; when LinkedIn
  rejects the span, the window is asked again in halves (never below a day).
"""

from __future__ import annotations

from dataclasses import dataclass

from tap_linkedin_leads.payload import json_int

__all__ = ["DAY_MS", "MIN_SPAN_MS", "Window", "halved_span", "next_window"]

DAY_MS = 86_400_000
#: A rejected span is not split below a day: LinkedIn objects to something else then.
MIN_SPAN_MS = DAY_MS


@dataclass(frozen=True)
class Window:
    """One ``submittedAtTimeRange`` request and which of its leads are this window's."""

    #: The (start, end) sent, in epoch milliseconds.
    start: int
    end: int
    #: Leads submitted before this belong to the previous window (``None``: no joint).
    keep_from: int | None = None
    #: Leads submitted at or after this belong to the next window (``None``: no joint).
    keep_before: int | None = None

    @property
    def span(self) -> int:
        """Milliseconds asked for."""
        return self.end - self.start

    @property
    def keeps_all(self) -> bool:
        """Whether every lead LinkedIn returns for this window is kept (it has no joint)."""
        return self.keep_from is None and self.keep_before is None

    def keeps(self, submitted_at: object) -> bool:
        """Whether a lead submitted at ``submitted_at`` is this window's to emit.

        A lead without an integer ``submittedAt`` is kept: dropping it would lose it.
        """
        instant = json_int(submitted_at)
        if instant is None:
            return True
        if self.keep_from is not None and instant < self.keep_from:
            return False
        return self.keep_before is None or instant < self.keep_before


def next_window(cursor: int, first_ms: int, end_ms: int, max_span_ms: int | None) -> Window:
    """The window that reads on from ``cursor`` in a sync of ``[first_ms, end_ms)``.

    ``max_span_ms`` is the longest span LinkedIn accepted so far (``None``: no limit known).
    """
    joined = cursor > first_ms
    start = cursor - 1 if joined else cursor
    span = min(max_span_ms or end_ms - start, end_ms - start)
    end = start + span
    return Window(start, end, cursor if joined else None, end if end < end_ms else None)


def halved_span(rejected: Window) -> int | None:
    """The span to ask for once LinkedIn rejected ``rejected``'s; ``None`` below a day."""
    half = rejected.span // 2
    return half if half >= MIN_SPAN_MS else None
