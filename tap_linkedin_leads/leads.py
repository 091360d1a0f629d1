"""Fields the tap derives on each lead response, and its time conversions.

``submitted_at`` is the replication key: one fixed ISO 8601 format with milliseconds and an
explicit UTC offset, because the SDK compares bookmarks as strings.
"""

from __future__ import annotations

import datetime
import typing as t

import pendulum

from tap_linkedin_leads.restli import parse_urn_id

__all__ = [
    "derive_lead_fields",
    "format_submitted_at",
    "owner_ids",
    "parse_datetime",
    "to_epoch_ms",
]

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def to_epoch_ms(moment: datetime.datetime) -> int:
    """Epoch milliseconds of an aware datetime, computed without float rounding."""
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def format_submitted_at(epoch_ms: int) -> str:
    """``2024-01-31T12:00:00.123+00:00`` for an epoch-millisecond time."""
    moment = _EPOCH + datetime.timedelta(milliseconds=epoch_ms)
    return moment.isoformat(timespec="milliseconds")


def parse_datetime(value: object) -> datetime.datetime | None:
    """Parse an ISO 8601 date or date-time (``Z``, offsets, date only) as an aware UTC time.

    Used for ``start_date``/``end_date`` and bookmarks; naive values are taken as UTC.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = pendulum.parse(value.strip(), tz="UTC")
    except ValueError:
        return None
    if not isinstance(parsed, datetime.datetime):
        return None  # A duration or a bare time of day.
    utc = parsed.astimezone(datetime.timezone.utc)
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


def owner_ids(owner: object) -> tuple[int | None, int | None]:
    """(ad account id, organization id) from LinkedIn's owner union."""
    if not isinstance(owner, dict):
        return None, None
    return (
        parse_urn_id(owner.get("sponsoredAccount"), "sponsoredAccount"),
        parse_urn_id(owner.get("organization"), "organization"),
    )


def _nested(record: t.Mapping[str, t.Any], *path: str) -> t.Any:
    value: t.Any = record
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def derive_lead_fields(record: dict[str, t.Any]) -> dict[str, t.Any]:
    """Add ``submitted_at``, owner and attribution ids; raw fields stay untouched.

    ``form_id`` and ``form_version`` come from the form catalog, which parses the URN once.
    """
    submitted = record.get("submittedAt")
    record["submitted_at"] = (
        format_submitted_at(submitted)
        if isinstance(submitted, int) and not isinstance(submitted, bool)
        else None
    )
    record["account_id"], record["organization_id"] = owner_ids(record.get("owner"))
    record["campaign_id"] = parse_urn_id(
        _nested(record, "leadMetadata", "sponsoredLeadMetadata", "campaign"),
        "sponsoredCampaign",
    )
    record["creative_id"] = parse_urn_id(
        _nested(record, "associatedEntity", "associatedCreative"),
        "sponsoredCreative",
    )
    return record
