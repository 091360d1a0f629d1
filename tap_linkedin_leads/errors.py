"""Errors the tap raises, each worded so the user knows what to change.

None of these messages may carry a token, a client secret or a lead's answers: they are
built only from settings names, ids, HTTP statuses and LinkedIn's own error ``message``.
"""

from __future__ import annotations

import enum
import re
from http import HTTPStatus

from singer_sdk.exceptions import FatalAPIError

__all__ = [
    "LEAD_SYNC_SCOPE",
    "AccessDeniedError",
    "ApiVersionRetiredError",
    "AuthenticationError",
    "CatalogError",
    "Complaint",
    "DailyLimitError",
    "LinkedInTapError",
    "MissingScopeError",
    "NotFoundError",
    "OutputClosedError",
    "RequestRejectedError",
    "RetriesExhaustedError",
    "StateError",
    "UnreadableRecordError",
    "classify_message",
    "count_limit",
]

#: The scope LinkedIn requires for ``leadFormResponses`` (``r_ads`` reads forms, not leads).
LEAD_SYNC_SCOPE = "r_marketing_leadgen_automation"
LEAD_SYNC_PERMISSIONS = (
    f"the OAuth scopes `{LEAD_SYNC_SCOPE}` (Lead Sync) and `r_ads` "
    "(ad accounts); a role on the ad account (e.g. VIEWER or higher); and an approved "
    "role on the company page associated with the account (e.g. LEAD_GEN_FORMS_MANAGER)"
)


class Complaint(enum.Enum):
    """What LinkedIn's error wording says, where its status and ``code`` alone do not tell.

    LinkedIn documents few of these wordings and may change any of them (its breaking-change
    policy covers codes, not messages), so each is only a hint for adapting the request or
    wording the error; nothing is lost when none is recognised.
    """

    #: 429: the 24-hour quota, not a short throttle ("APPLICATION AND MEMBER DAY limit").
    DAILY_LIMIT = "daily limit"
    #: 401 without a ``code`` or a known ``serviceErrorCode``: the access token expired...
    EXPIRED = "expired"
    #: ...or the member revoked it.
    REVOKED = "revoked"
    #: 400: the ``submittedAtTimeRange`` span (its longest accepted span is undocumented).
    TIME_RANGE = "time range"
    #: 400: the page size, ``count`` or ``pageSize`` (its maximum is undocumented).
    PAGE_SIZE = "page size"
    #: 400: the ``fields`` projection.
    PROJECTION = "projection"


#: Wordings per status, first match wins: a 400 naming both the time range and ``count``
#: is about the time range (the page size is then lowered only if LinkedIn objects again).
_WORDINGS: dict[int, tuple[tuple[Complaint, re.Pattern[str]], ...]] = {
    HTTPStatus.UNAUTHORIZED: (
        (Complaint.EXPIRED, re.compile(r"expired", re.IGNORECASE)),
        (Complaint.REVOKED, re.compile(r"revoked", re.IGNORECASE)),
    ),
    # "DAY limit", "DAY_LIMIT", "daily limit"; not "days" nor "today".
    HTTPStatus.TOO_MANY_REQUESTS: (
        (Complaint.DAILY_LIMIT, re.compile(r"(?<![a-z])day(?![a-z])|daily", re.IGNORECASE)),
    ),
}
_REJECTION_WORDINGS = (
    (Complaint.TIME_RANGE, re.compile(r"submittedat|time ?range|date range", re.IGNORECASE)),
    (Complaint.PAGE_SIZE, re.compile(r"\bcount\b|page ?size", re.IGNORECASE)),
    (Complaint.PROJECTION, re.compile(r"projection|\bfields:", re.IGNORECASE)),
)
#: Statuses with a meaning of their own: their wording is not read.
_NOT_REJECTIONS = {HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND, HTTPStatus.UPGRADE_REQUIRED}


def classify_message(status: int, code: str | None, message: str | None) -> Complaint | None:
    """What LinkedIn's ``code`` and message (with its ``inputErrors``) say, for a ``status``.

    The one place the tap reads LinkedIn's wording: 401s (token expired or revoked), 429s
    (the daily limit) and the 400s it can adapt to (time range, page size, projection).
    """
    if status in _WORDINGS:
        rules = _WORDINGS[status]
    elif HTTPStatus.BAD_REQUEST <= status < HTTPStatus.INTERNAL_SERVER_ERROR:
        rules = () if status in _NOT_REJECTIONS else _REJECTION_WORDINGS
    else:
        rules = ()
    said = f"{code or ''} {message or ''}"
    return next((complaint for complaint, wording in rules if wording.search(said)), None)


def count_limit(message: str, asked: int) -> int | None:
    """The largest page size below ``asked`` that a page-size refusal names, if it names one.

    ("Value of 'count' must not exceed 1000" -> 1000.)
    """
    limits = [int(n) for n in re.findall(r"\d+", message) if 0 < int(n) < asked]
    return max(limits) if limits else None


class LinkedInTapError(FatalAPIError):
    """A fatal error whose message is complete and actionable on its own."""


class AuthenticationError(LinkedInTapError):
    """Credentials were rejected, expired or revoked; the user must re-authorize."""


