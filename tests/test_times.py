"""Times: settings and bookmarks parsed as UTC, epoch milliseconds, ``submitted_at``'s format."""

from __future__ import annotations

import datetime

import pytest

from tap_linkedin_leads.times import format_submitted_at, parse_datetime, to_epoch_ms

UTC = datetime.timezone.utc
JAN_1 = 1704067200000  # 2024-01-01T00:00:00Z


def test_submitted_at_format_is_fixed_width_utc_milliseconds() -> None:
    assert format_submitted_at(JAN_1 + 7) == "2024-01-01T00:00:00.007+00:00"
    moment = datetime.datetime(2024, 1, 1, 0, 0, 0, 7000, tzinfo=UTC)
    assert to_epoch_ms(moment) == JAN_1 + 7


def test_submitted_at_is_the_iso_format_with_milliseconds_and_utc_offset() -> None:
    epoch = datetime.datetime(1970, 1, 1, tzinfo=UTC)
    moments = [0, 1, 999, 59_999, 86_399_999, 86_400_000, 1_704_067_200_000, 1_689_894_599_288]
    moments += [951_782_400_123, 1_709_164_800_001, -1, -86_400_001, 4_102_444_799_999]
    for ms in moments:
        expected = (epoch + datetime.timedelta(milliseconds=ms)).isoformat(timespec="milliseconds")
        assert format_submitted_at(ms) == expected, ms
    assert format_submitted_at(1_689_894_599_288) == "2023-07-20T23:09:59.288+00:00"


def test_epoch_milliseconds_drop_sub_millisecond_digits_without_float_rounding() -> None:
    moment = datetime.datetime(2262, 4, 11, 23, 47, 16, 854_775, tzinfo=UTC)
    assert to_epoch_ms(moment) == 9_223_372_036_854
    assert to_epoch_ms(datetime.datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)) == -1


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("2024-01-01T00:00:00Z", datetime.datetime(2024, 1, 1, tzinfo=UTC)),
        ("2024-01-01T00:00:00.007+00:00", datetime.datetime(2024, 1, 1, 0, 0, 0, 7000, tzinfo=UTC)),
        ("2024-01-01T02:30:00+02:30", datetime.datetime(2024, 1, 1, tzinfo=UTC)),
        ("2024-01-01T00:00:00", datetime.datetime(2024, 1, 1, tzinfo=UTC)),  # naive: UTC
        ("2024-01-01", datetime.datetime(2024, 1, 1, tzinfo=UTC)),
        (" 2024-01-01 ", datetime.datetime(2024, 1, 1, tzinfo=UTC)),
    ],
)
def test_iso_dates_and_date_times_are_read_as_utc(text: str, parsed: datetime.datetime) -> None:
    result = parse_datetime(text)
    assert result == parsed
    assert result is not None
    assert result.tzinfo is UTC


@pytest.mark.parametrize(
    "value",
    [
        "",
        "  ",
        "yesterday",
        "2026-31-10",
        "P1D",
        "2024-01-01/2024-02-01",
        "12:00",
        "T12:00:00Z",
        1730365514025,
        None,
    ],
    ids=[
        "empty",
        "blank",
        "word",
        "month-31",
        "duration",
        "interval",
        "time-of-day",
        "t-time",
        "number",
        "null",
    ],
)
def test_what_is_not_an_iso_date_or_date_time_is_none(value: object) -> None:
    assert parse_datetime(value) is None
