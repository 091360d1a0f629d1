"""Times: ISO 8601 settings and bookmarks in, LinkedIn's epoch milliseconds out, and back.

``submitted_at`` is the replication key: one fixed ISO 8601 format with milliseconds and an
explicit UTC offset, because the SDK compares bookmarks as strings.
"""

from __future__ import annotations

import datetime

import pendulum

__all__ = ["format_submitted_at", "parse_datetime", "to_epoch_ms"]

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def to_epoch_ms(moment: datetime.datetime) -> int:
    """Epoch milliseconds of an aware datetime, computed without float rounding."""
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


_DAY_MS = 86_400_000
#: ``2024-01-31T`` by days since the epoch: leads of a run fall on a few hundred days.
_DAY_PREFIXES: dict[int, str] = {}


def format_submitted_at(epoch_ms: int) -> str:
    """``2024-01-31T12:00:00.123+00:00`` for an epoch-millisecond time.

    Runs once per lead, so the date part is computed once per day and the time of day with
    integer arithmetic; the result is what ``datetime.isoformat`` gives.
    """
    day, ms_of_day = divmod(epoch_ms, _DAY_MS)
    prefix = _DAY_PREFIXES.get(day)
    if prefix is None:
        date = (_EPOCH + datetime.timedelta(days=day)).date()
        prefix = _DAY_PREFIXES[day] = f"{date.isoformat()}T"
    seconds, millis = divmod(ms_of_day, 1000)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return f"{prefix}{hour:02d}:{minute:02d}:{second:02d}.{millis:03d}+00:00"


def parse_datetime(value: object) -> datetime.datetime | None:
    """Parse an ISO 8601 date or date-time (``Z``, offsets, date only) as an aware UTC time.

    Used for ``start_date``/``end_date`` and bookmarks; naive values are taken as UTC.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        # ``exact``: a bare time of day stays a time (not that time today), a date a date.
        parsed = pendulum.parse(value.strip(), tz="UTC", exact=True)
    except ValueError:
        return None
    if isinstance(parsed, datetime.datetime):
        utc = parsed.astimezone(datetime.timezone.utc)
    elif isinstance(parsed, datetime.date):
        return datetime.datetime(
            parsed.year, parsed.month, parsed.day, tzinfo=datetime.timezone.utc
        )
    else:
        return None  # A time of day, a duration or an interval: no moment.
    return datetime.datetime(
        utc.year,
        utc.month,
        utc.day,
        utc.hour,
        utc.minute,
        utc.second,
        utc.microsecond,
        tzinfo=datetime.timezone.utc,
    )
