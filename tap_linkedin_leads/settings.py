"""The tap's settings: the JSON schema (the public contract) and how ids in them are read.

The checks JSON schema cannot express live in :mod:`tap_linkedin_leads.validation`.
"""

from __future__ import annotations

import datetime
import re

from singer_sdk import typing as th

from tap_linkedin_leads import __version__
from tap_linkedin_leads.payload import json_int

__all__ = [
    "API_VERSION_PATTERN",
    "CREDENTIAL_GROUPS",
    "DEFAULT_API_VERSION",
    "DEFAULT_LEAD_RETENTION_DAYS",
    "MAX_PAGE_SIZE",
    "MAX_PARALLEL_REQUESTS",
    "ORGANIC_LEAD_TYPES",
    "SETTINGS_SCHEMA",
    "SETTING_NAMES",
    "TEST_LEADS_CHOICES",
    "default_start_date",
    "parse_account_id",
    "parse_organization_id",
]

DEFAULT_API_VERSION = "202401"
#: A LinkedIn Marketing API version: its release month, ``YYYYMM``.
API_VERSION_PATTERN = r"^\d{4}(0[1-9]|1[0-2])$"
DEFAULT_API_URL = "https://api.linkedin.com/rest"
DEFAULT_TOKEN_URL = "https://www.linkedin.com/oauth/v2/accessToken"  # noqa: S105 - a URL
#: LinkedIn keeps lead responses for up to 365 days, so older data cannot be fetched anyway.
DEFAULT_LEAD_RETENTION_DAYS = 365
#: Largest ``count`` production connectors use on the Lead Sync finders; LinkedIn's own
#: maximum is undocumented.
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 1000
#: Requests in flight at once: enough to hide LinkedIn's latency, few enough to be polite.
DEFAULT_PARALLEL_REQUESTS = 4
MAX_PARALLEL_REQUESTS = 16
TEST_LEADS_CHOICES = ("exclude", "include", "only")
ORGANIC_LEAD_TYPES = ("COMPANY", "EVENT", "ORGANIZATION_PRODUCT")
#: The ways to authenticate, each the settings it needs together: the refresh-token flow, or a
#: plain access token. Meltano's ``settings_group_validation`` is written from this.
CREDENTIAL_GROUPS: tuple[tuple[str, ...], ...] = (
    ("client_id", "client_secret", "refresh_token"),
    ("access_token",),
)

_ACCOUNT_URN = re.compile(r"^urn:li:sponsoredAccount:(\d+)$")
_ORGANIZATION_URN = re.compile(r"^urn:li:organization:(\d+)$")

