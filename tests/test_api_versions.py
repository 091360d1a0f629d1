"""``api_version`` fallback on 426 NONEXISTENT_VERSION, and the retirement warning.

Offline tests on the wire: the exact versions LinkedIn is asked for, in order, and the
header every later call carries. The sandbox tests (real HTTP) are in
``tests/integration/test_api_versions_sandbox.py``.
"""

from __future__ import annotations

import datetime
import json
import logging
import threading
import typing as t
from urllib.parse import urlparse

import pytest
import responses

from tap_linkedin_leads.errors import AccessDeniedError, ApiVersionRetiredError
from tap_linkedin_leads.versions import ApiVersions, candidate_versions, expected_retirement
from tests.conftest import API, BASE_CONFIG, CAMPAIGNS_URL, run_tap, token_endpoint
from tests.linkedin_payloads import (
    ACCOUNT_ID,
    account,
    collection,
    error_body,
    lead,
    version_not_active,
)

if t.TYPE_CHECKING:
    import requests

JAN_1 = 1704067200000
CONFIG = {**BASE_CONFIG, "account_ids": [ACCOUNT_ID]}
DEC_4_2026 = datetime.datetime(2026, 12, 4, 9, 30, tzinfo=datetime.timezone.utc)


def _serve_live_versions_logging_calls(
    api: responses.RequestsMock, live: set[str]
) -> list[tuple[str, str, int]]:
    """Answer every API call like LinkedIn: 426 unless its version is in ``live``.

    Returns the log of (path, version, status) in the order LinkedIn saw them.
    """
    seen: list[tuple[str, str, int]] = []
    bodies = {
        f"/adAccounts/{ACCOUNT_ID}": account(),
        "/adAccounts/512345678/adCampaigns": {"elements": [], "metadata": {}},
        "/leadForms": collection([], total=0),
        "/leadFormResponses": collection([lead(1, JAN_1 + 1)], total=1),
    }

    def answer(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        path = urlparse(request.url).path.removeprefix("/rest")
        version = str(request.headers["LinkedIn-Version"])
        if version not in live:
            seen.append((path, version, 426))
            return 426, {}, json.dumps(version_not_active(version))
        seen.append((path, version, 200))
        return 200, {}, json.dumps(bodies[path])

    for path in bodies:
        api.add_callback(responses.GET, f"{API}{path}", callback=answer)
    return seen


def test_retired_default_falls_back_to_the_newest_live_version(
    api: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    token_endpoint(api)
    # December 2026 as the reference describes it: 202612 not released yet, 202611 live.
    seen = _serve_live_versions_logging_calls(api, live={f"2026{m:02d}" for m in range(1, 12)})

    with caplog.at_level(logging.WARNING):
        output = run_tap(CONFIG, now=DEC_4_2026)

    assert seen == [
        (f"/adAccounts/{ACCOUNT_ID}", "202401", 426),  # the default, retired
        (f"/adAccounts/{ACCOUNT_ID}", "202612", 426),  # this month: not released yet
        (f"/adAccounts/{ACCOUNT_ID}", "202611", 200),  # the newest live one
        ("/adAccounts/512345678/adCampaigns", "202611", 200),
        ("/leadForms", "202611", 200),
        ("/leadFormResponses", "202611", 200),
    ]
    assert [r["id"] for r in output.records("lead_form_responses")] == [lead(1, 0)["id"]]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert [w for w in warnings if "version" in w and "Lead form" not in w] == [
        "LinkedIn no longer serves API version 202401 (`api_version`); this run uses 202611, "
        "the newest version LinkedIn accepted. To skip this check on every run, set "
        "`api_version: 202611`."
    ]


def test_a_skipped_month_costs_one_more_426(api: responses.RequestsMock) -> None:
    token_endpoint(api)
    # Early January 2026: 202601 not out yet, and LinkedIn never released a 202512.
    seen = _serve_live_versions_logging_calls(api, live={"202510", "202511"})

    run_tap(CONFIG, now=datetime.datetime(2026, 1, 5, tzinfo=datetime.timezone.utc))

    assert [(version, status) for _, version, status in seen[:4]] == [
        ("202401", 426),
        ("202601", 426),
        ("202512", 426),
        ("202511", 200),
    ]
    assert {version for _, version, _ in seen[4:]} == {"202511"}


def test_no_live_candidate_stops_after_four_more_426_answers(api: responses.RequestsMock) -> None:
    token_endpoint(api)
    seen = _serve_live_versions_logging_calls(api, live={"202501"})

    with pytest.raises(ApiVersionRetiredError) as excinfo:
        run_tap(CONFIG, now=DEC_4_2026)

    assert [(version, status) for _, version, status in seen] == [
        ("202401", 426),
        ("202612", 426),
        ("202611", 426),
        ("202610", 426),
        ("202609", 426),
    ]
    assert "None of the newer versions tried (202612, 202611, 202610, 202609) is served" in str(
        excinfo.value
    )


def test_fallback_off_stops_at_the_first_426(api: responses.RequestsMock) -> None:
    token_endpoint(api)
    seen = _serve_live_versions_logging_calls(api, live={"202611"})

    with pytest.raises(ApiVersionRetiredError) as excinfo:
        run_tap({**CONFIG, "api_version_fallback": False}, now=DEC_4_2026)

    assert seen == [(f"/adAccounts/{ACCOUNT_ID}", "202401", 426)]
    message = str(excinfo.value)
    assert message.startswith("LinkedIn no longer serves API version 202401 (LinkedIn said: ")
    assert "newer versions tried" not in message
    assert "Set `api_version` to a current version in YYYYMM form" in message


def test_a_426_without_nonexistent_version_code_is_not_probed(
    api: responses.RequestsMock,
) -> None:
    token_endpoint(api)
    api.add(
        responses.GET,
        f"{API}/adAccounts/{ACCOUNT_ID}",
        status=426,
        json={k: v for k, v in version_not_active("202401").items() if k != "code"},
    )

    with pytest.raises(ApiVersionRetiredError) as excinfo:
        run_tap(CONFIG, now=DEC_4_2026)

    assert len(api.calls) == 2  # the token, then the one refused call
    message = str(excinfo.value)
    assert message.startswith("LinkedIn no longer serves API version 202401 (LinkedIn said: ")
    assert "newer versions tried" not in message
    assert "Set `api_version`" in message


def test_a_refused_probe_still_settles_the_version(api: responses.RequestsMock) -> None:
    """A 403 on the probe means the version is served: the run stops on the 403 itself."""
    token_endpoint(api)
    api.add(responses.GET, CAMPAIGNS_URL, json={"elements": [], "metadata": {}})
    versions_sent: list[str] = []

    def forbidden_unless_retired(
        request: requests.PreparedRequest,
    ) -> tuple[int, dict[str, str], str]:
        version = str(request.headers["LinkedIn-Version"])
        versions_sent.append(version)
        if version == "202401":
            return 426, {}, json.dumps({**version_not_active(version), "message": "gone"})
        body = error_body(403, "Not enough permissions", code="ACCESS_DENIED")
        return 403, {}, json.dumps(body)

    api.add_callback(
        responses.GET, f"{API}/adAccounts/{ACCOUNT_ID}", callback=forbidden_unless_retired
    )

    with pytest.raises(AccessDeniedError) as excinfo:
        run_tap(CONFIG, now=DEC_4_2026)

    assert versions_sent == ["202401", "202612"]
    assert excinfo.value.owner == f"ad account {ACCOUNT_ID} (listed in `account_ids`)"


@pytest.mark.parametrize(
    ("version", "warned"),
    [
        ("202601", "202601 is expected to retire around 2027-01-15"),  # 42 days ahead
        ("202511", "202511 was expected to retire around 2026-11-15"),  # served past it
        ("202602", None),  # 73 days ahead
    ],
)
def test_retirement_warning_once_with_the_date(
    api: responses.RequestsMock,
    caplog: pytest.LogCaptureFixture,
    version: str,
    warned: str | None,
) -> None:
    token_endpoint(api)
    _serve_live_versions_logging_calls(api, live={version})

    with caplog.at_level(logging.WARNING):
        run_tap({**CONFIG, "api_version": version}, now=DEC_4_2026)

    warnings = [r.getMessage() for r in caplog.records if "retire" in r.getMessage()]
    if warned is None:
        assert warnings == []
    else:
        assert len(warnings) == 1
        assert warned in warnings[0]
        assert "Set `api_version` to a newer YYYYMM version." in warnings[0]


def test_candidates_newest_first_from_the_run_month() -> None:
    assert candidate_versions(datetime.date(2026, 12, 4), "202401") == [
        "202612",
        "202611",
        "202610",
        "202609",
    ]
    assert candidate_versions(datetime.date(2026, 1, 31), "202601") == [
        "202512",
        "202511",
        "202510",
        "202509",
    ]


def test_expected_retirement_is_release_month_plus_twelve() -> None:
    assert expected_retirement("202601") == datetime.date(2027, 1, 15)
    assert expected_retirement("202512") == datetime.date(2026, 12, 15)


def test_one_probe_sequence_however_many_requests_get_426_at_once() -> None:
    """Eight requests refused at once: one thread probes, the others wait and reuse it."""
    versions = ApiVersions(
        "202401",
        fallback=True,
        today=datetime.date(2026, 12, 4),
        logger=logging.getLogger("test"),
    )
    live = {"202610"}
    probes: list[str] = []
    everyone_refused = threading.Barrier(8)
    results: list[tuple[str, str | None]] = []

    def probe(version: str) -> str | None:
        probes.append(version)
        return f"answer with {version}" if version in live else None

    def request() -> None:
        sent = versions.current()
        everyone_refused.wait(timeout=10)  # all eight were sent with the retired version
        results.append(versions.replace_retired(sent, probe, "not active"))

    threads = [threading.Thread(target=request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert probes == ["202612", "202611", "202610"]  # one sequence: two more 426 answers
    assert sorted(results, key=str) == [("202610", "answer with 202610")] + [("202610", None)] * 7
    assert versions.current() == "202610"
