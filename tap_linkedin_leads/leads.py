"""Fields the tap derives on each lead response, and its time conversions.

``submitted_at`` is the replication key: one fixed ISO 8601 format with milliseconds and an
explicit UTC offset, because the SDK compares bookmarks as strings.
"""

from __future__ import annotations

import datetime
import typing as t

import pendulum

from tap_linkedin_leads.payload import dig, json_int
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


class _UrnIds:
    """Ids of one kind of URN, each parsed once per run.

    Owners, campaigns and creatives repeat from lead to lead, so most leads cost a
    dictionary lookup instead of a parse.
    """

    #: Distinct URNs kept; beyond that the memo starts again (memory stays bounded).
    LIMIT = 100_000

    def __init__(self, entity: str) -> None:
        self._entity = entity
        self._ids: dict[str, int | None] = {}

    def __call__(self, urn: object) -> int | None:
        if type(urn) is not str:
            return None
        try:
            return self._ids[urn]
        except KeyError:
            if len(self._ids) >= self.LIMIT:
                self._ids.clear()
            found = self._ids[urn] = parse_urn_id(urn, self._entity)
            return found


_account_id = _UrnIds("sponsoredAccount")
_organization_id = _UrnIds("organization")
_campaign_id = _UrnIds("sponsoredCampaign")
_creative_id = _UrnIds("sponsoredCreative")


def owner_ids(owner: object) -> tuple[int | None, int | None]:
    """(ad account id, organization id) from LinkedIn's owner union."""
    if type(owner) is not dict:
        return None, None
    return _account_id(owner.get("sponsoredAccount")), _organization_id(owner.get("organization"))


#: How LinkedIn's lead notifications and the Conversions API name a lead.
LEAD_URN_PREFIX = "urn:li:leadGenFormResponse:"


def derive_lead_fields(record: dict[str, t.Any]) -> dict[str, t.Any]:
    """Add ``submitted_at``, ``lead_urn``, owner and attribution ids; raw fields stay untouched.

    ``form_id`` and ``form_version`` come from the form catalog, which parses the URN once.
    """
    lead_id = record.get("id")
    record["lead_urn"] = f"{LEAD_URN_PREFIX}{lead_id}" if isinstance(lead_id, str) else None
    submitted = json_int(record.get("submittedAt"))
    record["submitted_at"] = format_submitted_at(submitted) if submitted is not None else None
    record["account_id"], record["organization_id"] = owner_ids(record.get("owner"))
    record["campaign_id"] = _campaign_id(
        dig(record, "leadMetadata", "sponsoredLeadMetadata", "campaign")
    )
    record["creative_id"] = _creative_id(dig(record, "associatedEntity", "associatedCreative"))
    return record