SETTINGS_SCHEMA = th.PropertiesList(
    th.Property(
        "client_id",
        th.StringType,
        secret=True,
        title="Client ID",
        description=(
            "Client ID of the LinkedIn app (Developer Portal, Auth tab). Used with "
            "`client_secret` and `refresh_token` to mint access tokens automatically."
        ),
        examples=["86abcdefghijkl"],
    ),
    th.Property(
        "client_secret",
        th.StringType,
        secret=True,
        title="Client secret",
        description="Primary client secret of the LinkedIn app. Used with `client_id` and "
        "`refresh_token`.",
        examples=["WPL_AP1.xxxxxxxxxxxxxxxx"],
    ),
    th.Property(
        "refresh_token",
        th.StringType,
        secret=True,
        title="Refresh token",
        description=(
            "OAuth refresh token (valid 365 days from consent; refreshing does not extend "
            "it). The tap warns when fewer than 30 days are left."
        ),
        examples=["AQWxxxxxxxx"],
    ),
    th.Property(
        "access_token",
        th.StringType,
        secret=True,
        title="Access token",
        description=(
            "A plain OAuth access token (valid 60 days), instead of the refresh-token "
            "settings. Set either this or `client_id` + `client_secret` + `refresh_token`; "
            "with this, `client_id` + `client_secret` are optional and only used to ask "
            "LinkedIn (token introspection) which scopes the token has."
        ),
        examples=["AQVxxxxxxxx"],
    ),
    th.Property(
        "account_ids",
        th.ArrayType(th.CustomType({"type": ["string", "integer"]})),
        title="Ad account IDs",
        description=(
            "Sponsored ad account ids to sync (numbers, digit strings or "
            "`urn:li:sponsoredAccount:<id>`). Each is checked to exist and be readable. "
            "Leave unset to sync every ad account the token can see."
        ),
        examples=[["512345678", 523456789]],
    ),
    th.Property(
        "organization_ids",
        th.ArrayType(th.CustomType({"type": ["string", "integer"]})),
        title="Organization IDs",
        description=(
            "Company pages (numbers or `urn:li:organization:<id>`) whose organic lead forms "
            "and leads are synced too, for the lead types in `organic_lead_types`. Needs the "
            "`r_organization_admin` scope and an admin role on each page."
        ),
        examples=[["11223344"]],
    ),
    th.Property(
        "organic_lead_types",
        th.ArrayType(th.StringType(allowed_values=list(ORGANIC_LEAD_TYPES))),
        default=list(ORGANIC_LEAD_TYPES),
        title="Organic lead types",
        description=(
            "Lead types synced for each of `organization_ids`: `COMPANY` (company page), "
            "`EVENT` (event page), `ORGANIZATION_PRODUCT` (product page). Each owner and "
            "lead type keeps its own bookmark."
        ),
        examples=[["COMPANY", "EVENT"]],
    ),
    th.Property(
        "start_date",
        th.DateTimeType,
        title="Start date",
        description=(
            "Earliest lead submission time to sync (ISO 8601). Defaults to 365 days before "
            "the run, LinkedIn's longest lead retention."
        ),
        examples=["2025-01-01T00:00:00Z"],
    ),
    th.Property(
        "end_date",
        th.DateTimeType,
        title="End date",
        description="Latest lead submission time to sync (ISO 8601, exclusive). Defaults to "
        "the time the run starts.",
        examples=["2025-12-31T00:00:00Z"],
    ),
    th.Property(
        "lookback_window_days",
        th.IntegerType(minimum=0, maximum=365),
        default=1,
        title="Lookback window (days)",
        description=(
            "Each incremental run starts this many days before the saved bookmark, so leads "
            "LinkedIn makes visible late are not missed. Re-sent leads are deduplicated by "
            "targets on the `id` key."
        ),
        examples=[1, 3],
    ),
    th.Property(
        "test_leads",
        th.StringType,
        default="exclude",
        allowed_values=list(TEST_LEADS_CHOICES),
        title="Test leads",
        description=(
            "`exclude` (default) syncs real leads only, `include` syncs real and test "
            "leads, `only` syncs test leads only. Every record keeps its `testLead` flag."
        ),
        examples=["exclude", "include", "only"],
    ),
    th.Property(
        "api_version",
        th.StringType(pattern=API_VERSION_PATTERN),
        default=DEFAULT_API_VERSION,
        title="LinkedIn API version",
        description=(
            "Value of the `LinkedIn-Version` header, `YYYYMM`. LinkedIn retires each version "
            "after about a year (then it answers 426); see `api_version_fallback`. The tap "
            "warns when the version in use is within 45 days of its expected retirement."
        ),
        examples=["202401", "202611"],
    ),
    th.Property(
        "api_version_fallback",
        th.BooleanType,
        default=True,
        title="Fall back to a live API version",
        description=(
            "When LinkedIn answers 426 `NONEXISTENT_VERSION` for `api_version`, try newer "
            "versions (this month's, then one month back at a time; at most 4 more 426 "
            "answers), use the newest one LinkedIn serves for the rest of the run and warn "
            "with the value to pin. `false` stops the run at the 426 instead."
        ),
        examples=[True, False],
    ),
    th.Property(
        "api_url",
        th.StringType,
        default=DEFAULT_API_URL,
        title="API base URL",
        description="Base URL of LinkedIn's versioned REST API. Change only to point the tap "
        "at a local sandbox (plain http is allowed for loopback addresses only).",
        examples=[DEFAULT_API_URL, "http://127.0.0.1:8787/rest"],
    ),
    th.Property(
        "oauth_token_url",
        th.StringType,
        default=DEFAULT_TOKEN_URL,
        title="OAuth token URL",
        description=(
            "LinkedIn's OAuth 2.0 token endpoint, used for the refresh-token flow. Token "
            "introspection, which tells which scopes a token has when LinkedIn refuses its "
            "leads, uses `introspectToken` beside it."
        ),
        examples=[DEFAULT_TOKEN_URL],
    ),
    th.Property(
        "page_size",
        th.IntegerType(minimum=1, maximum=MAX_PAGE_SIZE),
        default=DEFAULT_PAGE_SIZE,
        title="Page size",
        description=(
            "`count` sent to the lead form and lead response finders. LinkedIn's daily "
            "limits count calls, not records, so the default is the largest page production "
            "connectors use (1000). If LinkedIn refuses it, the tap lowers it for the run and "
            "warns."
        ),
        examples=[1000, 100],
    ),
    th.Property(
        "request_timeout",
        th.IntegerType(minimum=1),
        default=120,
        title="Request timeout (seconds)",
        description="Seconds to wait for LinkedIn to answer one request before retrying.",
        examples=[120],
    ),
    th.Property(
        "max_retries",
        th.IntegerType(minimum=0, maximum=20),
        default=6,
        title="Maximum retries",
        description=(
            "Retries of one request after a 429, a 5xx, a timeout, a dropped connection or a "
            "truncated body, with exponential backoff (honouring `Retry-After`)."
        ),
        examples=[6],
    ),
    th.Property(
        "retry_backoff_seconds",
        th.NumberType(minimum=0),
        default=2,
        title="Retry backoff (seconds)",
        description="First wait before a retry; it doubles on each further retry (capped at "
        "120 s). A `Retry-After` header from LinkedIn takes precedence.",
        examples=[2],
    ),
    th.Property(
        "max_parallel_requests",
        th.IntegerType(minimum=1, maximum=MAX_PARALLEL_REQUESTS),
        default=DEFAULT_PARALLEL_REQUESTS,
        title="Parallel requests",
        description=(
            "Requests to LinkedIn in flight at once: different owners (ad accounts, "
            "organizations and lead types) and the later pages of one owner. Output is the "
            "same as with 1, which sends one request at a time. A `Retry-After` pauses all "
            "of them; the daily limit stops all of them. Memory grows with it, not with the "
            "sync: each request fetched ahead holds one decoded page (about 12 MB at "
            "`page_size` 1000)."
        ),
        examples=[4, 1],
    ),
    th.Property(
        "user_agent",
        th.StringType,
        default=f"tap-linkedin-leads/{__version__}",
        title="User agent",
        description="`User-Agent` header sent to LinkedIn.",
        examples=[f"tap-linkedin-leads/{__version__}"],
    ),
).to_dict()

#: The tap's own settings, in documentation order (the SDK later adds its built-in ones,
#: such as ``stream_maps``, to the tap's copy of the schema).
SETTING_NAMES: tuple[str, ...] = tuple(SETTINGS_SCHEMA["properties"])


def default_start_date(now: datetime.datetime) -> datetime.datetime:
    """The start date used when none is configured: LinkedIn's retention horizon."""
    return now - datetime.timedelta(days=DEFAULT_LEAD_RETENTION_DAYS)


def parse_account_id(value: object) -> int | None:
    """Read an ad account id given as int, digit string or sponsoredAccount URN."""
    if (number := json_int(value)) is not None:
        return number if number > 0 else None
    if isinstance(value, str):
        text = value.strip()
        if match := _ACCOUNT_URN.match(text):
            text = match.group(1)
        if text.isdigit() and int(text) > 0:
            return int(text)
    return None


def parse_organization_id(value: object) -> int | None:
    """Read an organization id given as int, digit string or organization URN."""
    if isinstance(value, str) and (match := _ORGANIZATION_URN.match(value.strip())):
        return int(match.group(1))
    if isinstance(value, str) and value.strip().startswith("urn:"):
        return None
    return parse_account_id(value)
