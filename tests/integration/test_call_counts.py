"""Exact request counts per endpoint, and STATE output that grows linearly with owners.

LinkedIn's daily limits count calls, so the number of calls is part of the tap's contract:
one call per page per owner (and lead type), forms read once per owner, one lead read by id
per older form version the leads name (never one per lead), and an incremental run with no
new leads asks once per owner and lead type. The expected numbers come from the sandbox's
oracle (:mod:`linkedin_sandbox.oracle`), computed from the data set, not copied
from a run.
"""

from __future__ import annotations

import datetime
import json
import typing as t

from linkedin_sandbox import SandboxData
from linkedin_sandbox.oracle import MinimalSync, count_requests

from tests.integration.conftest import iso_to_ms, run_cli

if t.TYPE_CHECKING:
    import collections
    from pathlib import Path

    from linkedin_sandbox import SandboxServer

PAGE_SIZE = 7
LOOKBACK_DAYS = 1


def _iso(ms: int) -> str:
    return datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.timezone.utc).isoformat()


def _counts(server: SandboxServer) -> collections.Counter[str]:
    return count_requests((r.method, r.endpoint, r.raw_query) for r in server.requests)


def _data() -> SandboxData:
    # Nine forms per owner: leadForms needs two pages of 7; ~100 leads per account need
    # about 16 short pages each.
    return SandboxData.generate(
        seed=29, accounts=3, organizations=1, forms_per_owner=9, leads_per_form=12
    )


def test_full_and_incremental_runs_make_exactly_the_minimal_calls(
    tmp_path: Path, sandbox: t.Any
) -> None:
    data = _data()
    server = sandbox(data)
    config = {
        **server.tap_config(),
        "end_date": _iso(data.end_ms),
        "organization_ids": data.organization_ids,
        "page_size": PAGE_SIZE,
        "lookback_window_days": LOOKBACK_DAYS,
    }
    owners = MinimalSync(
        data,
        iso_to_ms(config["start_date"]),
        data.end_ms,
        page_size=PAGE_SIZE,
        organization_ids=data.organization_ids,
        lookback_days=LOOKBACK_DAYS,
    )

    full = run_cli(tmp_path, config)

    assert full.returncode == 0, full.stderr[-2000:]
    expected = owners.calls()
    assert _counts(server) == expected
    # The data set really exercises paging: several lead pages per account, two form pages,
    # and leads on older form versions, each version read once through one of its leads.
    assert expected["leadFormResponses"] > 3 * len(owners.lead_queries())
    assert expected["leadForms"] == 2 * len(owners.owner_urns())
    assert expected["leadFormResponses by id"] >= 3
    assert all(r.status == 200 for r in server.requests)
    assert full.last_state is not None

    server.clear_requests()
    incremental = run_cli(tmp_path, config, state=full.last_state)

    assert incremental.returncode == 0, incremental.stderr[-2000:]
    expected_incremental = owners.calls(full.last_state)
    assert _counts(server) == expected_incremental
    # No new leads: one leadFormResponses call per owner and lead type, the same accounts,
    # campaigns and forms calls as the full run, and older versions only for the leads of
    # the lookback day read again.
    assert expected_incremental["leadFormResponses"] == len(owners.lead_queries())
    lead_calls = {"leadFormResponses", "leadFormResponses by id"}
    assert {k: v for k, v in expected_incremental.items() if k not in lead_calls} == {
        k: v for k, v in expected.items() if k not in lead_calls
    }


def _state_bytes(tmp_path: Path, sandbox: t.Any, accounts: int) -> tuple[int, int]:
    """(bytes of all STATE lines, bytes of the last one) of a full sync over ``accounts``."""
    data = SandboxData.generate(
        seed=31, accounts=accounts, organizations=0, forms_per_owner=1, leads_per_form=2
    )
    server = sandbox(data)
    run = run_cli(tmp_path / str(accounts), server.tap_config(), timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    states = [line for line in run.stdout.splitlines() if json.loads(line)["type"] == "STATE"]
    assert states, "a full sync ends with a STATE"
    return sum(len(line) + 1 for line in states), len(states[-1]) + 1


def test_state_output_grows_linearly_with_accounts(tmp_path: Path, sandbox: t.Any) -> None:
    few, many = 2, 150
    (tmp_path / str(few)).mkdir()
    (tmp_path / str(many)).mkdir()

    few_bytes, few_last = _state_bytes(tmp_path, sandbox, few)
    many_bytes, many_last = _state_bytes(tmp_path, sandbox, many)

    # The state itself holds one bookmark per account, so it grows linearly...
    assert many_last / few_last < many / few
    # ... and so must everything written: writing the whole state after every account
    # would make the total grow with the square (about many_last * many / 2 bytes).
    quadratic = many_last * many / 2
    per_account_few = few_bytes / few
    per_account_many = many_bytes / many
    assert per_account_many <= 8 * per_account_few, (few_bytes, many_bytes)
    assert many_bytes < quadratic / 3, (many_bytes, quadratic)
