"""What the per-owner streams share: owner contexts, owner URNs and skipping unreadable owners.

An owner is an ad account (sponsored leads) or a company page (organic leads, via
``organization_ids``). Child streams are read once per owner.
"""

from __future__ import annotations

import typing as t

from typing_extensions import override

from tap_linkedin_leads.client import LinkedInStream
from tap_linkedin_leads.errors import AccessDeniedError, NotFoundError
from tap_linkedin_leads.restli import owner_urn

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    from singer_sdk.helpers.types import Context

    from tap_linkedin_leads.restli import RestliValue
    from tap_linkedin_leads.tap import TapLinkedInLeads

__all__ = ["SEARCH_PAGE_SIZE", "OwnerStream", "owner_key", "owner_only", "tap_of"]

#: LinkedIn's documented default ``pageSize`` for its cursor (search) finders; their
#: maximum is not documented and these collections are small, so the tap stays with it.
SEARCH_PAGE_SIZE = 100


def tap_of(stream: LinkedInStream) -> TapLinkedInLeads:
    """The tap a stream belongs to, with its run-wide settings and caches."""
    return t.cast("TapLinkedInLeads", stream._tap)


class OwnerStream(LinkedInStream):
    """A stream read per owner (ad account or organization)."""

    def organization_contexts(self, organization_id: int) -> list[dict[str, t.Any]]:
        """Contexts to sync for one organization owner (none unless overridden)."""
        del organization_id
        return []

    @override
    def owner_label(self, context: Context | None) -> str:
        context = context or {}
        if "organization_id" in context:
            return f"organization {context['organization_id']}"
        listed = " (listed in `account_ids`)" if tap_of(self).configured_account_ids else ""
        return f"ad account {context.get('account_id')}{listed}"

    def owner_union(self, context: Context | None) -> dict[str, RestliValue]:
        """``(sponsoredAccount:<urn>)`` or ``(organization:<urn>)`` for ``context``."""
        context = context or {}
        if "organization_id" in context:
            return {"organization": owner_urn("organization", int(context["organization_id"]))}
        if "account_id" in context:
            return {"sponsoredAccount": owner_urn("sponsoredAccount", int(context["account_id"]))}
        msg = f"{self.name} needs an owner context"
        raise ValueError(msg)

    def records_for_owner(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """Records of one owner; an unreadable discovered account is skipped with a warning.

        Owners the user listed (``account_ids``, ``organization_ids``) are different: their
        403 stops the tap, because syncing nothing for them would silently lose their leads.
        """
        try:
            yield from self.request_records(context)
        except (AccessDeniedError, NotFoundError) as exc:
            # LinkedIn answers some restricted reads with 404 rather than 403.
            listed = "organization_id" in (context or {}) or tap_of(self).configured_account_ids
            if listed:
                raise
            self.logger.warning("Skipping %s: %s", self.owner_label(context), exc)


def owner_only(context: Context | None) -> dict[str, t.Any]:
    """The owner part of a context (lead type and pass details dropped)."""
    context = context or {}
    return {k: context[k] for k in ("account_id", "organization_id") if k in context}


def owner_key(context: Context | None) -> str:
    """A stable key for the owner of ``context``, e.g. ``account_id=5``."""
    return ",".join(f"{k}={v}" for k, v in sorted(owner_only(context).items()))
