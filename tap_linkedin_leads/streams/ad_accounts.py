"""The ad accounts stream: the parent of every per-owner stream."""

from __future__ import annotations

import typing as t

from typing_extensions import override

from tap_linkedin_leads.client import LinkedInStream
from tap_linkedin_leads.output import flush_all_pending_states
from tap_linkedin_leads.pagination import CursorPaginator
from tap_linkedin_leads.payload import payload_of
from tap_linkedin_leads.schemas import AD_ACCOUNT_SCHEMA
from tap_linkedin_leads.streams.owners import SEARCH_PAGE_SIZE, tap_of

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    import requests
    from singer_sdk.helpers.types import Context

    from tap_linkedin_leads.restli import RestliValue
    from tap_linkedin_leads.streams.owners import OwnerStream

__all__ = ["AdAccountsStream"]


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
        tap = tap_of(self)
        configured = tap.configured_account_ids
        if configured is None:
            yield from self.request_records(None)
        else:
            # One GET per configured account proves it exists and is readable, and lets an
            # error name exactly which account is wrong.
            for account_id in configured:
                yield from self.request_records({"account_id": account_id})
        # Company pages are owners too, but not ad accounts: their child streams run here,
        # the way the SDK runs them for each account.
        for organization_id in tap.organization_ids:
            for child in t.cast("list[OwnerStream]", self.child_streams):
                if child.selected or child.has_selected_descendents:
                    for child_context in child.organization_contexts(organization_id):
                        child.sync(context=child_context)

    @override
    def owner_label(self, context: Context | None) -> str:
        if context and "account_id" in context:
            return f"ad account {context['account_id']} (listed in `account_ids`)"
        return "the ad account search"

    @override
    def finalize_state_progress_markers(self, state: dict[str, t.Any] | None = None) -> None:
        # The root stream finishes last: the final STATE must not stay held back.
        super().finalize_state_progress_markers(state)
        flush_all_pending_states()

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
        return {"q": "search", "pageSize": SEARCH_PAGE_SIZE, "pageToken": next_page_token}

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
