"""Campaign names per ad account, for the ``campaign_name`` of sponsored leads.

The names come from the campaigns the run reads anyway: the campaigns stream syncs an
account's campaigns before its leads and passes them through :meth:`CampaignNames.collect`.
For an account whose campaigns were not read (the stream is not selected), the injected
``search`` reads them once, so a lead never costs a call of its own.
"""

from __future__ import annotations

import typing as t

from tap_linkedin_leads.payload import json_int

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

__all__ = ["CampaignNames", "CampaignSearch"]

#: Reads one ad account's campaigns (raw ``adCampaigns`` elements), given its id.
CampaignSearch = t.Callable[[int], t.Iterable[t.Mapping[str, t.Any]]]


class CampaignNames:
    """Campaign id -> name, per ad account, filled at most once per account per run."""

    def __init__(self, search: CampaignSearch | None = None) -> None:
        """``search(account_id)`` reads an account's campaigns (one paged campaign search)."""
        self.search = search
        self._names: dict[int, dict[int, str | None]] = {}

    def collect(
        self, account_id: int, campaigns: Iterable[Mapping[str, t.Any]]
    ) -> Iterator[Mapping[str, t.Any]]:
        """Pass ``campaigns`` through, remembering their names for ``account_id``'s leads."""
        names = self._names.setdefault(account_id, {})
        for campaign in campaigns:
            campaign_id, name = json_int(campaign.get("id")), campaign.get("name")
            if campaign_id is not None:
                names[campaign_id] = name if isinstance(name, str) else None
            yield campaign

    def name_of(self, account_id: int, campaign_id: int) -> str | None:
        """The campaign's name; ``None`` if the account has no such campaign."""
        names = self._names.get(account_id)
        if names is None:
            # Registered before searching: a failed search is not repeated for every lead.
            names = self._names[account_id] = {}
            for _ in self.collect(account_id, self.search(account_id) if self.search else ()):
                pass
        return names.get(campaign_id)
