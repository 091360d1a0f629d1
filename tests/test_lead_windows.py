"""Window planning for lead syncs: joints asked from a millisecond earlier, keep-filters,
and halving a span LinkedIn rejected."""

from __future__ import annotations

import pytest

from tap_linkedin_leads.lead_windows import DAY_MS, Window, halved_span, next_window

START = 1_704_067_200_000  # 2024-01-01
END = START + 30 * DAY_MS


def test_the_first_window_asks_for_the_whole_sync_and_filters_nothing() -> None:
    window = next_window(START, START, END, None)

    assert window == Window(START, END, None, None)
    assert window.keeps_all


def test_a_known_span_limit_cuts_the_first_window_and_keeps_only_leads_before_its_end() -> None:
    window = next_window(START, START, END, 10 * DAY_MS)

    assert window == Window(START, START + 10 * DAY_MS, None, START + 10 * DAY_MS)
    assert not window.keeps_all


def test_a_window_that_joins_the_previous_one_asks_from_a_millisecond_earlier() -> None:
    joint = START + 10 * DAY_MS

    window = next_window(joint, START, END, 10 * DAY_MS)

    assert (window.start, window.end) == (joint - 1, joint - 1 + 10 * DAY_MS)
    assert (window.keep_from, window.keep_before) == (joint, joint - 1 + 10 * DAY_MS)


def test_the_last_window_ends_at_the_sync_end_and_keeps_everything_after_its_joint() -> None:
    joint = END - 3 * DAY_MS

    window = next_window(joint, START, END, 10 * DAY_MS)

    assert window == Window(joint - 1, END, joint, None)


def test_consecutive_windows_keep_each_instant_they_may_return_exactly_once() -> None:
    # Whatever LinkedIn's bound semantics, a lead at any instant from the sync's start to
    # its end is kept by exactly one of the windows that may return it.
    span, first, end = 7, 100, 130
    windows, cursor = [], first
    while cursor < end:
        window = next_window(cursor, first, end, span)
        windows.append(window)
        cursor = window.end

    for instant in range(first, end + 1):
        holders = [w for w in windows if w.start <= instant <= w.end and w.keeps(instant)]
        assert len(holders) == 1, instant


@pytest.mark.parametrize(
    ("submitted_at", "kept"),
    [
        (199, False),  # The previous window's side of the joint.
        (200, True),
        (299, True),
        (300, False),  # The next window's side.
        ("300", True),  # Not an int: kept rather than lost.
        (None, True),
        (False, True),  # JSON `false` is no time either (bool is an int subclass in Python).
    ],
)
def test_keeps_filters_on_both_joints(submitted_at: object, *, kept: bool) -> None:
    assert Window(199, 300, keep_from=200, keep_before=300).keeps(submitted_at) is kept


def test_a_rejected_span_is_halved() -> None:
    assert halved_span(Window(START, START + 30 * DAY_MS)) == 15 * DAY_MS


def test_a_rejected_span_is_not_split_below_a_day() -> None:
    assert halved_span(Window(START, START + 2 * DAY_MS)) == DAY_MS
    assert halved_span(Window(START, START + 2 * DAY_MS - 2)) is None
