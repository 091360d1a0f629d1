"""The lead form responses stream: incremental leads, made readable."""

from __future__ import annotations

import typing as t
from functools import cached_property, partial

from typing_extensions import override

from tap_linkedin_leads.errors import (
    LEAD_SYNC_SCOPE,
    AccessDeniedError,
    Complaint,
    MissingScopeError,
    NotFoundError,
    RequestRejectedError,
)
from tap_linkedin_leads.lead_passes import PassFilter, left_out, passes
from tap_linkedin_leads.lead_windows import DAY_MS, Window, halved_span, next_window
from tap_linkedin_leads.payload import dig, json_int, payload_of
from tap_linkedin_leads.readable_leads import LeadEnricher
from tap_linkedin_leads.restli import Projection
from tap_linkedin_leads.scheduler import FollowUp
from tap_linkedin_leads.schemas import LEAD_FORM_RESPONSE_SCHEMA
from tap_linkedin_leads.streams.ad_accounts import AdAccountsStream
from tap_linkedin_leads.streams.lead_forms import LeadFormsStream
from tap_linkedin_leads.streams.owners import OwnerStream, owner_only
from tap_linkedin_leads.times import format_submitted_at, parse_datetime, to_epoch_ms

if t.TYPE_CHECKING:
    import datetime
    from collections.abc import Iterable, Iterator, Mapping

    import requests
    from singer_sdk.helpers.types import Context

    from tap_linkedin_leads.restli import RestliValue
    from tap_linkedin_leads.scheduler import PlannedRequest, RequestKey

__all__ = ["LeadFormResponsesStream"]

#: Lead pages carry no ``fields`` projection: LinkedIn then returns each lead's own fields,
#: and the form versions come from the run's catalog. Only a lead read alone to learn an
#: unlisted form version asks for its form embedded; its URN says which version that is.
FORM_OF_LEAD = Projection(
    "id,versionedLeadGenFormUrn,form:(id,versionId,name,creationLocale,hiddenFields,content)"
)


