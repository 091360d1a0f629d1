"""The tap: settings, the shared authenticator and the stream list."""

from __future__ import annotations

import copy
import datetime
import gc
import logging
import typing as t
from functools import cached_property

from singer_sdk import Tap
from singer_sdk.exceptions import ConfigValidationError
from typing_extensions import override

from tap_linkedin_leads.auth import LinkedInAuthenticator
from tap_linkedin_leads.errors import LinkedInTapError
from tap_linkedin_leads.forms import FormCatalog
from tap_linkedin_leads.leads import parse_datetime
from tap_linkedin_leads.output import ProportionalStateWriter, flush_all_pending_states
from tap_linkedin_leads.settings import (
    ORGANIC_LEAD_TYPES,
    SETTINGS_SCHEMA,
    default_start_date,
    parse_account_id,
    parse_organization_id,
    semantic_errors,
)
from tap_linkedin_leads.streams import (
    AdAccountsStream,
    CampaignsStream,
    LeadFormResponsesStream,
    LeadFormsStream,
)

if t.TYPE_CHECKING:
    from singer_sdk.streams import Stream

__all__ = ["TapLinkedInLeads"]


class _ResumableProgressFilter(logging.Filter):
    """Drop the SDK's "progress is not resumable" warning for lead responses.

    The stream is unsorted on purpose, and it is resumable per account: a bookmark moves
    only when the account is finished, so a rerun from the last STATE repeats at most the
    unfinished account. The SDK's generic warning, once per account, would say otherwise.
    """

    @override
    def filter(self, record: logging.LogRecord) -> bool:
        return "progress is not resumable" not in record.getMessage()


_SDK_LOGGER = logging.getLogger("singer_sdk")
if not any(isinstance(f, _ResumableProgressFilter) for f in _SDK_LOGGER.filters):
    _SDK_LOGGER.addFilter(_ResumableProgressFilter())


class TapLinkedInLeads(Tap):
    """Singer tap for LinkedIn Lead Sync."""

    name = "tap-linkedin-leads"
    package_name = "tap-linkedin-leads"
    # A copy: the SDK adds its built-in settings to the tap's schema in place.
    config_jsonschema = copy.deepcopy(SETTINGS_SCHEMA)
    # msgspec writes Singer messages several times faster than the default JSON writer and
    # keeps big integers exact; STATE messages are kept in proportion to the records.
    message_writer_class = ProportionalStateWriter

    def __init__(self, *args: t.Any, validate_config: bool = True, **kwargs: t.Any) -> None:
        """Validate settings beyond JSON schema before any API call is made."""
        #: Frozen once, so every stream and account shares the same window end.
        self.run_started_at = datetime.datetime.now(tz=datetime.timezone.utc)
        super().__init__(*args, validate_config=validate_config, **kwargs)
        if validate_config and (errors := semantic_errors(self.config)):
            raise ConfigValidationError(
                "Config validation failed",
                errors=errors,
                schema=self.config_jsonschema,
            )

    @cached_property
    def authenticator(self) -> LinkedInAuthenticator:
        """The one authenticator all streams share (one token refresh per run)."""
        return LinkedInAuthenticator.from_config(self.config, self.logger)

    @cached_property
    def configured_account_ids(self) -> list[int] | None:
        """Account ids from ``account_ids``, de-duplicated in order; ``None`` when unset."""
        raw = self.config.get("account_ids")
        if not raw:
            return None
        ids = [parse_account_id(value) for value in raw]
        return list(dict.fromkeys(i for i in ids if i is not None))

    @cached_property
    def organization_ids(self) -> list[int]:
        """Organization ids from ``organization_ids``, de-duplicated in order."""
        ids = [parse_organization_id(value) for value in self.config.get("organization_ids") or []]
        return list(dict.fromkeys(i for i in ids if i is not None))

    @cached_property
    def organic_lead_types(self) -> list[str]:
        """Lead types to sync for each organization."""
        configured = self.config.get("organic_lead_types")
        return list(configured) if configured is not None else list(ORGANIC_LEAD_TYPES)

    @cached_property
    def form_catalog(self) -> FormCatalog:
        """Form versions compiled this run, shared by the lead form and lead streams."""
        return FormCatalog()

    @cached_property
    def start_datetime(self) -> datetime.datetime:
        """``start_date``, or 365 days before the run (LinkedIn's lead retention)."""
        configured = parse_datetime(self.config.get("start_date"))
        return configured or default_start_date(self.run_started_at)

    @cached_property
    def end_datetime(self) -> datetime.datetime:
        """``end_date``, or the moment the run started."""
        configured = parse_datetime(self.config.get("end_date"))
        return configured or self.run_started_at

    @classmethod
    @override
    def invoke(cls, *args: t.Any, **kwargs: t.Any) -> None:
        # A lead page stays alive as ~300k small containers while its records are written;
        # with the default thresholds the collector re-scans them thousands of times a page
        # (~30 % of the CPU). Records hold no cycles, so collecting far less often is safe.
        gc.set_threshold(100_000, 50, 1000)
        # However the run ends (done, daily limit, bad credentials), the newest STATE
        # describing finished work reaches the output. The tap's own errors are complete,
        # actionable sentences: one log line each, without a traceback.
        try:
            super().invoke(*args, **kwargs)
        except LinkedInTapError as exc:
            cls.logger.error("%s", exc)
            raise SystemExit(1) from None
        finally:
            flush_all_pending_states()

    @override
    def discover_streams(self) -> list[Stream]:
        return [
            AdAccountsStream(self),
            CampaignsStream(self),
            LeadFormsStream(self),
            LeadFormResponsesStream(self),
        ]


if __name__ == "__main__":
    TapLinkedInLeads.cli()
