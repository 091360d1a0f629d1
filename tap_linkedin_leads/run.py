"""One sync run: its settings, parsed once, and what every stream of the run shares.

The tap builds one :class:`Run` and hands it to each stream through its constructor, so a
stream never reaches into the tap. Process-wide tweaks the sync needs (garbage collector
thresholds, a logger filter) are applied by :meth:`Run.active` around the sync only and
restored afterwards, however the sync ends.
"""

from __future__ import annotations

import datetime
import gc
import logging
import typing as t
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

from typing_extensions import override

from tap_linkedin_leads.progress import how_it_ended
from tap_linkedin_leads.scheduler import RequestScheduler
from tap_linkedin_leads.settings import (
    ORGANIC_LEAD_TYPES,
    SETTINGS_SCHEMA,
    default_start_date,
    parse_account_id,
    parse_organization_id,
)
from tap_linkedin_leads.times import parse_datetime

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

    from tap_linkedin_leads.auth import LinkedInAuthenticator
    from tap_linkedin_leads.campaign_names import CampaignNames
    from tap_linkedin_leads.form_catalog import FormCatalog
    from tap_linkedin_leads.progress import RunProgress
    from tap_linkedin_leads.versions import ApiVersions

__all__ = ["Run", "RunSettings"]

#: A lead page stays alive as ~300k small containers while its records are written; with
#: the default thresholds the collector re-scans them thousands of times a page (~30 % of
#: the CPU). Records hold no cycles, so collecting far less often is safe during a sync.
SYNC_GC_THRESHOLD = (100_000, 50, 1000)


def _setting(config: Mapping[str, t.Any], name: str) -> t.Any:
    """``config[name]``, or the setting's documented default when it is not set."""
    value = config.get(name)
    if value is None:
        return SETTINGS_SCHEMA["properties"][name].get("default")
    return value


def _ids(values: object, parse: Callable[[object], int | None]) -> tuple[int, ...]:
    """Valid ids from a settings list, de-duplicated in order."""
    parsed = (parse(value) for value in values) if isinstance(values, list) else ()
    return tuple(dict.fromkeys(i for i in parsed if i is not None))


@dataclass(frozen=True)
class RunSettings:
    """The tap's settings as the streams use them, read from the config once per run."""

    api_url: str
    api_version: str
    api_version_fallback: bool
    user_agent: str
    request_timeout: int
    max_retries: int
    retry_backoff_seconds: float
    max_parallel_requests: int
    page_size: int
    test_leads: str
    lookback: datetime.timedelta
    #: ``account_ids``; ``None`` when unset (every account the token can see is synced).
    account_ids: tuple[int, ...] | None
    organization_ids: tuple[int, ...]
    organic_lead_types: tuple[str, ...]
    #: Frozen once, so every stream and owner shares the same window end.
    started_at: datetime.datetime
    #: ``start_date``, or 365 days before the run (LinkedIn's lead retention).
    start: datetime.datetime
    #: ``end_date``, or the moment the run started.
    end: datetime.datetime

    @classmethod
    def from_config(
        cls, config: Mapping[str, t.Any], *, started_at: datetime.datetime
    ) -> RunSettings:
        """Parse the (validated) config; unset settings take their documented defaults."""
        lead_types = config.get("organic_lead_types")
        return cls(
            api_url=str(_setting(config, "api_url")).rstrip("/"),
            api_version=str(_setting(config, "api_version")),
            api_version_fallback=bool(_setting(config, "api_version_fallback")),
            user_agent=str(_setting(config, "user_agent")),
            request_timeout=int(_setting(config, "request_timeout")),
            max_retries=int(_setting(config, "max_retries")),
            # Config files are read with decimals for floats; ``time.sleep`` wants a float.
            retry_backoff_seconds=float(_setting(config, "retry_backoff_seconds")),
            max_parallel_requests=int(_setting(config, "max_parallel_requests")),
            page_size=int(_setting(config, "page_size")),
            test_leads=str(_setting(config, "test_leads")),
            lookback=datetime.timedelta(days=int(_setting(config, "lookback_window_days"))),
            account_ids=(
                _ids(config.get("account_ids"), parse_account_id)
                if config.get("account_ids")
                else None
            ),
            organization_ids=_ids(config.get("organization_ids"), parse_organization_id),
            organic_lead_types=tuple(lead_types if lead_types is not None else ORGANIC_LEAD_TYPES),
            started_at=started_at,
            start=parse_datetime(config.get("start_date")) or default_start_date(started_at),
            end=parse_datetime(config.get("end_date")) or started_at,
        )


class ResumableProgressFilter(logging.Filter):
    """Drop the SDK's "progress is not resumable" warning for lead responses.

    The lead stream is unsorted on purpose, and it is resumable per owner: a bookmark moves
    only when the owner is finished, so a rerun from the last STATE repeats at most the
    unfinished owner. The SDK's generic warning, once per owner, would say otherwise.
    """

    @override
    def filter(self, record: logging.LogRecord) -> bool:
        return "progress is not resumable" not in record.getMessage()


#: The logger the SDK's state helpers write that warning to.
SDK_STATE_LOGGER = "singer_sdk"


class Run:
    """What the streams of one run share: settings, credentials, shared lookups, requests."""

    def __init__(
        self,
        settings: RunSettings,
        *,
        authenticator: Callable[[], LinkedInAuthenticator],
        api_versions: ApiVersions,
        forms: FormCatalog,
        progress: RunProgress,
        campaign_names: CampaignNames,
        flush_state: Callable[[], None],
    ) -> None:
        """Hold the run's parts; the authenticator is built when first needed.

        ``flush_state`` writes the newest STATE the tap's message writer holds back.
        """
        self.settings = settings
        #: The ``LinkedIn-Version`` every request sends (one probe sequence per run).
        self.api_versions = api_versions
        self.forms = forms
        self.progress = progress
        #: Campaign names for the ``campaign_name`` of sponsored leads.
        self.campaign_names = campaign_names
        self.flush_state = flush_state
        #: Each ad account's ``reference`` (its company page) as read this run, to explain
        #: a refusal of its leads.
        self.account_references: dict[int, object] = {}
        self.scheduler = RequestScheduler(settings.max_parallel_requests)
        self._make_authenticator = authenticator

    @cached_property
    def authenticator(self) -> LinkedInAuthenticator:
        """The one authenticator every request of the run uses (one token refresh per run)."""
        return self._make_authenticator()

    @contextmanager
    def active(self) -> Iterator[None]:
        """Apply the sync's process-wide tweaks; undo them and flush STATE however it ends.

        The newest STATE describing finished work must reach the output, and one summary
        line must say what the run did, even when the sync stops on an error, the daily
        limit or a termination signal (which the SDK turns into ``SystemExit``); requests
        still in flight then are abandoned.
        """
        self.scheduler = RequestScheduler(self.settings.max_parallel_requests)
        threshold = gc.get_threshold()
        progress_filter = ResumableProgressFilter()
        logger = logging.getLogger(SDK_STATE_LOGGER)
        gc.set_threshold(*SYNC_GC_THRESHOLD)
        logger.addFilter(progress_filter)
        self.progress.start()
        try:
            yield
        except BaseException as exc:
            self.progress.log_summary(how_it_ended(exc))
            raise
        else:
            self.progress.log_summary(None)
        finally:
            self.scheduler.close()
            logger.removeFilter(progress_filter)
            gc.set_threshold(*threshold)
            self.flush_state()
