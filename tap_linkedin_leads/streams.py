"""The streams: ad accounts, and per account its lead forms and lead form responses."""

from __future__ import annotations

import datetime
import typing as t

from typing_extensions import override

from tap_linkedin_leads.client import LinkedInStream
from tap_linkedin_leads.errors import AccessDeniedError
from tap_linkedin_leads.leads import (
    derive_lead_fields,
    format_submitted_at,
    owner_ids,
    parse_submitted_at,
    to_epoch_ms,
)
from tap_linkedin_leads.pagination import CursorPaginator, OffsetPaginator
from tap_linkedin_leads.payload import payload_of
from tap_linkedin_leads.restli import owner_urn
from tap_linkedin_leads.schemas import (
    AD_ACCOUNT_SCHEMA,
    LEAD_FORM_RESPONSE_SCHEMA,
    LEAD_FORM_SCHEMA,
)

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    import requests
    from singer_sdk.helpers.types import Context

    from tap_linkedin_leads.restli import RestliValue
    from tap_linkedin_leads.tap import TapLinkedInLeads

__all__ = ["AdAccountsStream", "LeadFormResponsesStream", "LeadFormsStream"]

#: LinkedIn's documented default ``pageSize`` for adAccounts search; its maximum is not
#: documented, and accounts are few, so the tap stays with the known-good value.
AD_ACCOUNTS_PAGE_SIZE = 100


def _tap(stream: LinkedInStream) -> TapLinkedInLeads:
    return t.cast("TapLinkedInLeads", stream._tap)


class AdAccountsStream(LinkedInStream):
    """Ad accounts: the configured ``account_ids``, or every account the token can see."""

    name = "ad_accounts"
    endpoint = "adAccounts"
    path = "/adAccounts"
    primary_keys = ("id",)
    replication_key = None
    schema = AD_ACCOUNT_SCHEMA

    @override
    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        configured = _tap(self).configured_account_ids
        if configured is None:
            yield from self.request_records(None)
            return
        # One GET per configured account proves it exists and is readable, and lets an
        # error name exactly which account is wrong.
        for account_id in configured:
            yield from self.request_records({"account_id": account_id})

    @override
    def owner_label(self, context: Context | None) -> str:
        if context and "account_id" in context:
            return f"ad account {context['account_id']} (listed in `account_ids`)"
        return "the ad account search"

    @override
    def request_path(self, context: Context | None) -> str:
        if context and "account_id" in context:
            return f"/adAccounts/{context['account_id']}"
        return "/adAccounts"

    @override
    def request_query(
        self,
        context: Context | None,
        next_page_token: t.Any,
    ) -> Mapping[str, RestliValue | None]:
        if context and "account_id" in context:
            return {}
        return {"q": "search", "pageSize": AD_ACCOUNTS_PAGE_SIZE, "pageToken": next_page_token}

    @override
    def get_new_paginator(self) -> CursorPaginator:
        return CursorPaginator()

    @override
    def parse_response(self, response: requests.Response) -> Iterable[dict[str, t.Any]]:
        payload = payload_of(response)
        if isinstance(payload, dict) and "elements" not in payload and "id" in payload:
            return [payload]  # A single-account GET.
        return self.elements(response)

    @override
    def get_child_context(
        self,
        record: dict[str, t.Any],
        context: Context | None,
    ) -> dict[str, t.Any]:
        return {"account_id": record["id"]}


