"""The campaigns stream: names for the ``campaign_id`` on each lead."""

from __future__ import annotations

import typing as t

from typing_extensions import override

from tap_linkedin_leads.errors import NotFoundError, RequestRejectedError
from tap_linkedin_leads.restli import parse_urn_id
from tap_linkedin_leads.schemas import CAMPAIGN_SCHEMA
from tap_linkedin_leads.streams.ad_accounts import AdAccountsStream
from tap_linkedin_leads.streams.owners import SEARCH_PAGE_SIZE, OwnerStream

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    from singer_sdk.helpers.types import Context

    from tap_linkedin_leads.restli import RestliValue

__all__ = ["CampaignsStream"]


class CampaignsStream(OwnerStream):
    """Campaigns of each ad account, so a lead's ``campaign_id`` joins to a name."""

    name = "campaigns"
    endpoint = "adCampaigns"
    record_noun = "campaigns"
    path = "/adAccounts/{account_id}/adCampaigns"
    parent_stream_type = AdAccountsStream
    primary_keys = ("id",)
    replication_key = None
    schema = CAMPAIGN_SCHEMA
    # Full table, keyed by id: one state entry rather than one per account.
    state_partitioning_keys: t.ClassVar[list[str]] = []

    @override
    def get_url_params(
        self,
        context: Context | None,
        next_page_token: t.Any,
    ) -> dict[str, RestliValue | None]:
        return {"q": "search", "pageSize": SEARCH_PAGE_SIZE, "pageToken": next_page_token}

    @override
    def owner_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        account_id = int((context or {})["account_id"])
        names = self.run.campaign_names
        for record in names.collect(account_id, self.campaigns_of_account(account_id)):
            yield t.cast("dict[str, t.Any]", record)

    def campaigns_of_account(self, account_id: int) -> Iterable[dict[str, t.Any]]:
        """The account's campaigns (one paged search), or none when LinkedIn refuses it.

        Campaigns only name the ``campaign_id`` of leads. A 404 or 400 here, for an account
        that was read a moment ago, says the campaign finder is not served (version,
        product), not that the account is wrong: warn, and let the leads sync.
        """
        context = {"account_id": account_id}
        try:
            yield from self.records_for_owner(context)
        except (NotFoundError, RequestRejectedError) as exc:
            said = getattr(exc, "linkedin_message", "") or "not found"
            self.logger.warning(
                "No campaigns for %s: LinkedIn refused the campaign search (%s). Its leads "
                "still sync, with an empty campaign_name.",
                self.owner_label(context),
                said,
            )
            self.progress.skip_current("campaign search refused")

    @override
    def add_derived_fields(self, row: dict[str, t.Any]) -> None:
        row["account_id"] = parse_urn_id(row.get("account"), "sponsoredAccount")
        row["campaign_group_id"] = parse_urn_id(row.get("campaignGroup"), "sponsoredCampaignGroup")
