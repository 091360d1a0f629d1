"""The ad accounts stream: the parent of every per-owner stream."""

from __future__ import annotations

import typing as t

from singer_sdk.exceptions import AbortedSyncFailedException, AbortedSyncPausedException
from typing_extensions import override

from tap_linkedin_leads.client import LinkedInStream
from tap_linkedin_leads.errors import NotFoundError, RequestRejectedError
from tap_linkedin_leads.restli import RestliList, owner_urn
from tap_linkedin_leads.scheduler import Lookahead
from tap_linkedin_leads.schemas import AD_ACCOUNT_SCHEMA
from tap_linkedin_leads.streams.owners import SEARCH_PAGE_SIZE

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from singer_sdk.helpers.types import Context

    from tap_linkedin_leads.restli import RestliValue
    from tap_linkedin_leads.scheduler import FollowUp, PlannedRequest, RequestKey
    from tap_linkedin_leads.streams.owners import OwnerStream

__all__ = ["AdAccountsStream"]

#: Account ids per id search: 50 encoded URNs keep the query well under LinkedIn's 4 KB.
IDS_PER_SEARCH = 50


class AdAccountsStream(LinkedInStream):
    """Ad accounts: the configured ``account_ids``, or every account the token can see."""

    name = "ad_accounts"
    endpoint = "adAccounts"
    record_noun = "ad accounts"
    path = "/adAccounts"
    #: A listed account is read alone: ``GET /adAccounts/{account_id}``.
    entity_key = "account_id"
    primary_keys = ("id",)
    replication_key = None
    schema = AD_ACCOUNT_SCHEMA

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        """No listed account read yet."""
        super().__init__(*args, **kwargs)
        #: Listed accounts found by the id search, once LinkedIn refused the single GET.
        self._searched: dict[int, dict[str, t.Any]] | None = None

    @override
    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        # The root stream drives every owner, so the whole sync runs inside this generator
        # and the run's scope (GC tuning, log filter, requests, STATE flush) wraps it.
        with self.run.active():
            settings = self.run.settings
            listed = settings.account_ids
            discovered: list[dict[str, t.Any]] | None = None
            account_ids: Sequence[int] = listed or ()
            if listed is None:
                # The whole search first (one listing), so progress can say "3 of 40" and
                # later owners' requests can be sent ahead. Checked now: owners need ids.
                discovered = [
                    record
                    for account in self.request_records(None)
                    if (record := self.post_process(account, context)) is not None
                ]
                account_ids = [record["id"] for record in discovered]
            for child in self._synced_children():
                child.plan_owners(list(account_ids), settings.organization_ids)
            owners = [{"account_id": i} for i in account_ids]
            owners += [{"organization_id": i} for i in settings.organization_ids]
            lookahead = Lookahead(self.run.scheduler, owners, self._first_requests)
            for index, owner in enumerate(owners):
                lookahead.reach(index)
                if "organization_id" in owner:
                    # Company pages are owners too, but not ad accounts: no record of their own.
                    self._sync_owner(owner)
                    continue
                # Each listed account is read right before its owner's streams, so one that
                # cannot be read stops the run only after the accounts before it are synced.
                accounts = (
                    [discovered[index]]
                    if discovered is not None
                    else self._listed_account(owner["account_id"], listed or ())
                )
                for account in accounts:
                    record = self.post_process(account, context)
                    if record is None:
                        continue
                    # The account's company page, to explain a refusal of its leads.
                    self.run.account_references[record["id"]] = record.get("reference")
                    # Children first, then the account: the order the SDK writes them in.
                    if self.stream_maps[0].get_filter_result(record):
                        self._sync_owner({"account_id": record["id"]})
                    yield record
                    if self.selected:
                        self.progress.record_emitted()  # The SDK has written it.
            self.run.progress.log_stream_totals()

    def _synced_children(self) -> list[OwnerStream]:
        """The child streams this run syncs, in the SDK's child order."""
        return [
            child
            for child in t.cast("list[OwnerStream]", self.child_streams)
            if child.selected or child.has_selected_descendents
        ]

    def _sync_owner(self, owner: dict[str, int]) -> None:
        """Sync each selected child stream for one owner, in the SDK's child order."""
        for child in self._synced_children():
            for child_context in child.contexts_for(owner):
                try:
                    child.sync(context=child_context)
                except (AbortedSyncFailedException, AbortedSyncPausedException):
                    # A dry run's record limit: the SDK carries on with the next child.
                    continue

    def _first_requests(self, owner: dict[str, int]) -> list[PlannedRequest | FollowUp] | None:
        """What a serial sync of ``owner`` sends first: its own read, then each child's.

        Each child's follow-ups come right after its first requests. ``None`` while none of
        those streams has had a request accepted: nothing can be sent ahead for them yet,
        but it can be once the first owner is read.
        """
        streams: list[LinkedInStream] = []
        planned: list[PlannedRequest | FollowUp] = []
        if "account_id" in owner and self.run.settings.account_ids and self._searched is None:
            streams.append(self)
            planned += self.first_requests({"account_id": owner["account_id"]})
        firsts: dict[str, RequestKey] = {}
        for child in self._synced_children():
            streams.append(child)
            for child_context in child.contexts_for(owner):
                requests = child.first_requests(child_context)
                planned += requests
                if requests and child.name not in firsts:
                    firsts[child.name] = requests[0].key
                    planned += child.follow_ups(child_context, firsts)
        if not planned and not all(stream.accepted for stream in streams):
            return None
        return planned

    @override
    def generate_child_contexts(
        self,
        record: dict[str, t.Any],
        context: Context | None,
    ) -> Iterable[Context | None]:
        # ``get_records`` syncs each account's children itself (see there).
        return ()

    def _listed_account(self, account_id: int, listed: tuple[int, ...]) -> list[dict[str, t.Any]]:
        """One of the ``account_ids``, proved to exist and be readable.

        One GET per account lets an error name exactly which account is wrong. That read is
        known from community code only: should LinkedIn answer it with 404 or 400, the
        accounts are looked up with the documented id search instead, and one it does not
        return is named in the error.
        """
        if self._searched is None:
            try:
                return list(self.request_records({"account_id": account_id}))
            except (NotFoundError, RequestRejectedError) as exc:
                self.logger.warning(
                    "LinkedIn refused GET /adAccounts/%s (%s); checking the listed "
                    "accounts with the ad account search instead.",
                    account_id,
                    "404" if isinstance(exc, NotFoundError) else "rejected",
                )
                self._searched = self._search_ids(listed, exc)
        record = self._searched.get(account_id)
        if record is None:
            msg = (
                f"Ad account {account_id} (listed in `account_ids`) does not exist or is "
                "not visible to the authorizing member: neither a GET nor the ad account "
                "search returns it. Check the id, and that the member has a role on it."
            )
            raise NotFoundError(msg)
        return [record]

    def _search_ids(
        self, listed: tuple[int, ...], refusal: NotFoundError | RequestRejectedError
    ) -> dict[int, dict[str, t.Any]]:
        """The listed accounts the id search returns, by id; ``refusal`` if it fails too."""
        wanted = set(listed)
        found: dict[int, dict[str, t.Any]] = {}
        for first in range(0, len(listed), IDS_PER_SEARCH):
            chunk = listed[first : first + IDS_PER_SEARCH]
            try:
                for record in self.request_records({"search_ids": chunk}):
                    if record.get("id") in wanted:
                        found.setdefault(record["id"], record)
            except (NotFoundError, RequestRejectedError):
                if not found:
                    raise refusal from None
        return found

    @override
    def owner_label(self, context: Context | None) -> str:
        if context and "account_id" in context:
            return f"ad account {context['account_id']} (listed in `account_ids`)"
        return "the ad account search"

    @override
    def finalize_state_progress_markers(self, state: dict[str, t.Any] | None = None) -> None:
        # The root stream finishes last: the final STATE must not stay held back.
        super().finalize_state_progress_markers(state)
        self.run.flush_state()

    @override
    def get_url_params(
        self,
        context: Context | None,
        next_page_token: t.Any,
    ) -> dict[str, RestliValue | None]:
        if self.reads_entity(context):
            return {}
        ids = (context or {}).get("search_ids")
        search = (
            {"id": {"values": RestliList([owner_urn("sponsoredAccount", i) for i in ids])}}
            if ids
            else None
        )
        return {
            "q": "search",
            "search": search,
            "pageSize": SEARCH_PAGE_SIZE,
            "pageToken": next_page_token,
        }
