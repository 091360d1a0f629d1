"""The lead forms stream; it also fills the run's catalog of compiled form versions."""

from __future__ import annotations

import typing as t

from typing_extensions import override

from tap_linkedin_leads.leads import owner_ids
from tap_linkedin_leads.schemas import LEAD_FORM_SCHEMA
from tap_linkedin_leads.streams.ad_accounts import AdAccountsStream
from tap_linkedin_leads.streams.owners import OwnerStream, owner_only

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    from singer_sdk.helpers.types import Context

    from tap_linkedin_leads.restli import RestliValue

__all__ = ["LeadFormsStream"]


class LeadFormsStream(OwnerStream):
    """Lead forms owned by each ad account and organization (latest version of each)."""

    name = "lead_forms"
    endpoint = "leadForms"
    record_noun = "lead forms"
    path = "/leadForms"
    parent_stream_type = AdAccountsStream
    primary_keys = ("id",)
    offset_paged = True
    replication_key = None
    schema = LEAD_FORM_SCHEMA
    state_partitioning_keys: t.ClassVar[list[str]] = []

    @override
    def contexts_for(self, owner: dict[str, int]) -> list[dict[str, t.Any]]:
        return [dict(owner)]  # Ad accounts and organizations both own lead forms.

    @override
    def get_url_params(
        self,
        context: Context | None,
        next_page_token: t.Any,
    ) -> dict[str, RestliValue | None]:
        return {
            "q": "owner",
            "owner": self.owner_union(context),
            "start": next_page_token or 0,
            "count": self.page_size,
        }

    @override
    def owner_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        # Each form is also compiled into the run's catalog, so leads need no second read.
        catalog = self.run.forms
        for form in self.records_for_owner(context):
            catalog.add(form)
            yield form
        catalog.mark_owner_loaded(owner_only(context))

    @override
    def add_derived_fields(self, row: dict[str, t.Any]) -> None:
        row["account_id"], row["organization_id"] = owner_ids(row.get("owner"))
