"""The ``api_version`` fallback over real HTTP, against a sandbox serving today's versions."""

from __future__ import annotations

import datetime
import threading
import typing as t

from linkedin_sandbox import Fault, SandboxData
from linkedin_sandbox.options import LIVE_VERSIONS_2026_12, month_range
from linkedin_sandbox.oracle import expected_lead_ids

from tap_linkedin_leads.tap import TapLinkedInLeads
from tests.conftest import run_tap

if t.TYPE_CHECKING:
    import requests
    from linkedin_sandbox import SandboxServer

DEC_4_2026 = datetime.datetime(2026, 12, 4, 8, tzinfo=datetime.timezone.utc)


def _versions_sent(server: SandboxServer) -> list[tuple[str | None, int | None]]:
    return [
        (r.header("LinkedIn-Version"), r.status)
        for r in server.requests
        if r.endpoint not in {"token", "introspect"}
    ]


def _default_version_config(server: SandboxServer) -> dict[str, t.Any]:
    config = server.tap_config()
    del config["api_version"]  # the tap's default, 202401, which LinkedIn retired
    return config


def test_default_version_falls_back_and_the_lead_set_is_exact(sandbox: t.Any) -> None:
    server = sandbox(
        SandboxData.generate(seed=5, accounts=3, organizations=1),
        live_versions=LIVE_VERSIONS_2026_12,
    )

    output = run_tap(_default_version_config(server), now=DEC_4_2026)

    ids = [r["id"] for r in output.records("lead_form_responses")]
    sponsored = {r["id"] for r in output.records("lead_form_responses") if r["account_id"]}
    assert len(ids) == len(set(ids))
    assert sponsored == expected_lead_ids(server.data)
    sent = _versions_sent(server)
    assert sent[:3] == [("202401", 426), ("202612", 426), ("202611", 200)]
    assert {version for version, _ in sent[3:]} == {"202611"}
    assert sum(status == 426 for _, status in sent) == 2


def test_skipped_month_on_the_sandbox(sandbox: t.Any) -> None:
    # 5 January 2026: 202601 not released yet, and there never was a 202512.
    server = sandbox(
        SandboxData.generate(seed=5, accounts=2, organizations=0),
        live_versions=month_range("202501", "202601"),
    )
    server.reconfigure(live_versions=month_range("202501", "202512"))  # 202601: not yet

    output = run_tap(
        {**_default_version_config(server), "end_date": "2026-12-01T00:00:00Z"},
        now=datetime.datetime(2026, 1, 5, tzinfo=datetime.timezone.utc),
    )

    sent = _versions_sent(server)
    assert sent[:4] == [("202401", 426), ("202601", 426), ("202512", 426), ("202511", 200)]
    assert {version for version, _ in sent[4:]} == {"202511"}
    assert {r["id"] for r in output.records("lead_form_responses")} == expected_lead_ids(
        server.data
    )


def test_parallel_requests_refused_at_once_share_one_probe_sequence(sandbox: t.Any) -> None:
    """Eight requests in flight get 426 together; one probe sequence, then all use 202611."""
    data = SandboxData.generate(seed=5, accounts=8, organizations=0)
    server = sandbox(data, live_versions=LIVE_VERSIONS_2026_12)
    # Every answer takes a moment, so all eight are in flight with the retired version.
    server.add_fault(Fault("slow", endpoint="adAccounts", every=1, seconds=0.3))
    tap = TapLinkedInLeads(
        config=_default_version_config(server), parse_env_config=False, now=DEC_4_2026
    )
    stream = tap.streams["ad_accounts"]
    ids = [a["id"] for a in data.accounts][:8]
    stream.authenticator.access_token()  # the token refresh is not what this test races
    # Planned in the main thread and sent from eight threads, as the run's workers send.
    planned = {i: stream.planned({"account_id": i}, None) for i in ids}
    start = threading.Barrier(len(ids))
    answers: dict[int, requests.Response] = {}

    def fetch(account_id: int) -> None:
        start.wait(timeout=10)
        answers[account_id] = planned[account_id].send()

    threads = [threading.Thread(target=fetch, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(answers) == sorted(ids)
    assert all(response.status_code == 200 for response in answers.values())
    sent = _versions_sent(server)
    assert sent.count(("202401", 426)) == len(ids)  # in flight before anyone knew
    assert sent.count(("202612", 426)) == 1  # the one probe LinkedIn refused
    assert sent.count(("202611", 200)) == len(ids)  # the finding probe, then the others
    assert len(sent) == 2 * len(ids) + 1
    assert stream.run.api_versions.current() == "202611"
