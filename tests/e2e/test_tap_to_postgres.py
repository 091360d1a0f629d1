"""The tap over real HTTP (the sandbox), piped into MeltanoLabs target-postgres, into PostgreSQL."""

from __future__ import annotations

import typing as t
from datetime import datetime, timedelta

import pytest
from linkedin_sandbox import SandboxData

from tests.e2e.conftest import expected_leads
from tests.e2e.tools import pipe, tap_command, write_json

if t.TYPE_CHECKING:
    from pathlib import Path

    from tests.e2e.postgres import Postgres

pytestmark = pytest.mark.e2e

SCHEMA = "linkedin"
LEADS = f"{SCHEMA}.lead_form_responses"
LIVE = "_sdc_deleted_at is null"


def _bookmarks(state: dict[str, t.Any]) -> dict[tuple[str, int, str | None], datetime]:
    """``(owner kind, owner id, lead type) -> bookmark`` from a STATE value."""
    marks = {}
    for partition in state["bookmarks"]["lead_form_responses"]["partitions"]:
        if "replication_key_value" not in partition:
            continue  # an owner and lead type without any lead yet
        context = partition["context"]
        key = (
            ("account", context["account_id"], None)
            if "account_id" in context
            else ("organization", context["organization_id"], context["leadType"])
        )
        marks[key] = datetime.fromisoformat(partition["replication_key_value"])
    return marks


def test_leads_land_once_with_exact_ids_and_a_rerun_loads_only_new_ones(
    tmp_path: Path,
    sandbox: t.Any,
    postgres: Postgres,
    database: str,
    target_postgres: Path,
) -> None:
    data = SandboxData.generate(seed=5, accounts=3, organizations=1, leads_per_form=30)
    server = sandbox(data)
    (organization,) = data.organization_ids
    tap_config = write_json(
        tmp_path / "tap.json",
        {**server.tap_config(), "organization_ids": [organization], "retry_backoff_seconds": 0},
    )
    target = [
        str(target_postgres),
        "--config",
        str(write_json(tmp_path / "target.json", postgres.target_config(database, SCHEMA))),
    ]

    def ids(sql: str) -> list[str]:
        return postgres.column(sql, database)

    # Run 1: everything.
    first = pipe(tap_command(tap_config), target)
    truth = expected_leads(data, [organization])
    loaded = ids(f"select id from {LEADS} where {LIVE}")
    assert len(loaded) == len(set(loaded))
    assert set(loaded) == truth
    assert sorted(map(int, ids(f"select id::text from {SCHEMA}.ad_accounts"))) == sorted(
        data.visible_account_ids
    )
    assert sorted(map(int, ids(f"select id::text from {SCHEMA}.campaigns"))) == sorted(
        c["id"] for c in data.campaigns
    )

    # 19-digit ids (organization forms, > 2**53) come back digit for digit, as bigint.
    organic_forms = sorted(
        str(f["id"]) for f in data.forms if f["owner"].get("organization") is not None
    )
    assert organic_forms
    assert all(len(form_id) == 19 and int(form_id) > 2**53 for form_id in organic_forms)
    assert (
        sorted(ids(f"select id::text from {SCHEMA}.lead_forms where organization_id is not null"))
        == organic_forms
    )
    organic_leads = {
        lead["id"]: lead["versionedLeadGenFormUrn"].split("leadGenForm:")[1].split(",")[0]
        for lead in data.leads
        if lead["id"] in truth and "organization" in lead["owner"]
    }
    assert organic_leads
    stored = dict(
        postgres.query(f"select id, form_id::text from {LEADS} where organization_id is not null",
                       database)
    )  # fmt: skip
    assert stored == organic_leads
    column_types = dict(
        postgres.query(
            "select column_name, data_type from information_schema.columns where table_schema ="
            f" '{SCHEMA}' and table_name = 'lead_form_responses' and column_name in"
            " ('form_id', 'organization_id', 'submitted_at', 'contact')",
            database,
        )
    )
    assert column_types == {
        "form_id": "bigint",
        "organization_id": "bigint",
        "submitted_at": "timestamp without time zone",
        "contact": "jsonb",
    }

    # Run 2, from run 1's last STATE, after new sponsored and organic leads arrive.
    state = first.states[-1]
    assert _bookmarks(state)
    new = {lead["id"] for lead in data.add_leads(6)}
    new |= {lead["id"] for lead in data.add_leads(3, organization_id=organization)}
    (first_sync,) = ids(f"select distinct _sdc_sync_started_at::text from {LEADS}")

    second = pipe(tap_command(tap_config, "--state", str(write_json(tmp_path / "s.json", state))),
                  target)  # fmt: skip
    loaded_again = ids(f"select id from {LEADS} where {LIVE}")
    assert len(loaded_again) == len(set(loaded_again)), "no lead twice"
    assert set(loaded_again) - set(loaded) == new
    assert set(loaded_again) == truth | new
    # What run 2 delivered: the new leads, plus only leads inside the lookback window
    # (one day before their owner's bookmark), which the upsert did not duplicate.
    touched = postgres.query(
        'select id, account_id::text, organization_id::text, "leadType",'
        " (extract(epoch from submitted_at) * 1000)::bigint::text"
        f" from {LEADS} where _sdc_sync_started_at <> {first_sync}",
        database,
    )
    assert {row[0] for row in touched} >= new
    marks = _bookmarks(state)
    for _lead_id, account, org, lead_type, submitted_ms in touched:
        key = ("account", int(account), None) if account else ("organization", int(org), lead_type)
        since = marks[key] - timedelta(days=1)
        assert int(submitted_ms) >= since.timestamp() * 1000
    assert len(touched) < len(loaded) / 2, "run 2 was incremental, not a full re-sync"
    assert _bookmarks(second.states[-1]) != _bookmarks(state)