class ApiVersionRetiredError(LinkedInTapError):
    """LinkedIn answered 426: the configured ``api_version`` is no longer served."""

    def __init__(
        self,
        api_version: str,
        linkedin_message: str | None,
        *,
        tried: list[str] | None = None,
    ) -> None:
        """Build the message from the version, LinkedIn's wording and any versions tried."""
        detail = f" (LinkedIn said: {linkedin_message})" if linkedin_message else ""
        fallback = (
            f" None of the newer versions tried ({', '.join(tried)}) is served either."
            if tried
            else ""
        )
        super().__init__(
            f"LinkedIn no longer serves API version {api_version}{detail}.{fallback} Set "
            "`api_version` to a current version in YYYYMM form (LinkedIn supports each monthly "
            "version for about a year; see its Marketing API versioning page for the live ones).",
        )


class AccessDeniedError(LinkedInTapError):
    """LinkedIn answered 403 for an owner (ad account or organization)."""

    def __init__(
        self,
        owner: str,
        endpoint: str,
        linkedin_message: str | None,
        *,
        cause: str | None = None,
    ) -> None:
        """Name the owner, the endpoint and the permissions Lead Sync needs.

        ``cause`` is a known reason (e.g. no company page), said before the general list.
        """
        detail = f" LinkedIn said: {linkedin_message}." if linkedin_message else ""
        known = f" {cause}" if cause else ""
        self.owner = owner
        self.endpoint = endpoint
        self.linkedin_message = linkedin_message
        super().__init__(
            f"Access denied to {endpoint} for {owner}.{detail}{known} The authorizing member "
            f"needs {LEAD_SYNC_PERMISSIONS}. Grant them and re-authorize, or remove the owner "
            "from the tap's settings.",
        )


class MissingScopeError(LinkedInTapError):
    """The token lacks a scope an endpoint needs: every owner is refused, so the run stops."""

    def __init__(self, owner: str, endpoint: str, scope: str, granted: frozenset[str]) -> None:
        """Name the missing scope and the ones the token has."""
        has = ", ".join(f"`{name}`" for name in sorted(granted)) or "none"
        super().__init__(
            f"LinkedIn refused {endpoint} for {owner} (403): the access token lacks the "
            f"`{scope}` scope (Lead Sync); it has {has}. Re-authorize the app with "
            f"`{scope}` (the Lead Sync API product must be approved for the app) and set the "
            "new `refresh_token` (or `access_token`). Roles on the account do not help "
            "without the scope.",
        )


class NotFoundError(LinkedInTapError):
    """LinkedIn answered 404 for an entity the user configured."""


class RequestRejectedError(LinkedInTapError):
    """LinkedIn answered 400 (or another non-retriable 4xx) to a request."""

    def __init__(
        self,
        message: str,
        linkedin_message: str | None = None,
        *,
        complaint: Complaint | None = None,
    ) -> None:
        """Keep LinkedIn's own wording and what it objected to (see :func:`classify_message`)."""
        super().__init__(message)
        self.linkedin_message = linkedin_message or ""
        self.complaint = complaint


class RetriesExhaustedError(LinkedInTapError):
    """Retriable failures (429, 5xx, timeouts, dropped connections) outlasted the retries."""


class UnreadableRecordError(LinkedInTapError):
    """LinkedIn sent an element that cannot become a record."""


class DailyLimitError(LinkedInTapError):
    """LinkedIn's daily (24 h) request limit for the app or member is used up."""

    def __init__(self, endpoint: str) -> None:
        """Say what happened, when it resets and that the next run resumes."""
        super().__init__(
            f"LinkedIn's daily API limit is reached (429 on {endpoint}). Limits reset at "
            "midnight UTC; run the tap again after that and it resumes from the last STATE "
            "it emitted, without losing leads.",
        )


class StateError(LinkedInTapError):
    """The state handed to the tap (``--state``, or Meltano's state backend) cannot be used.

    ``problem`` says what is wrong; ``source`` names where the state came from, so the
    command line can name the file once it knows it.
    """

    def __init__(self, problem: str, source: str = "The state", *, in_entry: bool = True) -> None:
        """Say what is wrong and what to do about it, in one sentence."""
        self.problem = problem
        self.in_entry = in_entry
        fix = "Fix that entry" if in_entry else "Fix the file"
        super().__init__(
            f"{source} {problem}. {fix}, or delete the file (with Meltano: `meltano state "
            "clear <state_id>`) to start again from `start_date`.",
        )

    def naming(self, source: str) -> StateError:
        """The same problem, said of ``source`` (e.g. the ``--state`` file by name)."""
        return StateError(self.problem, source, in_entry=self.in_entry)


class OutputClosedError(LinkedInTapError):
    """The process reading the tap's output (the target) stopped reading it."""

    def __init__(self) -> None:
        """Say what happened, where to look, and that the next run resumes."""
        super().__init__(
            "The tap's output was closed: the target stopped reading it (it may have "
            "failed; see its log). Nothing after the last STATE the target saved is lost: "
            "run again once the target works and the tap resumes from there.",
        )


class CatalogError(LinkedInTapError):
    """The ``--catalog`` file is not one JSON object."""

    def __init__(self, problem: str, path: str) -> None:
        """Name the file, what is wrong with it and how to get a good one."""
        super().__init__(
            f"The --catalog file {path} {problem}. Fix it, or write a new one with "
            "`tap-linkedin-leads --config <config file> --discover`.",
        )
