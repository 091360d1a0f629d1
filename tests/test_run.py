"""The run object: settings parsed once, and the scope a sync runs in."""

from __future__ import annotations

import datetime
import gc
import logging
import typing as t

import pytest
import responses
from singer_sdk.helpers import _state as sdk_state

from tap_linkedin_leads.campaign_names import CampaignNames
from tap_linkedin_leads.form_catalog import FormCatalog
from tap_linkedin_leads.progress import RunProgress
from tap_linkedin_leads.run import SYNC_GC_THRESHOLD, Run, RunSettings
from tap_linkedin_leads.versions import ApiVersions
from tests.conftest import API, BASE_CONFIG, add_token_and_no_campaigns, run_tap
from tests.linkedin_payloads import ACCOUNT_ID, account, collection

NOW = datetime.datetime(2024, 6, 1, tzinfo=datetime.timezone.utc)


def _run(flushed: list[str] | None = None) -> Run:
    def refuse() -> t.NoReturn:
        raise AssertionError("no authenticator is needed here")

    settings = RunSettings.from_config({"access_token": "x"}, started_at=NOW)
    return Run(
        settings,
        authenticator=refuse,
        api_versions=ApiVersions(
            settings.api_version,
            fallback=True,
            today=NOW.date(),
            logger=logging.getLogger("test"),
        ),
        forms=FormCatalog(),
        campaign_names=CampaignNames(),
        progress=RunProgress(logging.getLogger("tests.run")),
        flush_state=lambda: (flushed if flushed is not None else []).append("flushed"),
    )


def test_settings_are_parsed_once_with_documented_defaults() -> None:
    settings = RunSettings.from_config(
        {
            "account_ids": ["urn:li:sponsoredAccount:7", 7, "8"],
            "organization_ids": ["urn:li:organization:5", "5"],
            "api_url": "http://127.0.0.1:1/rest/",
            "end_date": "2024-05-01T00:00:00Z",
            "lookback_window_days": 3,
        },
        started_at=NOW,
    )

    assert settings.account_ids == (7, 8)
    assert settings.organization_ids == (5,)
    assert settings.organic_lead_types == ("COMPANY", "EVENT", "ORGANIZATION_PRODUCT")
    assert settings.api_url == "http://127.0.0.1:1/rest"
    assert settings.api_version == "202401"
    assert settings.page_size == 1000
    assert settings.test_leads == "exclude"
    assert settings.lookback == datetime.timedelta(days=3)
    assert settings.start == NOW - datetime.timedelta(days=365)
    assert settings.end == datetime.datetime(2024, 5, 1, tzinfo=datetime.timezone.utc)


def test_unset_account_ids_mean_every_visible_account() -> None:
    assert RunSettings.from_config({}, started_at=NOW).account_ids is None


def _emit_the_sdks_unsorted_stream_warning() -> None:
    """What the SDK logs the first time an unsorted stream's partition gets a record."""
    sdk_state.increment_state(
        {},
        latest_record={"submitted_at": "2024-01-01T00:00:00.000+00:00"},
        replication_key="submitted_at",
        is_sorted=False,
        check_sorted=False,
    )


def test_the_sdks_resumability_warning_is_dropped_during_the_run_only(
    caplog: pytest.LogCaptureFixture,
) -> None:
    run = _run()
    with caplog.at_level(logging.WARNING):
        _emit_the_sdks_unsorted_stream_warning()
        before = [r.getMessage() for r in caplog.records]
        caplog.clear()
        with run.active():
            _emit_the_sdks_unsorted_stream_warning()
            logging.getLogger("singer_sdk").warning("another SDK warning")
        during = [r.getMessage() for r in caplog.records]
        caplog.clear()
        _emit_the_sdks_unsorted_stream_warning()
        after = [r.getMessage() for r in caplog.records]

    # The SDK's own wording, so the filter cannot silently stop matching it.
    assert before == ["Stream is assumed to be unsorted, progress is not resumable if interrupted"]
    assert during == ["another SDK warning"]
    assert after == before


def test_gc_tuning_applies_during_the_run_and_is_restored_even_on_error() -> None:
    flushed: list[str] = []
    run = _run(flushed)
    original = gc.get_threshold()
    assert original != SYNC_GC_THRESHOLD

    during: list[tuple[int, ...]] = []

    def fail_inside_the_run() -> None:
        with run.active():
            during.append(gc.get_threshold())
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        fail_inside_the_run()

    assert during == [SYNC_GC_THRESHOLD]
    assert gc.get_threshold() == original
    assert flushed == ["flushed"], "the held STATE is written however the run ends"


def test_an_in_process_sync_gets_the_same_gc_tuning_as_the_cli(
    api: responses.RequestsMock,
) -> None:
    original = gc.get_threshold()
    seen: list[tuple[int, ...]] = []

    def leads(request: t.Any) -> tuple[int, dict[str, str], str]:
        seen.append(gc.get_threshold())
        return 200, {}, '{"elements": [], "paging": {"start": 0, "count": 1000, "total": 0}}'

    add_token_and_no_campaigns(api)
    api.add(responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", json=account())
    api.add(responses.GET, f"{API}/leadForms", json=collection([], total=0))
    api.add_callback(responses.GET, f"{API}/leadFormResponses", callback=leads)

    run_tap({**BASE_CONFIG, "account_ids": [ACCOUNT_ID]})

    assert seen == [SYNC_GC_THRESHOLD]
    assert gc.get_threshold() == original
