"""The lead form responses stream: incremental leads, made readable."""

from __future__ import annotations

import typing as t
from functools import cached_property, partial

from typing_extensions import override

from tap_linkedin_leads.answers import resolve_answers
from tap_linkedin_leads.errors import (
    LEAD_SYNC_SCOPE,
    AccessDeniedError,
    MissingScopeError,
    NotFoundError,
    RequestRejectedError,
)
from tap_linkedin_leads.leads import (
    derive_lead_fields,
    format_submitted_at,
    parse_datetime,
    to_epoch_ms,
)
from tap_linkedin_leads.payload import dig, json_int, payload_of
from tap_linkedin_leads.restli import Projection
from tap_linkedin_leads.scheduler import FollowUp
from tap_linkedin_leads.schemas import LEAD_FORM_RESPONSE_SCHEMA
from tap_linkedin_leads.streams.ad_accounts import AdAccountsStream
from tap_linkedin_leads.streams.lead_forms import LeadFormsStream
from tap_linkedin_leads.streams.owners import OwnerStream, owner_only

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

DAY_MS = 86_400_000
#: Windows are not split below a day when LinkedIn rejects a time range.
MIN_WINDOW_MS = DAY_MS


def _left_out(test_leads: str, *, is_test: bool) -> bool:
    """Whether the ``test_leads`` setting leaves a lead out, whatever LinkedIn returned."""
    return (test_leads == "exclude" and is_test) or (test_leads == "only" and not is_test)


class _SpanRejectedError(Exception):
    """LinkedIn refused the ``submittedAtTimeRange`` span; the window must be split."""

    def __init__(self, original: RequestRejectedError) -> None:
        super().__init__(str(original))
        self.original = original


