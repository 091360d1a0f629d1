"""Errors the tap raises, each worded so the user knows what to change.

None of these messages may carry a token, a client secret or a lead's answers: they are
built only from settings names, ids, HTTP statuses and LinkedIn's own error ``message``.
"""

from __future__ import annotations

from singer_sdk.exceptions import FatalAPIError

__all__ = [
    "LEAD_SYNC_SCOPE",
    "AccessDeniedError",
    "ApiVersionRetiredError",
    "AuthenticationError",
    "CatalogError",
    "DailyLimitError",
    "LinkedInTapError",
    "MissingScopeError",
    "NotFoundError",
    "OutputClosedError",
    "RequestRejectedError",
    "RetriesExhaustedError",
    "StateError",
    "UnreadableRecordError",
]

#: The scope LinkedIn requires for ``leadFormResponses`` (``r_ads`` reads forms, not leads).
LEAD_SYNC_SCOPE = "r_marketing_leadgen_automation"
LEAD_SYNC_PERMISSIONS = (
    f"the OAuth scopes `{LEAD_SYNC_SCOPE}` (Lead Sync) and `r_ads` "
    "(ad accounts); a role on the ad account (e.g. VIEWER or higher); and an approved "
    "role on the company page associated with the account (e.g. LEAD_GEN_FORMS_MANAGER)"
)


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

    def __init__(self, message: str, linkedin_message: str | None = None) -> None:
        """Keep LinkedIn's own wording, so callers can tell what it objected to."""
        super().__init__(message)
        self.linkedin_message = linkedin_message or ""


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