class _AccountChildStream(LinkedInStream):
    """A stream read per ad account with the ``q=owner`` finder."""

    parent_stream_type = AdAccountsStream

    @override
    def owner_label(self, context: Context | None) -> str:
        account_id = context.get("account_id") if context else None
        return f"ad account {account_id}"

    @override
    def get_new_paginator(self) -> OffsetPaginator:
        return OffsetPaginator(int(self.config["page_size"]))

    def owner_query(self, context: Context | None) -> dict[str, RestliValue]:
        """``q=owner&owner=(sponsoredAccount:<urn>)`` for the account in ``context``."""
        if not context or "account_id" not in context:
            msg = f"{self.name} needs an ad account context"
            raise ValueError(msg)
        urn = owner_urn("sponsoredAccount", int(context["account_id"]))
        return {"q": "owner", "owner": {"sponsoredAccount": urn}}

    def records_for_owner(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """Records of one owner; an unreadable discovered account is skipped with a warning.

        An account the user listed in ``account_ids`` is different: its 403 stops the tap,
        because silently syncing nothing for it would lose its leads.
        """
        try:
            yield from self.request_records(context)
        except AccessDeniedError as exc:
            if _tap(self).configured_account_ids is not None:
                raise
            self.logger.warning("Skipping %s: %s", self.owner_label(context), exc)


class LeadFormsStream(_AccountChildStream):
    """Lead forms owned by each ad account (latest version of each form)."""

    name = "lead_forms"
    endpoint = "leadForms"
    path = "/leadForms"
    primary_keys = ("id",)
    replication_key = None
    schema = LEAD_FORM_SCHEMA
    # Full-table and keyed by id: one state entry, not one per account.
    state_partitioning_keys: t.ClassVar[list[str]] = []

    @override
    def request_query(
        self,
        context: Context | None,
        next_page_token: t.Any,
    ) -> Mapping[str, RestliValue | None]:
        return {
            **self.owner_query(context),
            "start": next_page_token or 0,
            "count": int(self.config["page_size"]),
        }

    @override
    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        return self.records_for_owner(context)

    @override
    def post_process(
        self,
        row: dict[str, t.Any],
        context: Context | None = None,
    ) -> dict[str, t.Any] | None:
        account_id, organization_id = owner_ids(row.get("owner"))
        row["account_id"] = account_id
        row["organization_id"] = organization_id
        return row


class LeadFormResponsesStream(_AccountChildStream):
    """Lead form responses (leads), incremental on ``submitted_at`` with a bookmark per account.

    LinkedIn's order is undocumented (newest first in practice), so the stream is unsorted:
    an account's bookmark only moves once all its pages are read, and an interrupted run
    starts that account again from its previous bookmark.
    """

    name = "lead_form_responses"
    endpoint = "leadFormResponses"
    path = "/leadFormResponses"
    primary_keys = ("id",)
    replication_key = "submitted_at"
    is_sorted = False
    schema = LEAD_FORM_RESPONSE_SCHEMA
    state_partitioning_keys: t.ClassVar[list[str]] = ["account_id"]

    def window(self, context: Context | None) -> tuple[datetime.datetime, datetime.datetime]:
        """Submission-time window for ``context``: from (bookmark - lookback) to the end."""
        tap = _tap(self)
        start = tap.start_datetime
        state = self.get_context_state(context)
        bookmark = (
            parse_submitted_at(state.get("replication_key_value"))
            if state.get("replication_key") == self.replication_key
            else None
        )
        if bookmark is not None:
            lookback = datetime.timedelta(days=int(self.config["lookback_window_days"]))
            start = max(start, bookmark - lookback)
        return start, tap.end_datetime

    @override
    def get_replication_key_signpost(self, context: Context | None = None) -> str:
        # Bookmarks never pass the end of the window asked for, in the same format as
        # ``submitted_at`` so the SDK's string comparison holds.
        return format_submitted_at(to_epoch_ms(_tap(self).end_datetime))

    def _passes(self) -> list[bool]:
        """``limitedToTestLeads`` values to request for the ``test_leads`` setting.

        Whether ``false`` means "real leads only" or "all leads" is undocumented, so
        ``include`` asks for both and the records are filtered on ``testLead`` either way.
        """
        return {"exclude": [False], "only": [True]}.get(
            str(self.config["test_leads"]),
            [False, True],
        )

    @override
    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        start, end = self.window(context)
        if start >= end:
            self.logger.info(
                "Nothing to request for %s: the window %s .. %s is empty.",
                self.owner_label(context),
                start.isoformat(),
                end.isoformat(),
            )
            return
        mode = str(self.config["test_leads"])
        # Ids of test leads already emitted by the ``false`` pass, in case LinkedIn's
        # ``false`` returns test leads too; only test leads are kept, so this stays small.
        test_ids_seen: set[str] = set()
        for limited in self._passes():
            pass_context = {
                **(context or {}),
                "_limited_to_test_leads": limited,
                "_window": (to_epoch_ms(start), to_epoch_ms(end)),
            }
            for record in self.records_for_owner(pass_context):
                is_test = record.get("testLead") is True
                if (mode == "exclude" and is_test) or (mode == "only" and not is_test):
                    continue
                if is_test and mode == "include":
                    if limited and record.get("id") in test_ids_seen:
                        continue
                    if not limited:
                        test_ids_seen.add(str(record.get("id")))
                yield record

    @override
    def request_query(
        self,
        context: Context | None,
        next_page_token: t.Any,
    ) -> Mapping[str, RestliValue | None]:
        ctx = context or {}
        start_ms, end_ms = ctx["_window"]
        return {
            **self.owner_query(context),
            "leadType": {"leadType": "SPONSORED"},
            "limitedToTestLeads": bool(ctx["_limited_to_test_leads"]),
            "submittedAtTimeRange": {"start": start_ms, "end": end_ms},
            "start": next_page_token or 0,
            "count": int(self.config["page_size"]),
        }

    @override
    def post_process(
        self,
        row: dict[str, t.Any],
        context: Context | None = None,
    ) -> dict[str, t.Any] | None:
        return derive_lead_fields(row)
