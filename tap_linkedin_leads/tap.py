"""The tap: its settings schema, the run object it builds and the stream list."""

from __future__ import annotations

import copy
import datetime
import typing as t
from functools import cached_property

from singer_sdk import Tap
from singer_sdk.exceptions import ConfigValidationError
from typing_extensions import override

from tap_linkedin_leads.auth import LinkedInAuthenticator
from tap_linkedin_leads.campaign_names import CampaignNames
from tap_linkedin_leads.errors import LinkedInTapError
from tap_linkedin_leads.form_catalog import FormCatalog
from tap_linkedin_leads.output import ProportionalStateWriter
from tap_linkedin_leads.progress import RunProgress
from tap_linkedin_leads.run import Run, RunSettings
from tap_linkedin_leads.settings import SETTINGS_SCHEMA, semantic_errors
from tap_linkedin_leads.streams import (
    AdAccountsStream,
    CampaignsStream,
    LeadFormResponsesStream,
    LeadFormsStream,
)
from tap_linkedin_leads.versions import ApiVersions

if t.TYPE_CHECKING:
    from singer_sdk.streams import Stream

__all__ = ["TapLinkedInLeads"]


class TapLinkedInLeads(Tap):
    """Singer tap for LinkedIn Lead Sync."""

    name = "tap-linkedin-leads"
    package_name = "tap-linkedin-leads"
    # A copy: the SDK adds its built-in settings to the tap's schema in place.
    config_jsonschema = copy.deepcopy(SETTINGS_SCHEMA)
    # msgspec writes Singer messages several times faster than the default JSON writer and
    # keeps big integers exact; STATE messages are kept in proportion to the records.
    message_writer_class = ProportionalStateWriter

    def __init__(
        self,
        *args: t.Any,
        validate_config: bool = True,
        now: datetime.datetime | None = None,
        **kwargs: t.Any,
    ) -> None:
        """Validate settings beyond JSON schema before any API call is made.

        ``now`` fixes the run's start time (tests); by default it is the current time.
        """
        self._started_at = now or datetime.datetime.now(tz=datetime.timezone.utc)
        super().__init__(*args, validate_config=validate_config, **kwargs)
        if validate_config and (errors := semantic_errors(self.config)):
            raise ConfigValidationError(
                "Config validation failed",
                errors=errors,
                schema=self.config_jsonschema,
            )

    @cached_property
    def run(self) -> Run:
        """This run's parsed settings and shared parts, handed to every stream."""
        settings = RunSettings.from_config(self.config, started_at=self._started_at)
        return Run(
            settings,
            authenticator=lambda: LinkedInAuthenticator.from_config(self.config, self.logger),
            api_versions=ApiVersions(
                settings.api_version,
                fallback=settings.api_version_fallback,
                today=settings.started_at.date(),
                logger=self.logger,
            ),
            forms=FormCatalog(),
            campaign_names=CampaignNames(),
            progress=RunProgress(self.logger),
            flush_state=self._flush_held_state,
        )

    def _flush_held_state(self) -> None:
        """Write the STATE the message writer holds back, if it is the tap's own writer."""
        if isinstance(self.message_writer, ProportionalStateWriter):
            self.message_writer.flush_pending_state()

    @classmethod
    @override
    def invoke(cls, *args: t.Any, **kwargs: t.Any) -> None:
        # The tap's own errors are complete, actionable sentences: one log line each,
        # without a traceback. The run has already written the STATE of finished work.
        try:
            super().invoke(*args, **kwargs)
        except LinkedInTapError as exc:
            cls.logger.error("%s", exc)
            raise SystemExit(1) from None

    @override
    def discover_streams(self) -> list[Stream]:
        run = self.run
        # Built in the order the run's summary lists them.
        accounts, campaigns = AdAccountsStream(self, run), CampaignsStream(self, run)
        lead_forms, leads = LeadFormsStream(self, run), LeadFormResponsesStream(self, run)
        # The catalog lists an owner's forms, or reads a lead with its form embedded,
        # through the streams of those resources, so their retries and errors apply.
        run.forms.load_owner_forms = lead_forms.records_for_owner
        run.forms.load_lead_form = leads.lead_with_form
        # Leads of an account whose campaigns the run did not read (stream not selected)
        # have them searched once through the campaigns stream's requests.
        run.campaign_names.search = campaigns.campaigns_of_account
        return [accounts, campaigns, lead_forms, leads]


if __name__ == "__main__":
    TapLinkedInLeads.cli()
