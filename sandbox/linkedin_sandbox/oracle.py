"""Ground truth for clients of the sandbox: what a minimal correct client asks for and gets.

Computed from the data set alone, never from a client's run, so tests and the benchmark
judge a client against the work any client has to do:

* one ``adAccounts`` search page per 100 accounts, and per account one ``adCampaigns``
  search page per 100 campaigns;
* per owner (ad account or organization), ``leadForms`` pages: the latest version of each
  form;
* per owner, lead type and ``limitedToTestLeads`` pass, ``ceil(paging.total / count)``
  ``leadFormResponses`` pages (at least one), where ``paging.total`` counts the sandbox's
  withheld slots;
* one lead read by id per form version that the leads received name but ``leadForms`` does
  not give (an older version), to learn that version's questions.

This module reads the sandbox's data and nothing of the client it judges.
"""

from __future__ import annotations

import collections
import datetime
import math
import typing as t
from dataclasses import dataclass, field

from linkedin_sandbox.paging import ShortPagePlan

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from linkedin_sandbox.data import SandboxData
    from linkedin_sandbox.store import LeadSlice

__all__ = [
    "ORGANIC_LEAD_TYPES",
    "LeadQuery",
    "MinimalSync",
    "count_requests",
    "expected_lead_ids",
    "pages",
    "request_label",
]

ORGANIC_LEAD_TYPES = ("COMPANY", "EVENT", "ORGANIZATION_PRODUCT")
SPONSORED = "SPONSORED"
DAY_MS = 86_400_000
#: ``limitedToTestLeads`` values a client sends per ``test_leads`` mode (``false`` read as
#: "non-test leads only", the sandbox's default).
PASSES: dict[str, tuple[bool, ...]] = {
    "exclude": (False,),
    "only": (True,),
    "include": (False, True),
}


def pages(slots: int, page_size: int) -> int:
    """Pages a client walks: the first page, then one per ``page_size`` slots."""
    return max(1, math.ceil(slots / page_size))


def _iso_ms(value: str) -> int:
    moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return int(moment.timestamp() * 1000)


@dataclass(frozen=True)
class LeadQuery:
    """One ``leadFormResponses`` finder query: an owner and a lead type."""

    owner_urn: str
    lead_type: str
    #: The STATE partition context a Singer client keeps for it.
    context: dict[str, t.Any]

    @property
    def context_key(self) -> tuple[tuple[str, t.Any], ...]:
        """The context as a hashable key."""
        return tuple(sorted(self.context.items()))