class LeadFormResponsesStream(OwnerStream):
    """Lead form responses (leads), incremental on ``submitted_at``, one bookmark per owner.

    Sponsored leads are read per ad account; organic leads per organization and lead type.
    LinkedIn's order is undocumented (newest first in practice), so the stream is unsorted:
    an owner's bookmark only moves once all its pages are read, and an interrupted run
    starts that owner again from its previous bookmark.
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
        """Track forms whose unknown questions were already reported this run."""
        super().__init__(*args, **kwargs)
        self._max_span_ms: int | None = None
        self._warned_forms: set[tuple[int, int | None]] = set()

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

    def _passes(self) -> list[bool]:
        """``limitedToTestLeads`` values to request for the ``test_leads`` setting.

        Whether ``false`` means "real leads only" or "all leads" is undocumented, so
        ``include`` asks for both and the records are filtered on ``testLead`` either way.
        """
        return {"exclude": [False], "only": [True]}.get(self.run.settings.test_leads, [False, True])

    @override
    def first_requests(self, context: Context | None) -> list[PlannedRequest]:
        # The first page of each test-lead pass over the owner's first window.
        start, end = self.window(context)
        if start >= end or not self.accepted:
            return []
        first_ms = to_epoch_ms(start)
        asked, _ = self._next_window(first_ms, first_ms, to_epoch_ms(end))
        return [
            self.planned(self._pass_context(context, limited=limited, asked=asked), 0)
            for limited in self._passes()
        ]

    @override
    def owner_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        start, end = self.window(context)
        bookmark = self.bookmark(context)
        if bookmark is not None and bookmark > end:
            # A hand-edited or copied STATE: left alone, this owner's leads would be skipped
            # on every run until that time, and the INFO line below would be all that says so.
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
        if start >= end:
            self.logger.info(
                "Nothing to request for %s: its window is empty.", self.owner_label(context)
            )
            return
        # Ids of test leads already emitted by the ``false`` pass, in case LinkedIn's
        # ``false`` returns test leads too; only test leads are kept, so this stays small.
        test_ids_seen: set[str] = set()
        first_ms = cursor = to_epoch_ms(start)
        end_ms = to_epoch_ms(end)
        while cursor < end_ms:
            asked, keep = self._next_window(cursor, first_ms, end_ms)
            try:
                yield from self._records_in_window(context, asked, keep, test_ids_seen)
            except _SpanRejectedError as exc:
                span = asked[1] - asked[0]
                if span // 2 < MIN_WINDOW_MS:
                    raise exc.original from None
                self._max_span_ms = span // 2
                self.logger.info(
                    "LinkedIn rejected a %.1f-day submittedAtTimeRange; asking for %.1f days "
                    "at a time.",
                    span / DAY_MS,
                    self._max_span_ms / DAY_MS,
                )
                continue
            cursor = asked[1]

    def _next_window(
        self, cursor: int, first_ms: int, end_ms: int
    ) -> tuple[tuple[int, int], tuple[int | None, int | None]]:
        """The (start, end) to ask for from ``cursor``, and the (from, before) to keep."""
        # Whether LinkedIn's bounds are inclusive is undocumented: a window that joins the
        # previous one asks from a millisecond earlier (see ``_records_in_window``).
        joined = cursor > first_ms
        asked_from = cursor - 1 if joined else cursor
        # The longest span LinkedIn accepts in ``submittedAtTimeRange`` is undocumented:
        # ask for the whole window, and if LinkedIn rejects the span, halve it.
        span = min(self._max_span_ms or end_ms - asked_from, end_ms - asked_from)
        window_end = asked_from + span
        keep = (cursor if joined else None, window_end if window_end < end_ms else None)
        return (asked_from, window_end), keep

    @staticmethod
    def _pass_context(
        context: Context | None, *, limited: bool, asked: tuple[int, int]
    ) -> dict[str, t.Any]:
        return {**(context or {}), "_limited_to_test_leads": limited, "_window": asked}

    def _records_in_window(
        self,
        context: Context | None,
        asked: tuple[int, int],
        keep: tuple[int | None, int | None],
        test_ids_seen: set[str],
    ) -> Iterable[dict[str, t.Any]]:
        """Leads of one ``submittedAtTimeRange`` request, filtered for ``test_leads``.

        ``asked`` is the (start, end) sent. Whether LinkedIn's bounds are inclusive is
        undocumented, so where a window joins the previous one it asks from a millisecond
        before the joint, and ``keep`` (from, before) drops the leads on the far side of
        each joint: a lead on a joint is emitted exactly once whatever LinkedIn does. The
        run's own outer bounds filter nothing, so no lead LinkedIn returns is dropped.
        """
        keep_from, keep_before = keep
        mode = self.run.settings.test_leads
        for limited in self._passes():
            for record in self.records_for_owner(
                self._pass_context(context, limited=limited, asked=asked)
            ):
                submitted = record.get("submittedAt")
                if isinstance(submitted, int) and (
                    (keep_from is not None and submitted < keep_from)
                    or (keep_before is not None and submitted >= keep_before)
                ):
                    continue
                is_test = record.get("testLead") is True
                if _left_out(mode, is_test=is_test):
                    continue
                if is_test and mode == "include":
                    if limited and record.get("id") in test_ids_seen:
                        continue
                    if not limited:
                        test_ids_seen.add(str(record.get("id")))
                self._make_readable(record, context)
                yield record

    @override
    def adapt_to_rejection(self, exc: RequestRejectedError) -> bool:
        # A 400 that names the time range means the span is too long (the caller splits
        # the window); one about the page size lowers it.
        said = exc.linkedin_message.lower()
        if any(word in said for word in ("submittedat", "time range", "timerange", "date range")):
            raise _SpanRejectedError(exc) from None
        return super().adapt_to_rejection(exc)

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
        context = {**owner, "_lead_id": lead_id}
        try:
            return next(iter(self.request_records(context)), None)
        except (AccessDeniedError, NotFoundError, RequestRejectedError) as exc:
            status = {AccessDeniedError: 403, NotFoundError: 404}.get(type(exc), 400)
            self.logger.info(
                "LinkedIn refused to read a lead of %s with its form embedded (HTTP %d).",
                self.owner_label(context),
                status,
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
                planned = self.planned({**owner, "_lead_id": lead_id}, 0)
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
        _, keep = self._next_window(first_ms, first_ms, to_epoch_ms(end))
        if forms is None or leads is None or keep != (None, None):
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
            self.planned({**owner, "_lead_id": lead_id}, 0)
            for urn, lead_id in self._first_lead_of_each_version(records)
            if self.run.forms.reads_once_listed(urn, listing)
        ]

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
            skipped = _left_out(mode, is_test=record.get("testLead") is True)
            if skipped or not isinstance(urn, str) or not isinstance(lead_id, str) or urn in seen:
                continue
            seen.add(urn)
            yield urn, lead_id

    @cached_property
    def _wants_campaign_name(self) -> bool:
        # Deselected in the catalog, no campaign is looked up (nor searched) for it.
        return bool(self.mask[("properties", "campaign_name")])

    def _make_readable(self, record: dict[str, t.Any], context: Context | None) -> None:
        derive_lead_fields(record)
        if self._wants_campaign_name:
            account_id, campaign_id = record["account_id"], record["campaign_id"]
            record["campaign_name"] = (
                self.run.campaign_names.name_of(account_id, campaign_id)
                if account_id is not None and campaign_id is not None
                else None
            )
        urn = record.get("versionedLeadGenFormUrn")
        lead_id = record.get("id")
        resolved = self.run.forms.resolve(
            urn if isinstance(urn, str) else None,
            lead_id if isinstance(lead_id, str) else None,
            owner_only(context),
        )
        record["form_id"], record["form_version"] = resolved.form_id, resolved.version
        form = resolved.form
        unknown = resolve_answers(record, form)
        if resolved.problem is not None:
            self._warn_once(resolved.form_id, resolved.version, resolved.problem)
        elif unknown and form is not None:
            self._warn_once(
                form.form_id,
                resolved.version,
                f"{len(unknown)} answered question(s) are not in it and keep their raw ids",
            )

    @override
    def describe_record(self, row: dict[str, t.Any]) -> str:
        owner = row.get("account_id") or row.get("organization_id")
        return (
            f" (form {row.get('form_id')} version {row.get('form_version')}, submitted at "
            f"{row.get('submitted_at')}, owner {owner})"
        )

    def _warn_once(self, form_id: object, version: object, problem: str) -> None:
        key = (
            form_id if isinstance(form_id, int) else -1,
            version if isinstance(version, int) else None,
        )
        if key in self._warned_forms:
            return
        self._warned_forms.add(key)
        self.logger.warning(
            "Lead form %s version %s: %s.",
            form_id,
            version,
            problem,
        )
