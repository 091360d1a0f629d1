"""The run object: settings parsed once, the form catalog's loader, and the run's scope."""

from __future__ import annotations

import datetime
import gc
import logging
import typing as t

import pytest
import responses
from singer_sdk.helpers import _state as sdk_state

from tap_linkedin_leads.forms import FormCatalog
from tap_linkedin_leads.run import SYNC_GC_THRESHOLD, Run, RunSettings
from tests.conftest import API, BASE_CONFIG, add_token, run_tap
from tests.linkedin_payloads import ACCOUNT_ID, account, collection

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

NOW = datetime.datetime(2024, 6, 1, tzinfo=datetime.timezone.utc)


def _run(flushed: list[str] | None = None) -> Run:
    def refuse() -> t.NoReturn:
        raise AssertionError("no authenticator is needed here")

    return Run(
        RunSettings.from_config({"access_token": "x"}, started_at=NOW),
        authenticator=refuse,
        forms=FormCatalog(),
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

    add_token(api)
    api.add(responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", json=account())
    api.add(responses.GET, f"{API}/leadForms", json=collection([], total=0))
    api.add_callback(responses.GET, f"{API}/leadFormResponses", callback=leads)

    run_tap({**BASE_CONFIG, "account_ids": [ACCOUNT_ID]})

    assert seen == [SYNC_GC_THRESHOLD]
    assert gc.get_threshold() == original


def _form(form_id: int, version: int) -> dict[str, t.Any]:
    return {"id": form_id, "versionId": version, "name": f"form {form_id} v{version}"}


def test_the_catalog_lists_an_owners_forms_once_for_unknown_versions() -> None:
    listed: list[Mapping[str, t.Any]] = []

    def loader(owner: Mapping[str, t.Any]) -> Iterable[Mapping[str, t.Any]]:
        listed.append(owner)
        return [_form(1, 3), _form(2, 1)]

    catalog = FormCatalog(loader)
    owner = {"account_id": 5}

    exact, is_exact = catalog.lookup(1, 3, owner)
    older, older_is_exact = catalog.lookup(1, 2, owner)
    other, other_is_exact = catalog.lookup(2, 1, {"account_id": 5})

    assert listed == [owner], "one listing per owner and run"
    assert (exact and exact.name, is_exact) == ("form 1 v3", True)
    assert (older and older.name, older_is_exact) == ("form 1 v3", False)
    assert (other and other.name, other_is_exact) == ("form 2 v1", True)


def test_a_catalog_without_a_loader_falls_back_to_the_latest_known_version() -> None:
    catalog = FormCatalog()
    catalog.add(_form(1, 4))

    assert catalog.lookup(9, 1, {"account_id": 5}) == (None, False)
    found, exact = catalog.lookup(1, 2, {"account_id": 5})
    assert (found and found.version, exact) == (4, False)
