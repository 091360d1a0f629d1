"""The tap: its settings schema, the run object it builds and the stream list."""

from __future__ import annotations

import copy
import datetime
import io
import typing as t
from functools import cached_property

from singer_sdk import Tap
from singer_sdk.exceptions import ConfigValidationError
from singer_sdk.singerlib import Catalog
from typing_extensions import override

from tap_linkedin_leads.auth import LinkedInAuthenticator
from tap_linkedin_leads.campaign_names import CampaignNames
from tap_linkedin_leads.errors import CatalogError, LinkedInTapError, StateError
from tap_linkedin_leads.form_catalog import FormCatalog
from tap_linkedin_leads.json_input import (
    UnreadableJsonError,
    read_json_object,
    read_json_object_file,
    read_text,
)
from tap_linkedin_leads.output import ProportionalStateWriter
from tap_linkedin_leads.progress import RunProgress
from tap_linkedin_leads.run import Run, RunSettings
from tap_linkedin_leads.settings import SETTINGS_SCHEMA
from tap_linkedin_leads.state_checks import check_state
from tap_linkedin_leads.streams import (
    AdAccountsStream,
    CampaignsStream,
    LeadFormResponsesStream,
    LeadFormsStream,
)
from tap_linkedin_leads.validation import settings_problems, summary_line
from tap_linkedin_leads.versions import ApiVersions

if t.TYPE_CHECKING:
    import click
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
        """Validate settings, JSON schema and beyond, before any API call is made.

        ``now`` fixes the run's start time (tests); by default it is the current time.
        """
        self._started_at = now or datetime.datetime.now(tz=datetime.timezone.utc)
        try:
            super().__init__(*args, validate_config=validate_config, **kwargs)
        except ConfigValidationError as exc:
            # The SDK stops at its JSON-schema errors, before the tap's own checks could
            # run. The config it read is already in place: report both together below.
            schema_rejected: ConfigValidationError | None = exc
        else:
            schema_rejected = None
        if validate_config and (problems := settings_problems(self.config, self.config_jsonschema)):
            raise ConfigValidationError(
                summary_line(problems),
                errors=[str(problem) for problem in problems],
                schema=self.config_jsonschema,
            ) from None
        if schema_rejected is not None:
            raise schema_rejected

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

    @override
    def load_state(self, state: dict[str, t.Any]) -> None:
        # Checked before the SDK reads it: a hand-edited or mangled state stops here, before
        # any API call, with one sentence instead of a traceback mid-sync.
        leads = LeadFormResponsesStream
        check_state(state, {leads.name: str(leads.replication_key)})
        super().load_state(state)

    @classmethod
    @override
    def cb_config(
        cls,
        ctx: click.Context,
        param: click.Option,
        value: tuple[str, ...],
    ) -> t.Any:  # the SDK's private ``_ConfigInput``
        # The SDK would stop on a config file that is missing, not JSON or not an object
        # with a traceback; say which file and what is wrong in one line instead.
        for path in value:
            if path == "ENV":
                continue
            try:
                read_json_object_file(path)
            except UnreadableJsonError as exc:
                cls.logger.error(
                    "The --config file %s %s. Point --config at a JSON object of settings: "
                    "`tap-linkedin-leads --about` describes every setting.",
                    path,
                    exc,
                )
                ctx.exit(1)
        return super().cb_config(ctx, param, value)

    @classmethod
    @override
    def invoke(cls, *args: t.Any, **kwargs: t.Any) -> None:
        # The tap's own errors are complete, actionable sentences: one log line each,
        # without a traceback. The run has already written the STATE of finished work.
        state_file = kwargs.get("state")
        state_source = f"The --state file {state_file.name}" if state_file else "The state"
        try:
            kwargs.update(_checked_input_files(state_file, kwargs.get("catalog")))
            super().invoke(*args, **kwargs)
        except ConfigValidationError as exc:
            for error in exc.errors:
                cls.logger.error("%s", error)
            cls.logger.error("%s", exc)
            raise SystemExit(1) from None
        except StateError as exc:
            cls.logger.error("%s", exc.naming(state_source))
            raise SystemExit(1) from None
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


def _checked_input_files(
    state: t.IO[str] | None,
    catalog: t.IO[str] | None,
) -> dict[str, t.IO[str]]:
    """``--state`` and ``--catalog``, read and checked to hold one JSON object each.

    The SDK would parse them with a traceback on the first bad character. Returned as
    fresh in-memory files for the SDK to read as usual.
    """
    checked: dict[str, t.IO[str]] = {}
    for option, file in (("state", state), ("catalog", catalog)):
        if file is None:
            continue
        try:
            text = read_text(file)
            parsed = read_json_object(text)
        except UnreadableJsonError as exc:
            if option == "state":
                raise StateError(str(exc), in_entry=False) from None
            raise CatalogError(str(exc), file.name) from None
        if option == "catalog":
            _check_catalog_shape(parsed, file.name)
        checked[option] = io.StringIO(text)
    return checked


def _check_catalog_shape(catalog: dict[str, t.Any], path: str) -> None:
    """Stop with one line when a JSON object is not a Singer catalog the SDK can read.

    The SDK would fail on it later with a traceback (``streams`` not a list, a stream
    that is not an object, ...).
    """
    try:
        Catalog.from_dict(catalog)
    except (TypeError, KeyError, AttributeError, ValueError) as exc:
        problem = f"is not a Singer catalog ({type(exc).__name__} reading its `streams`)"
        raise CatalogError(problem, path) from None


if __name__ == "__main__":
    TapLinkedInLeads.cli()
