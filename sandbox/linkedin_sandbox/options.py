"""Behaviour switches of the sandbox server, mostly for points LinkedIn leaves undocumented.

Defaults are the sandbox's documented choices (see the package README); tests flip them to
check that a client copes with the other possibility.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from linkedin_sandbox.paging import ShortPagePlan

#: Which ``submittedAtTimeRange`` bounds include their millisecond, in interval notation.
TimeRangeBounds = Literal["[)", "[]", "(]", "()"]


def month_range(first: str, last: str) -> tuple[str, ...]:
    """Every ``YYYYMM`` from ``first`` to ``last`` inclusive.

    Args:
        first: e.g. ``"202401"``.
        last: e.g. ``"202612"``.

    Returns:
        The months in order.
    """
    year, month = int(first[:4]), int(first[4:])
    months = []
    while f"{year:04d}{month:02d}" <= last:
        months.append(f"{year:04d}{month:02d}")
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return tuple(months)


SKIPPED_VERSIONS = frozenset({"202512"})
"""Months for which LinkedIn released no Marketing version: a request for one gets 426 like a
retired version (there was no 202512)."""

DEFAULT_LIVE_VERSIONS = tuple(
    v for v in month_range("202401", "202612") if v not in SKIPPED_VERSIONS
)
"""Versions the sandbox accepts by default: generous, so any sensible tap default works.

Real LinkedIn keeps each version about a year (202401 is sunset there); pass a narrower
``live_versions`` to test the 426 answer. As of December 2026 LinkedIn serves
``month_range("202601", "202611")`` (202612 possibly not yet), see :data:`LIVE_VERSIONS_2026_12`.
"""

LIVE_VERSIONS_2026_12 = month_range("202601", "202611")
"""What LinkedIn serves in early December 2026: up to 202511 retired, no 202512, 202612 not
released yet (the reference's "where the versions stand")."""

#: Scopes a token gets by default: enough for ad accounts, lead forms and leads.
DEFAULT_SCOPES = ("r_ads", "r_marketing_leadgen_automation")


@dataclass(frozen=True)
class ServerOptions:
    """Behaviour switches.

    Attributes:
        live_versions: Accepted ``LinkedIn-Version`` values (YYYYMM); others get 426.
        skipped_versions: Months LinkedIn never released a version for; 426 even when listed
            in ``live_versions`` (default: 202512).
        api_version: Version ``tap_config()`` advertises (default: newest live version).
        page_size_default: ``pageSize`` when a cursor finder gets none.
        page_size_max: Largest ``pageSize`` (400 above).
        count_default: ``count`` when an offset finder gets none (LinkedIn's default is 10).
        count_max: Largest ``count`` (400 above; UNCONFIRMED, production code uses 1000).
        short_pages: Where leadFormResponses pages withhold slots (short/empty pages).
        omit_paging_total: Leave ``paging.total`` out of leadFormResponses pages (whether
            LinkedIn always sends it is UNCONFIRMED). Disables the empty-page gap, because
            without a total a client cannot tell an empty page from the end.
        test_leads_default: ``limitedToTestLeads`` when absent (UNCONFIRMED).
        false_means_all: Read ``limitedToTestLeads=false`` as "all leads" instead of
            "non-test leads only" (UNCONFIRMED which LinkedIn does).
        require_lead_type: 400 when ``leadType`` is absent (required-ness UNCONFIRMED).
        strict_params: 400 for query parameters a finder does not take.
        reject_search_with_page_token: 400 when ``search`` and ``pageToken`` are combined
            (a claim in Singer's code, UNCONFIRMED).
        max_time_range_days: Longest ``submittedAtTimeRange`` span, None = unlimited.
        serve_account_get: Serve ``GET /adAccounts/{id}`` (LinkedIn's single-account read is
            known from community code only); off, it answers 404 like an unknown path.
        time_range_bounds: Which ``submittedAtTimeRange`` bounds include their millisecond
            (UNCONFIRMED): ``[)`` start inclusive and end exclusive, ``[]``, ``(]``, ``()``.
        lead_get_refusal: Status (400, 403 or 404) that every lead read by id answers
            (``GET /leadFormResponses/{id}``, and each id of a batch get), as if LinkedIn
            did not serve that read to the app; ``None`` serves it.
        lead_get_refused_versions: (form id, version) pairs whose leads answer 403 (or
            ``lead_get_refusal``) when read by id, while other leads are served.
        lead_get_embeds_form: Whether a lead read by id with ``fields=...form:(...)``
            embeds its form version; off, the answer has no ``form``.
        max_query_length: Longest query string before 414 (LinkedIn documents 4 KB).
        require_protocol_header: 400 without ``X-Restli-Protocol-Version: 2.0.0``.
    """

    live_versions: frozenset[str] = field(default_factory=lambda: frozenset(DEFAULT_LIVE_VERSIONS))
    skipped_versions: frozenset[str] = SKIPPED_VERSIONS
    api_version: str | None = None
    page_size_default: int = 100
    page_size_max: int = 1000
    count_default: int = 10
    count_max: int = 1000
    short_pages: ShortPagePlan = field(default_factory=ShortPagePlan)
    omit_paging_total: bool = False
    test_leads_default: bool = False
    false_means_all: bool = False
    require_lead_type: bool = True
    strict_params: bool = True
    reject_search_with_page_token: bool = False
    max_time_range_days: int | None = None
    time_range_bounds: TimeRangeBounds = "[)"
    serve_account_get: bool = True
    lead_get_refusal: int | None = None
    lead_get_refused_versions: frozenset[tuple[int, int]] = frozenset()
    lead_get_embeds_form: bool = True
    max_query_length: int = 4096
    require_protocol_header: bool = True

    @property
    def advertised_version(self) -> str:
        """The version to put in a tap config."""
        return self.api_version or max(self.live_versions - self.skipped_versions)

    def serves(self, version: str) -> bool:
        """Whether a request with ``LinkedIn-Version: version`` is answered (else 426)."""
        return version in self.live_versions and version not in self.skipped_versions
