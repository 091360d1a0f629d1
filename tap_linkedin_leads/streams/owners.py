"""What the per-owner streams share: owner contexts, owner URNs and skipping unreadable owners.

An owner is an ad account (sponsored leads) or a company page (organic leads, via
``organization_ids``). Child streams are read once per owner.
"""

from __future__ import annotations

import typing as t

from typing_extensions import override

from tap_linkedin_leads.client import LinkedInStream
from tap_linkedin_leads.errors import (
    AccessDeniedError,
    Complaint,
    NotFoundError,
    RequestRejectedError,
    count_limit,
)
from tap_linkedin_leads.restli import owner_urn

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    from singer_sdk.helpers.types import Context

    from tap_linkedin_leads.restli import RestliValue
    from tap_linkedin_leads.scheduler import FollowUp, RequestKey

__all__ = ["SEARCH_PAGE_SIZE", "OwnerStream", "describe_owner", "owner_only"]

#: LinkedIn's documented default ``pageSize`` for its cursor (search) finders; their
#: maximum is not documented and these collections are small, so the tap stays with it.
SEARCH_PAGE_SIZE = 100


class OwnerStream(LinkedInStream):
    """A stream read per owner (ad account or organization)."""

    def lower_page_size(self, refusal: RequestRejectedError) -> bool:
        """Whether ``refusal`` was about the page size and a lower one is now asked for.

        LinkedIn's largest ``count`` is undocumented. When its refusal names a limit, the
        tap uses it; otherwise it halves the page size until LinkedIn accepts it.
        """
        said = refusal.linkedin_message
        current = self.page_size
        if not self.offset_paged or current <= 1 or refusal.complaint is not Complaint.PAGE_SIZE:
            return False
        self._lowered_page_size = count_limit(said, current) or current // 2
        self.logger.warning(
            "LinkedIn refused %s pages of %d (%s); asking for %d at a time. Set `page_size` "
            "to %d or less to skip this.",
            self.endpoint,
            current,
            said,
            self._lowered_page_size,
            self._lowered_page_size,
        )
        return True

    def contexts_for(self, owner: dict[str, int]) -> list[dict[str, t.Any]]:
        """Contexts to sync for one owner: ad accounts only, unless overridden."""
        return [dict(owner)] if "account_id" in owner else []

    def owner_name(self, context: Context | None) -> str:
        """The owner in words and ids only (see :func:`describe_owner`)."""
        return describe_owner(context or {})

    @override
    def owner_label(self, context: Context | None) -> str:
        listed = (
            " (listed in `account_ids`)"
            if "organization_id" not in (context or {}) and self.run.settings.account_ids
            else ""
        )
        return f"{self.owner_name(context)}{listed}"

    def owner_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """All records of the owner in ``context`` (each stream says how they are read)."""
        return self.records_for_owner(context)

    @t.final
    @override
    def get_records(self, context: Context | None) -> Iterator[dict[str, t.Any]]:
        # One owner's records, counted as they are emitted: the SDK writes each record
        # before it asks for the next, so once this loop ends they are all in the output.
        progress = self.progress
        progress.start_owner(self.owner_name(context))
        for record in self.owner_records(context):
            yield record
            progress.record_emitted()
        progress.finish_owner(self.owner_bookmark(context))

    def owner_bookmark(self, context: Context | None) -> tuple[str | None, str | None] | None:
        """(bookmark before, bookmark once the owner is done); ``None`` without bookmarks.

        The SDK promotes the newest value emitted, capped at the signpost, right after the
        owner's records; the same rule here lets the owner's line say where it stands.
        """
        if not self.replication_key:
            return None
        state = self.get_context_state(context)
        before = state.get("replication_key_value")
        markers = state.get("progress_markers") or {}
        newest = markers.get("replication_key_value")
        if newest is None:
            return before, before
        signpost = state.get("replication_key_signpost")
        return before, min(newest, signpost) if signpost else newest

    def follow_ups(
        self, context: Context | None, firsts: Mapping[str, RequestKey]
    ) -> list[FollowUp]:
        """Requests to plan from this owner's first responses once they arrive (none here).

        ``firsts`` holds the first request planned for the owner by each stream so far, by
        stream name, this one's included.
        """
        del context, firsts
        return []

    def plan_owners(self, account_ids: Iterable[int], organization_ids: Iterable[int]) -> None:
        """Tell the run's progress which owners this stream reads, in order."""
        owners = [{"account_id": a} for a in account_ids]
        owners += [{"organization_id": o} for o in organization_ids]
        self.progress.plan(
            [self.owner_name(context) for owner in owners for context in self.contexts_for(owner)]
        )

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
        emitted = False
        try:
            for record in self.request_records(context):
                emitted = True
                yield record
        except RequestRejectedError as exc:
            # Only before the owner's first record: starting again later would repeat records.
            if emitted or not self.lower_page_size(exc):
                raise
            yield from self.records_for_owner(context)
        except (AccessDeniedError, NotFoundError) as exc:
            # LinkedIn answers some restricted reads with 404 rather than 403.
            listed = "organization_id" in (context or {}) or self.run.settings.account_ids
            if listed:
                raise
            self.logger.warning("Skipping %s: %s", self.owner_label(context), exc)
            self.progress.skip_current(
                "access denied" if isinstance(exc, AccessDeniedError) else "not found"
            )


def describe_owner(context: Mapping[str, t.Any]) -> str:
    """``ad account 512345678``, ``organization 2414183``, ``organization 2414183, EVENT leads``."""
    if "organization_id" in context:
        label = f"organization {context['organization_id']}"
        lead_type = context.get("leadType")
        return f"{label}, {lead_type} leads" if lead_type else label
    return f"ad account {context.get('account_id')}"


def owner_only(context: Context | None) -> dict[str, t.Any]:
    """The owner part of a context (lead type and pass details dropped)."""
    context = context or {}
    return {k: context[k] for k in ("account_id", "organization_id") if k in context}
