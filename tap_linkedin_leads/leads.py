"""Fields the tap derives on each lead response: ``submitted_at``, the URN and the owner ids."""

from __future__ import annotations

import typing as t

from tap_linkedin_leads.payload import dig, json_int
from tap_linkedin_leads.restli import parse_urn_id
from tap_linkedin_leads.times import format_submitted_at

__all__ = ["derive_lead_fields", "owner_ids"]


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