class LeadFormResponsesStream(OwnerStream):
    """Lead form responses (leads), incremental on ``submitted_at``, one bookmark per owner.

    Sponsored leads are read per ad account; organic leads per organization and lead type.
    LinkedIn's order is undocumented (newest first in practice), so the stream is unsorted:
    an owner's bookmark only moves once all its pages are read, and an interrupted run
    starts that owner again from its previous bookmark.

    An owner's leads are read window by window (:mod:`~tap_linkedin_leads.lead_windows`),
    each window in one pass per ``limitedToTestLeads`` value
    (:mod:`~tap_linkedin_leads.lead_passes`), and each lead kept is made readable
    (:mod:`~tap_linkedin_leads.readable_leads`).
    """

    name = "lead_form_responses"
    endpoint = "leadFormResponses"
    record_noun = "leads"
    progress_per_owner = True
    path = "/leadFormResponses"
    #: A lead is read alone (``GET /leadFormResponses/{id}``) to learn its form version.
    entity_key = "_lead_id"
    parent_stream_type = AdAccountsStream
    primary_keys = ("id",)
    offset_paged = True
    replication_key = "submitted_at"
    is_sorted = False
    schema = LEAD_FORM_RESPONSE_SCHEMA
    # ``leadType`` (LinkedIn's own field name) rather than a new one, so the SDK copying
    # partition keys into records adds nothing outside the schema.
    state_partitioning_keys: t.ClassVar[list[str]] = ["account_id", "organization_id", "leadType"]

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        """No span limit known yet."""
        super().__init__(*args, **kwargs)
        #: The longest ``submittedAtTimeRange`` LinkedIn accepted, once it rejected a longer one.
        self._max_span_ms: int | None = None

    @override
    def contexts_for(self, owner: dict[str, int]) -> list[dict[str, t.Any]]:
        if "organization_id" not in owner:
            return super().contexts_for(owner)
        # Organic leads are read, and bookmarked, per organization and lead type.
        return [
            {**owner, "leadType": lead_type} for lead_type in self.run.settings.organic_lead_types
        ]

    @override
    def request_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        try:
            yield from super().request_records(context)
        except AccessDeniedError as exc:
            raise self._explain_refusal(exc, context) from None

    def _explain_refusal(self, exc: AccessDeniedError, context: Context | None) -> Exception:
        """Why LinkedIn refused an owner's leads, as far as the tap can tell.

        A token without the Lead Sync scope is refused every owner's leads (while ``r_ads``
        still reads forms): that stops the run, naming the scopes the token has. Otherwise
        roles are the cause; an ad account without a company page cannot sync leads at all.
        """
        scopes = self.authenticator.granted_scopes()
        if scopes is not None and LEAD_SYNC_SCOPE not in scopes:
            return MissingScopeError(exc.owner, exc.endpoint, LEAD_SYNC_SCOPE, scopes)
        account_id = (context or {}).get("account_id")
        references = self.run.account_references
        if account_id is None or account_id not in references:
            return exc
        reference = references[account_id]
        if isinstance(reference, str) and reference.startswith("urn:li:organization:"):
            return exc
        what = "is empty" if not reference else "is a member, not a company page"
        return AccessDeniedError(
            exc.owner,
            exc.endpoint,
            exc.linkedin_message,
            cause=(
                f"The ad account has no company page (its `reference` {what}), and LinkedIn "
                "does not sync leads of such accounts: associate a company page with it in "
                "Campaign Manager."
            ),
        )

    def bookmark(self, context: Context | None) -> datetime.datetime | None:
        """The owner's bookmark from the state, if it has one."""
        state = self._saved_state(context)
        if state.get("replication_key") != self.replication_key:
            return None
        return parse_datetime(state.get("replication_key_value"))

    def window(self, context: Context | None) -> tuple[datetime.datetime, datetime.datetime]:
        """Submission-time window for ``context``: from (bookmark - lookback) to the end."""
        settings = self.run.settings
        start = settings.start
        bookmark = self.bookmark(context)
        if bookmark is not None:
            start = max(start, bookmark - settings.lookback)
        return start, settings.end

    def _saved_state(self, context: Context | None) -> Mapping[str, t.Any]:
        """The owner's state as the run found it, read without adding an entry for it.

        The first requests of an owner are planned before its sync starts; creating its
        state entry then would put it into STATE messages earlier than a serial run does.
        """
        partition = {k: v for k, v in (context or {}).items() if k in self.state_partitioning_keys}
        stream_state = self.tap_state.get("bookmarks", {}).get(self.name, {})
        for entry in stream_state.get("partitions", []):
            if entry.get("context") == partition:
                return t.cast("Mapping[str, t.Any]", entry)
        return {}

    @override
    def get_replication_key_signpost(self, context: Context | None = None) -> str:
        # Bookmarks never pass the end of the window asked for, in the same format as
        # ``submitted_at`` so the SDK's string comparison holds.
        return format_submitted_at(to_epoch_ms(self.run.settings.end))

    @override
    def first_requests(self, context: Context | None) -> list[PlannedRequest]:
        # The first page of each test-lead pass over the owner's first window.
        start, end = self.window(context)
        if start >= end or not self.accepted:
            return []
        first_ms = to_epoch_ms(start)
        window = next_window(first_ms, first_ms, to_epoch_ms(end), self._max_span_ms)
        return [
            self.planned(_pass_context(context, window, limited=limited), 0)
            for limited in passes(self.run.settings.test_leads)
        ]

    @override
    def owner_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        start, end = self.window(context)
        self._warn_of_a_bookmark_after_the_end(context, start, end)
        if start >= end:
            self.logger.info(
                "Nothing to request for %s: its window is empty.", self.owner_label(context)
            )
            return
        kept = PassFilter(self.run.settings.test_leads)
        first_ms = cursor = to_epoch_ms(start)
        end_ms = to_epoch_ms(end)
        while cursor < end_ms:
            window = next_window(cursor, first_ms, end_ms, self._max_span_ms)
            emitted = False
            try:
                for record in self._records_in_window(context, window, kept):
                    emitted = True
                    yield record
            except RequestRejectedError as exc:
                # LinkedIn's longest span is undocumented: a refusal that names the time
                # range, before any of the window's leads, has it asked again in halves.
                shorter = halved_span(window) if exc.complaint is Complaint.TIME_RANGE else None
                if emitted or shorter is None:
                    raise
                self._max_span_ms = shorter
                self.logger.info(
                    "LinkedIn rejected a %.1f-day submittedAtTimeRange; asking for %.1f days "
                    "at a time.",
                    window.span / DAY_MS,
                    shorter / DAY_MS,
                )
                continue
            cursor = window.end

    def _warn_of_a_bookmark_after_the_end(
        self, context: Context | None, start: datetime.datetime, end: datetime.datetime
    ) -> None:
        """Warn when the owner's bookmark is later than this run's end.

        A hand-edited or copied STATE: left alone, the owner's leads would be skipped on
        every run until that time, and the INFO line that its window is empty would be all
        that says so.
        """
        bookmark = self.bookmark(context)
        if bookmark is None or bookmark <= end:
            return
        self.logger.warning(
            "The bookmark of %s in %s is %s, later than this run's end (%s): %s until "
            "then. If that bookmark is a mistake, set it to the submission time of the "
            "last lead you have, or delete its entry to start again from `start_date`.",
            self.owner_label(context),
            self.name,
            format_submitted_at(to_epoch_ms(bookmark)),
            format_submitted_at(to_epoch_ms(end)),
            "nothing is read for it"
            if start >= end
            else f"only leads submitted from {format_submitted_at(to_epoch_ms(start))} on "
            "are read for it",
        )

    def _records_in_window(
        self, context: Context | None, window: Window, kept: PassFilter
    ) -> Iterable[dict[str, t.Any]]:
        """The window's leads, one pass per ``limitedToTestLeads`` value, made readable."""
        owner = owner_only(context)
        for limited in passes(self.run.settings.test_leads):
            for record in self.records_for_owner(_pass_context(context, window, limited=limited)):
                if window.keeps(record.get("submittedAt")) and kept.keeps(record, limited=limited):
                    self._enricher.make_readable(record, owner)
                    yield record

    @override
    def get_url_params(
        self,
        context: Context | None,
        next_page_token: t.Any,
    ) -> dict[str, RestliValue | None]:
        ctx = context or {}
        if self.reads_entity(context):
            return {"fields": FORM_OF_LEAD}
        start_ms, end_ms = ctx["_window"]
        return {
            "q": "owner",
            "owner": self.owner_union(context),
            "leadType": {"leadType": str(ctx.get("leadType") or "SPONSORED")},
            "limitedToTestLeads": bool(ctx["_limited_to_test_leads"]),
            "submittedAtTimeRange": {"start": start_ms, "end": end_ms},
            "start": next_page_token or 0,
            "count": self.page_size,
        }

    def lead_with_form(self, owner: Mapping[str, t.Any], lead_id: str) -> dict[str, t.Any] | None:
        """One lead of ``owner`` read by id with its form embedded; ``None`` if refused.

        The form catalog calls this once per form version that ``leadForms`` did not give.
        """
        context = _lead_context(owner, lead_id)
        try:
            return next(iter(self.request_records(context)), None)
        except (AccessDeniedError, NotFoundError, RequestRejectedError) as exc:
            status = {AccessDeniedError: 403, NotFoundError: 404}.get(type(exc), 400)
            projection = (
                isinstance(exc, RequestRejectedError) and exc.complaint is Complaint.PROJECTION
            )
            self.logger.info(
                "LinkedIn refused to read a lead of %s with its form embedded (HTTP %d%s).",
                self.owner_label(context),
                status,
                ": the fields projection" if projection else "",
            )
            return None

    @override
    def before_page(self, records: list[dict[str, t.Any]], context: Context | None) -> None:
        # A lead on a form version the catalog lacks has the catalog read that lead with
        # its form (``lead_with_form``). Send those reads for the whole page ahead, so they
        # are in flight together instead of one after the other as the leads are resolved.
        scheduler = self.run.scheduler
        if "_window" not in (context or {}) or not scheduler.parallel:
            return
        owner = owner_only(context)
        for urn, lead_id in self._first_lead_of_each_version(records):
            if self.run.forms.reads_by_lead(urn, owner):
                planned = self._lead_read(owner, lead_id)
                scheduler.send_ahead(planned.key, planned.send, kind="form")

    @override
    def follow_ups(
        self, context: Context | None, firsts: Mapping[str, RequestKey]
    ) -> list[FollowUp]:
        # The version reads of an owner's first lead page, planned as soon as that page and
        # the owner's first ``leadForms`` page have arrived, not when the main thread reaches
        # the owner: otherwise each owner adds a round trip nothing overlaps. Only a first
        # window that is the whole window: a split one drops leads past its end.
        forms, leads = firsts.get(LeadFormsStream.name), firsts.get(self.name)
        start, end = self.window(context)
        first_ms = to_epoch_ms(start)
        first = next_window(first_ms, first_ms, to_epoch_ms(end), self._max_span_ms)
        if forms is None or leads is None or not first.keeps_all:
            return []
        return [FollowUp((forms, leads), partial(self._version_reads_ahead, owner_only(context)))]

    def _version_reads_ahead(
        self, owner: dict[str, t.Any], responses: list[requests.Response]
    ) -> list[PlannedRequest]:
        """The lead reads the owner's first lead page will need, from its first forms page."""
        forms_page, lead_page = (dig(payload_of(r), "elements") for r in responses)
        if not isinstance(forms_page, list) or not isinstance(lead_page, list):
            return []  # The main thread stops on that page itself.
        listing = {
            form_id: json_int(form.get("versionId"))
            for form in forms_page
            if isinstance(form, dict) and (form_id := json_int(form.get("id"))) is not None
        }
        records = [record for record in lead_page if isinstance(record, dict)]
        return [
            self._lead_read(owner, lead_id)
            for urn, lead_id in self._first_lead_of_each_version(records)
            if self.run.forms.reads_once_listed(urn, listing)
        ]

    def _lead_read(self, owner: Mapping[str, t.Any], lead_id: str) -> PlannedRequest:
        """The request ``lead_with_form`` sends for this lead, to send it ahead."""
        return self.planned(_lead_context(owner, lead_id), 0)

    def _first_lead_of_each_version(
        self, records: Iterable[dict[str, t.Any]]
    ) -> Iterator[tuple[str, str]]:
        """(versioned form URN, lead id) of the first lead kept for each URN on a page.

        That lead is the one a serial run reads to learn the version, so a read sent ahead
        is the very request it will ask for.
        """
        mode = self.run.settings.test_leads
        seen: set[str] = set()
        for record in records:
            urn, lead_id = record.get("versionedLeadGenFormUrn"), record.get("id")
            skipped = left_out(mode, is_test=record.get("testLead") is True)
            if skipped or not isinstance(urn, str) or not isinstance(lead_id, str) or urn in seen:
                continue
            seen.add(urn)
            yield urn, lead_id

    @cached_property
    def _enricher(self) -> LeadEnricher:
        # Built at the first lead, once the catalog is applied: a deselected campaign_name
        # is not looked up (nor its campaigns searched).
        wants_campaign_name = bool(self.mask[("properties", "campaign_name")])
        return LeadEnricher(
            self.run.forms.resolve,
            self.run.campaign_names.name_of if wants_campaign_name else None,
            self.logger,
        )

    @override
    def describe_record(self, row: dict[str, t.Any]) -> str:
        owner = row.get("account_id") or row.get("organization_id")
        return (
            f" (form {row.get('form_id')} version {row.get('form_version')}, submitted at "
            f"{row.get('submitted_at')}, owner {owner})"
        )


def _lead_context(owner: Mapping[str, t.Any], lead_id: str) -> dict[str, t.Any]:
    """The context of one lead read by id (``GET /leadFormResponses/{id}``)."""
    return {**owner, "_lead_id": lead_id}


def _pass_context(context: Context | None, window: Window, *, limited: bool) -> dict[str, t.Any]:
    """The context of one pass over ``window``: the owner, the span asked for and the pass."""
    return {
        **(context or {}),
        "_limited_to_test_leads": limited,
        "_window": (window.start, window.end),
    }
