"""``--discover`` into a catalog, edited to select one stream, then ``--catalog`` honoured."""

from __future__ import annotations

import json
import typing as t

import pytest
from linkedin_sandbox import SandboxData

from tests.e2e.conftest import expected_leads
from tests.e2e.tools import load_file, write_json
from tests.integration.conftest import run_cli

if t.TYPE_CHECKING:
    from pathlib import Path

    from tests.e2e.postgres import Postgres

pytestmark = pytest.mark.e2e

SCHEMA = "selected"
STREAM = "lead_form_responses"
DROPPED = "formResponse"  # the raw answers; the readable `answers` and `contact` stay


def _select_only(catalog: dict[str, t.Any], stream: str, dropped: str) -> dict[str, t.Any]:
    """What a user does to a discovered catalog: one stream, one property left out."""
    for entry in catalog["streams"]:
        for item in entry["metadata"]:
            if item["breadcrumb"] == []:
                item["metadata"]["selected"] = entry["tap_stream_id"] == stream
            elif entry["tap_stream_id"] == stream and item["breadcrumb"] == [
                "properties",
                dropped,
            ]:
                item["metadata"]["selected"] = False
    return catalog


def test_a_catalog_selecting_one_stream_is_honoured_end_to_end(
    tmp_path: Path,
    sandbox: t.Any,
    postgres: Postgres,
    database: str,
    target_postgres: Path,
) -> None:
    data = SandboxData.generate(seed=9, accounts=2, organizations=1, leads_per_form=12)
    server = sandbox(data)
    config = {**server.tap_config(), "organization_ids": data.organization_ids}

    discovered = run_cli(tmp_path, config, extra_args=["--discover"])
    assert discovered.returncode == 0, discovered.stderr[-3000:]
    catalog = json.loads(discovered.stdout)
    assert {s["tap_stream_id"] for s in catalog["streams"]} == {
        "ad_accounts",
        "campaigns",
        "lead_forms",
        STREAM,
    }
    leads_entry = next(s for s in catalog["streams"] if s["tap_stream_id"] == STREAM)
    assert DROPPED in leads_entry["schema"]["properties"]

    synced = run_cli(tmp_path, config, catalog=_select_only(catalog, STREAM, DROPPED))
    assert synced.returncode == 0, synced.stderr[-3000:]
    kinds = {(m["type"], m.get("stream")) for m in synced.messages if m["type"] != "STATE"}
    assert kinds == {("SCHEMA", STREAM), ("RECORD", STREAM)}
    records = synced.records(STREAM)
    assert {r["id"] for r in records} == expected_leads(data, data.organization_ids)
    assert all(DROPPED not in r and "contact" in r for r in records)
    schema = next(m for m in synced.messages if m["type"] == "SCHEMA")["schema"]
    assert DROPPED not in schema["properties"]

    # The same output into PostgreSQL: one table, without the left-out column.
    target_config = write_json(tmp_path / "target.json", postgres.target_config(database, SCHEMA))
    output = tmp_path / "singer.jsonl"
    output.write_text(synced.stdout)
    load_file(output, [str(target_postgres), "--config", str(target_config)])
    tables = postgres.column(
        f"select table_name from information_schema.tables where table_schema = '{SCHEMA}'",
        database,
    )
    assert tables == [STREAM]
    columns = postgres.column(
        "select column_name from information_schema.columns"
        f" where table_schema = '{SCHEMA}' and table_name = '{STREAM}'",
        database,
    )
    assert DROPPED not in columns
    assert "contact" in columns
    (count,) = postgres.column(f"select count(*) from {SCHEMA}.{STREAM}", database)
    assert int(count) == len(records)
