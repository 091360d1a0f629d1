"""Exact request counts per endpoint, and STATE output that grows linearly with owners.

LinkedIn's daily limits count calls, so the number of calls is part of the tap's contract:
one call per page per owner (and lead type), forms read once per owner, no per-lead calls,
and an incremental run with no new leads asks once per owner and lead type. The expected
numbers are computed from the sandbox data set, not copied from a run: an offset finder
needs ``ceil(paging.total / count)`` pages (at least one), and ``paging.total`` counts the
sandbox's withheld slots (``ShortPagePlan.total``), not just the leads.
"""

from __future__ import annotations

import collections
import datetime
import json
import math
import typing as t

from tap_linkedin_leads.sandbox import SandboxData, ShortPagePlan
from tests.integration.conftest import run_cli

if t.TYPE_CHECKING:
    from pathlib import Path

    from tap_linkedin_leads.sandbox import RecordedRequest, SandboxServer

PAGE_SIZE = 7
#: ``pageSize`` the tap sends to the cursor finders; every list below fits in one page.
SEARCH_PAGE_SIZE = 100
LOOKBACK_DAYS = 1
DAY_MS = 86_400_000
ORGANIC_LEAD_TYPES = ("COMPANY", "EVENT", "ORGANIZATION_PRODUCT")


def _iso(ms: int) -> str:
    return datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.timezone.utc).isoformat()


def _ms(value: str) -> int:
    return int(datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)


def _pages(total: int, page_size: int) -> int:
    """Pages a client walks: the first page, then one per ``page_size`` slots."""
    return max(1, math.ceil(total / page_size))


def _label(request: RecordedRequest) -> str:
    """``token``, the finder's endpoint name, or ``<endpoint> by id`` for (batch) gets."""
    if request.endpoint == "token":
        return "token"
    if "q" in request.query:
        return str(request.endpoint)
    return f"{request.endpoint} by id"


def _counts(server: SandboxServer) -> collections.Counter[str]:
    return collections.Counter(_label(r) for r in server.requests)


class _Owners:
    """The owners the tap reads and what a minimal client must ask for each."""

    def __init__(self, data: SandboxData, start_ms: int, end_ms: int) -> None:
        self.data = data
        self.start_ms = start_ms
        self.end_ms = end_ms
        self.accounts = data.visible_account_ids
        self.organizations = data.organization_ids
        self.plan = ShortPagePlan()  # the sandbox default: short pages mid-stream

    def lead_queries(self) -> list[tuple[str, str, dict[str, t.Any]]]:
        """(owner URN, lead type, STATE context) of every leadFormResponses query."""
        queries = [
            (f"urn:li:sponsoredAccount:{a}", "SPONSORED", {"account_id": a}) for a in self.accounts
        ]
        queries += [
            (f"urn:li:organization:{o}", lead_type, {"organization_id": o, "leadType": lead_type})
            for o in self.organizations
            for lead_type in ORGANIC_LEAD_TYPES
        ]
        return queries

    def expected(self, state: dict[str, t.Any] | None = None) -> collections.Counter[str]:
        """Minimal requests for a full sync, or for a run from ``state``."""
        bookmarks = {}
        if state is not None:
            for partition in state["bookmarks"]["lead_form_responses"]["partitions"]:
                key = tuple(sorted(partition["context"].items()))
                bookmarks[key] = _ms(partition["replication_key_value"])
        counts: collections.Counter[str] = collections.Counter(token=1)
        counts["adAccounts"] = _pages(len(self.accounts), SEARCH_PAGE_SIZE)
        for account_id in self.accounts:
            campaigns = [c for c in self.data.campaigns if c["account"].endswith(f":{account_id}")]
            counts["adCampaigns"] += _pages(len(campaigns), SEARCH_PAGE_SIZE)
        owner_urns = [f"urn:li:sponsoredAccount:{a}" for a in self.accounts]
        owner_urns += [f"urn:li:organization:{o}" for o in self.organizations]
        for urn in owner_urns:
            counts["leadForms"] += _pages(len(self.data.forms_of(urn)), PAGE_SIZE)
        for urn, lead_type, context in self.lead_queries():
            bookmark = bookmarks.get(tuple(sorted(context.items())))
            start = self.start_ms if bookmark is None else bookmark - LOOKBACK_DAYS * DAY_MS
            window = self.data.lead_window(
                urn, lead_type, test=False, start_ms=max(start, self.start_ms), end_ms=self.end_ms
            )
            slots = self.plan.total(len(window), PAGE_SIZE)
            counts["leadFormResponses"] += _pages(slots, PAGE_SIZE)
        return counts


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
    owners = _Owners(data, _ms(config["start_date"]), data.end_ms)

    full = run_cli(tmp_path, config)

    assert full.returncode == 0, full.stderr[-2000:]
    expected = owners.expected()
    assert _counts(server) == expected
    # The data set really exercises paging: several lead pages per account, two form pages.
    assert expected["leadFormResponses"] > 3 * len(owners.lead_queries())
    assert expected["leadForms"] == 2 * (len(owners.accounts) + len(owners.organizations))
    assert all(r.status == 200 for r in server.requests)
    assert full.last_state is not None

    server.clear_requests()
    incremental = run_cli(tmp_path, config, state=full.last_state)

    assert incremental.returncode == 0, incremental.stderr[-2000:]
    expected_incremental = owners.expected(full.last_state)
    assert _counts(server) == expected_incremental
    # No new leads: one leadFormResponses call per owner and lead type, and the same
    # accounts, campaigns and forms calls as the full run.
    assert expected_incremental["leadFormResponses"] == len(owners.lead_queries())
    assert {k: v for k, v in expected_incremental.items() if k != "leadFormResponses"} == {
        k: v for k, v in expected.items() if k != "leadFormResponses"
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