@dataclass
class MinimalSync:
    """A full or incremental sync of a data set, as a minimal client performs it."""

    data: SandboxData
    start_ms: int
    end_ms: int
    #: ``count`` for the offset finders (``leadForms``, ``leadFormResponses``).
    page_size: int = 1000
    #: ``pageSize`` for the cursor finders (``adAccounts``, ``adCampaigns``).
    search_page_size: int = 100
    organization_ids: Sequence[int] = ()
    organic_lead_types: Sequence[str] = ORGANIC_LEAD_TYPES
    test_leads: str = "exclude"
    lookback_days: int = 1
    plan: ShortPagePlan = field(default_factory=ShortPagePlan)

    @property
    def accounts(self) -> list[int]:
        """Ad accounts the token sees."""
        return self.data.visible_account_ids

    def owner_urns(self) -> list[str]:
        """Every owner whose forms and leads are read."""
        urns = [f"urn:li:sponsoredAccount:{a}" for a in self.accounts]
        return urns + [f"urn:li:organization:{o}" for o in self.organization_ids]

    def lead_queries(self) -> list[LeadQuery]:
        """Every ``leadFormResponses`` query: per account, and per organization and type."""
        queries = [
            LeadQuery(f"urn:li:sponsoredAccount:{a}", SPONSORED, {"account_id": a})
            for a in self.accounts
        ]
        queries += [
            LeadQuery(
                f"urn:li:organization:{o}",
                lead_type,
                {"organization_id": o, "leadType": lead_type},
            )
            for o in self.organization_ids
            for lead_type in self.organic_lead_types
        ]
        return queries

    def window_starts(self, state: dict[str, t.Any] | None) -> dict[tuple[t.Any, ...], int]:
        """Each query's window start in a run from ``state``: bookmark minus lookback."""
        starts: dict[tuple[t.Any, ...], int] = {}
        if state is None:
            return starts
        bookmarks = state.get("bookmarks", {}).get("lead_form_responses", {})
        for partition in bookmarks.get("partitions", []):
            value = partition.get("replication_key_value")
            if value:
                key = tuple(sorted(partition["context"].items()))
                starts[key] = max(self.start_ms, _iso_ms(value) - self.lookback_days * DAY_MS)
        return starts

    def windows(
        self, state: dict[str, t.Any] | None = None
    ) -> Iterator[tuple[LeadQuery, bool, LeadSlice]]:
        """(query, ``limitedToTestLeads``, leads returned) for every finder walk of a run."""
        starts = self.window_starts(state)
        for query in self.lead_queries():
            start = starts.get(query.context_key, self.start_ms)
            for limited in PASSES[self.test_leads]:
                window = self.data.lead_window(
                    query.owner_urn,
                    query.lead_type,
                    test=limited,
                    start_ms=start,
                    end_ms=self.end_ms,
                )
                yield query, limited, window

    def lead_count(self, state: dict[str, t.Any] | None = None) -> int:
        """Leads a run emits."""
        return sum(len(window) for _, _, window in self.windows(state))

    def lead_indexes(self, state: dict[str, t.Any] | None = None) -> Iterator[int]:
        """Data indexes of the leads a run receives."""
        for _, _, window in self.windows(state):
            for position in range(len(window)):
                yield window.index_at(position)

    def older_versions(self, state: dict[str, t.Any] | None = None) -> set[tuple[int, int]]:
        """(form id, version) the leads received name but ``leadForms`` does not list."""
        latest: dict[int, int] = {}
        for urn in self.owner_urns():
            for form in self.data.forms_of(urn):
                latest[form.form_id] = int(form.latest["versionId"])
        seen = {self.data.lead_form_version(i) for i in self.lead_indexes(state)}
        return {(f, v) for f, v in seen if latest.get(f) != v}

    def calls(self, state: dict[str, t.Any] | None = None) -> collections.Counter[str]:
        """Minimal requests of a run, by label (see :func:`request_label`)."""
        counts: collections.Counter[str] = collections.Counter(
            token=1, adAccounts=pages(len(self.accounts), self.search_page_size)
        )
        for account_id in self.accounts:
            suffix = f":{account_id}"
            campaigns = sum(1 for c in self.data.campaigns if c["account"].endswith(suffix))
            counts["adCampaigns"] += pages(campaigns, self.search_page_size)
        for urn in self.owner_urns():
            counts["leadForms"] += pages(len(self.data.forms_of(urn)), self.page_size)
        for _, _, window in self.windows(state):
            slots = self.plan.total(len(window), self.page_size)
            counts["leadFormResponses"] += pages(slots, self.page_size)
        older = len(self.older_versions(state))
        if older:
            counts["leadFormResponses by id"] = older
        return counts


def request_label(method: str, endpoint: str | None, raw_query: str) -> str:
    """``token``, the finder's endpoint name, or ``<endpoint> by id`` for (batch) gets."""
    if endpoint == "token":
        return "token"
    finder = any(part.startswith("q=") for part in raw_query.split("&"))
    if method == "GET" and finder and endpoint:
        return endpoint
    return f"{endpoint} by id"


def count_requests(requests: Iterable[tuple[str, str | None, str]]) -> collections.Counter[str]:
    """(method, endpoint, raw query) of each request -> requests by label."""
    return collections.Counter(request_label(m, e, q) for m, e, q in requests)


def expected_lead_ids(
    data: SandboxData,
    *,
    account_ids: Iterable[int] | None = None,
    test_leads: str = "exclude",
) -> set[str]:
    """Ids of every sponsored lead of the readable accounts, filtered by ``test_leads``."""
    readable = set(account_ids if account_ids is not None else data.visible_account_ids)
    readable -= set(data.forbidden_account_ids)
    wanted = set()
    for lead in data.leads:
        urn = lead["owner"].get("sponsoredAccount")
        if not urn or lead["leadType"] != SPONSORED:
            continue
        if int(urn.rsplit(":", 1)[1]) not in readable:
            continue
        if (test_leads == "exclude" and lead["testLead"]) or (
            test_leads == "only" and not lead["testLead"]
        ):
            continue
        wanted.add(lead["id"])
    return wanted
