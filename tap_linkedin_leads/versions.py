"""The ``LinkedIn-Version`` a run sends, and finding a live one when LinkedIn retired it.

LinkedIn serves each monthly version for at least 12 months and then answers 426
``NONEXISTENT_VERSION``. No endpoint lists the live versions, so when ``api_version`` is
retired (and ``api_version_fallback`` is on) the run tries candidates, newest first:

* the newest version lives longest, so it is tried first: the run's own month, then one
  month back at a time;
* the current month's version may not be released yet early in the month, and LinkedIn skips
  months (there was no 202512): each costs one more 426, so up to
  :data:`MAX_EXTRA_REJECTIONS` candidates are tried, which covers both at once.

One object serves the whole run and every thread in it: one thread probes while the others
wait, so parallel requests cannot multiply the extra 426 answers, and every later request
carries the version found.
"""

from __future__ import annotations

import datetime
import threading
import typing as t

from tap_linkedin_leads.errors import ApiVersionRetiredError

if t.TYPE_CHECKING:
    import logging
    from collections.abc import Callable

__all__ = [
    "MAX_EXTRA_REJECTIONS",
    "RETIREMENT_WARNING_DAYS",
    "ApiVersions",
    "candidate_versions",
    "expected_retirement",
]

#: Most extra 426 answers one run may cause while looking for a live version.
MAX_EXTRA_REJECTIONS = 4
#: Warn when the version in use is expected to retire within this many days.
RETIREMENT_WARNING_DAYS = 45
#: LinkedIn retires versions "around the 15th" of the month 12 months after release.
_RETIREMENT_DAY = 15

_Result = t.TypeVar("_Result")


def _month_before(version: str) -> str:
    year, month = int(version[:4]), int(version[4:])
    year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return f"{year:04d}{month:02d}"


def candidate_versions(today: datetime.date, rejected: str) -> list[str]:
    """Versions to try after ``rejected`` was refused, newest first (``today``'s month down)."""
    candidates: list[str] = []
    version = f"{today.year:04d}{today.month:02d}"
    while len(candidates) < MAX_EXTRA_REJECTIONS:
        if version != rejected:
            candidates.append(version)
        version = _month_before(version)
    return candidates


def expected_retirement(version: str) -> datetime.date:
    """When LinkedIn retires ``version`` at the earliest: release month + 12, about the 15th."""
    return datetime.date(int(version[:4]) + 1, int(version[4:]), _RETIREMENT_DAY)


class ApiVersions:
    """The version every request of a run sends; thread-safe.

    ``current()`` waits while another thread probes for a live version, so no request goes
    out with a version already known to be retired.
    """

    def __init__(
        self,
        configured: str,
        *,
        fallback: bool,
        today: datetime.date,
        logger: logging.Logger,
    ) -> None:
        """Start with ``api_version``; ``today`` is the run's date (injected for tests)."""
        self._current = configured
        self._fallback = fallback
        self._today = today
        self._logger = logger
        self._lock = threading.Lock()
        #: One probe sequence per run bounds the extra 426 answers.
        self._probed = False
        self._retirement_checked = False

    def current(self) -> str:
        """The version to send now (waits while a probe sequence runs)."""
        with self._lock:
            return self._current

    def replace_retired(
        self,
        rejected: str,
        probe: Callable[[str], _Result | None],
        linkedin_message: str | None,
    ) -> tuple[str, _Result | None]:
        """React to a 426 ``NONEXISTENT_VERSION`` for a request sent with ``rejected``.

        ``probe(version)`` sends the refused request again with ``version`` and returns its
        result, or ``None`` if LinkedIn refused that version too. Returns the version to use
        and, when this call probed, the result of the request that found it; ``(version,
        None)`` means another thread already moved on and the caller should send again.

        Raises:
            ApiVersionRetiredError: fallback is off, or no candidate is live.
        """
        with self._lock:
            if rejected != self._current:
                return self._current, None
            if not self._fallback or self._probed:
                raise ApiVersionRetiredError(rejected, linkedin_message)
            self._probed = True
            tried = []
            for candidate in candidate_versions(self._today, rejected):
                result = probe(candidate)
                if result is not None:
                    self._current = candidate
                    self._warn_replaced(rejected, candidate)
                    return candidate, result
                tried.append(candidate)
            raise ApiVersionRetiredError(rejected, linkedin_message, tried=tried)

    def note_served(self, version: str) -> None:
        """A request with ``version`` succeeded: warn once if it retires soon."""
        if self._retirement_checked:
            return  # Every response passes here: the common case takes no lock.
        with self._lock:
            if self._retirement_checked:
                return
            self._retirement_checked = True
        retires = expected_retirement(version)
        days_left = (retires - self._today).days
        if days_left > RETIREMENT_WARNING_DAYS:
            return
        when = "was expected to retire" if days_left < 0 else "is expected to retire"
        self._logger.warning(
            "LinkedIn API version %s %s around %s (LinkedIn serves each version for at least "
            "12 months after its release month). Set `api_version` to a newer YYYYMM version%s.",
            version,
            when,
            retires.isoformat(),
            "" if self._fallback else ", or turn `api_version_fallback` on",
        )

    def _warn_replaced(self, retired: str, replacement: str) -> None:
        self._logger.warning(
            "LinkedIn no longer serves API version %s (`api_version`); this run uses %s, the "
            "newest version LinkedIn accepted. To skip this check on every run, set "
            "`api_version: %s`.",
            retired,
            replacement,
            replacement,
        )
