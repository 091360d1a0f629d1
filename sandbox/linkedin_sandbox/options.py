"""The sandbox server's options, declared once: :class:`ServerOptions`.

Most are behaviour switches for points LinkedIn leaves undocumented. Defaults are the sandbox's
documented choices (see the distribution's README); tests flip them to check that a client
copes with the other possibility. Each field's ``help`` is its documentation, and the command
line derives its flags from the fields (``linkedin_sandbox.cli``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from linkedin_sandbox.paging import ShortPagePlan

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

#: Which ``submittedAtTimeRange`` bounds include their millisecond, in interval notation.
TimeRangeBounds = Literal["[)", "[]", "(]", "()"]
#: Body of the token endpoint's answer to a bad refresh token.
RefreshErrorStyle = Literal["invalid_request", "invalid_grant"]


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


DEFAULT_CLIENT_ID = "sandbox-client-id"
DEFAULT_CLIENT_SECRET = "sandbox-client-secret"  # noqa: S105 - a fake credential


def _option(
    help_text: str,
    *,
    default: Any = None,
    factory: Callable[[], Any] | None = None,
    flag: str | None = None,
    months: bool = False,
    cli: bool = True,
) -> Any:
    """A :class:`ServerOptions` field: its default, its documentation and how the CLI spells it.

    Args:
        help_text: What the option does (the CLI's ``--help`` shows it).
        default: The default value.
        factory: Builds the default instead (mutable or computed defaults).
        flag: The command-line flag, when not ``--field-name`` (``--no-field-name`` for a
            switch that defaults to on).
        months: Values may be ``FIRST-LAST`` month ranges on the command line.
        cli: False for a field the command line sets another way, or not at all.
    """
    metadata = {"help": help_text, "flag": flag, "months": months, "cli": cli}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


def _frozen(values: Iterable[Any] | str) -> frozenset[Any]:
    """A set from any iterable; a string is a comma-separated list, not its characters."""
    if isinstance(values, str):
        values = [v.strip() for v in values.split(",") if v.strip()]
    return frozenset(values)


@dataclass(frozen=True)
class ServerOptions:
    """Everything a :class:`~linkedin_sandbox.server.SandboxServer` is told, but data and faults.

    The API's behaviour switches can change while the server runs
    (:meth:`~linkedin_sandbox.server.SandboxServer.reconfigure`); the OAuth and request-log
    fields (:data:`READ_AT_START`) are read once, when the server is built. Set-valued fields
    take any iterable, or a comma-separated string.
    """

    live_versions: frozenset[str] = _option(
        "accepted LinkedIn-Version values (YYYYMM), others get 426; comma-separated, FIRST-LAST"
        " for a range (default 202401-202612)",
        factory=lambda: frozenset(DEFAULT_LIVE_VERSIONS),
        months=True,
    )
    skipped_versions: frozenset[str] = _option(
        "months LinkedIn never released a version for: 426 even when listed as live"
        " (default 202512)",
        default=SKIPPED_VERSIONS,
        months=True,
    )
    api_version: str | None = _option(
        "version tap_config() advertises (default: the newest live version)", default=None
    )
    page_size_default: int = _option("pageSize when a cursor finder gets none", default=100)
    page_size_max: int = _option("largest pageSize of cursor finders (400 above)", default=1000)
    count_default: int = _option("count when an offset finder gets none (LinkedIn: 10)", default=10)
    count_max: int = _option(
        "largest count of offset finders (400 above; UNCONFIRMED, production code uses 1000)",
        default=1000,
    )
    short_pages: ShortPagePlan = _option(
        "where leadFormResponses pages withhold slots (short and empty pages mid-stream)",
        factory=ShortPagePlan,
        cli=False,
    )
    omit_paging_total: bool = _option(
        "leave paging.total out of leadFormResponses pages (whether LinkedIn always sends it is"
        " UNCONFIRMED); disables the empty page, which a client could not tell from the end",
        default=False,
        flag="--omit-total",
    )
    test_leads_default: bool = _option(
        "limitedToTestLeads when the client leaves it out (UNCONFIRMED)",
        default=False,
    )
    false_means_all: bool = _option(
        "read limitedToTestLeads=false as all leads, test leads too, instead of non-test leads"
        " only (UNCONFIRMED which LinkedIn does)",
        default=False,
    )
    require_lead_type: bool = _option(
        "400 when leadType is absent (required-ness UNCONFIRMED)",
        default=True,
    )
    strict_params: bool = _option(
        "400 for query parameters a finder does not take",
        default=True,
    )
    reject_search_with_page_token: bool = _option(
        "400 when search and pageToken are combined (a claim in Singer's code, UNCONFIRMED)",
        default=False,
    )
    max_time_range_days: int | None = _option(
        "longest submittedAtTimeRange span in days (default: unlimited)", default=None
    )
    time_range_bounds: TimeRangeBounds = _option(
        "which submittedAtTimeRange bounds include their millisecond (UNCONFIRMED): [) start"
        " inclusive and end exclusive, [], (] or ()",
        default="[)",
    )
    serve_account_get: bool = _option(
        "serve GET /adAccounts/{id} (known from community code only); off, it answers 404 like"
        " an unknown path",
        default=True,
    )
    lead_get_refusal: int | None = _option(
        "status (400, 403 or 404) every lead read by id answers (GET /leadFormResponses/{id},"
        " and each id of a batch get), as if LinkedIn did not serve that read to the app",
        default=None,
    )
    lead_get_refused_versions: frozenset[tuple[int, int]] = _option(
        "(form id, version) pairs whose leads answer 403 (or lead_get_refusal) when read by id,"
        " while other leads are served",
        default=frozenset(),
        cli=False,
    )
    lead_get_embeds_form: bool = _option(
        "embed its form version in a lead read by id with fields=...form:(...); off, the"
        " answer has no form",
        default=True,
    )
    max_query_length: int = _option(
        "longest query string before 414 (LinkedIn documents 4 KB)", default=4096
    )
    require_protocol_header: bool = _option(
        "400 without X-Restli-Protocol-Version: 2.0.0",
        default=True,
    )
    # Read once, when the server is built.
    client_id: str = _option(
        "the OAuth client id the token endpoint expects", default=DEFAULT_CLIENT_ID
    )
    client_secret: str = _option(
        "the OAuth client secret the token endpoint expects", default=DEFAULT_CLIENT_SECRET
    )
    refresh_token: str | None = _option(
        "value of the initial refresh token (default: a random one per server), e.g. to keep"
        " a demo's config stable across restarts",
        default=None,
    )
    granted_scopes: tuple[str, ...] = _option(
        "OAuth scopes every token carries, comma-separated; endpoints outside them answer 403"
        " ACCESS_DENIED (r_ads alone: accounts and forms, no leads)",
        default=DEFAULT_SCOPES,
        flag="--scopes",
    )
    access_token_ttl: int = _option("access-token lifetime in seconds (60 days)", default=5_184_000)
    refresh_token_ttl: int = _option(
        "refresh-token lifetime in seconds from its creation (365 days)", default=31_536_000
    )
    refresh_error_style: RefreshErrorStyle = _option(
        "body of the token endpoint's answer to a bad refresh token", default="invalid_request"
    )
    request_log_limit: int | None = _option(
        "keep only the newest N logged requests (default: all; on the command line 10000)",
        default=None,
    )

    def __post_init__(self) -> None:
        """Accept any iterable (or a comma-separated string) for the set-valued fields."""
        for name in ("live_versions", "skipped_versions", "lead_get_refused_versions"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        scopes = self.granted_scopes
        if isinstance(scopes, str):
            scopes = [s.strip() for s in scopes.split(",") if s.strip()]
        object.__setattr__(self, "granted_scopes", tuple(scopes))

    @property
    def advertised_version(self) -> str:
        """The version to put in a tap config."""
        return self.api_version or max(self.live_versions - self.skipped_versions)

    def serves(self, version: str) -> bool:
        """Whether a request with ``LinkedIn-Version: version`` is answered (else 426)."""
        return version in self.live_versions and version not in self.skipped_versions


READ_AT_START = frozenset(
    {
        "client_id",
        "client_secret",
        "refresh_token",
        "granted_scopes",
        "access_token_ttl",
        "refresh_token_ttl",
        "refresh_error_style",
        "request_log_limit",
    }
)
"""Fields read once, when the server is built: changing them later would not take effect."""
