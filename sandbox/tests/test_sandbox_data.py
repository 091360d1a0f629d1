"""Determinism, growth and scale of the synthetic data set."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from linkedin_sandbox import SandboxData


def _dump(data: SandboxData) -> str:
    return json.dumps(
        {
            "accounts": data.accounts,
            "forbidden": data.forbidden_accounts,
            "campaigns": data.campaigns,
            "forms": data.forms,
            "versions": sorted(map(list, data.form_versions)),
            "leads": data.leads,
        },
        sort_keys=True,
    )


def test_same_seed_same_data() -> None:
    first = SandboxData.generate(seed=42, accounts=4, organizations=2, leads_per_form=25)
    second = SandboxData.generate(seed=42, accounts=4, organizations=2, leads_per_form=25)
    assert _dump(first) == _dump(second)


def test_different_seed_different_data() -> None:
    assert _dump(SandboxData.generate(seed=1)) != _dump(SandboxData.generate(seed=2))


def test_sizes_and_window() -> None:
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    end = datetime(2025, 2, 1, tzinfo=timezone.utc)
    data = SandboxData.generate(
        seed=3, accounts=5, organizations=2, forms_per_owner=3, leads_per_form=10,
        start=start, end=end, forbidden_accounts=2,
    )  # fmt: skip
    assert len(data.accounts) == 5
    assert len(data.forbidden_account_ids) == 2
    assert len(data.forms) == (5 + 2) * 3
    lead_forms = [f for f in data.forms if f["state"] != "DRAFT"]
    assert data.lead_count == len(lead_forms) * 10 == len(data.leads)
    assert data.start_ms == 1_735_689_600_000
    assert all(data.start_ms <= lead["submittedAt"] < data.end_ms for lead in data.leads)
    with pytest.raises(ValueError, match="before end"):
        SandboxData.generate(start=end, end=start)


def test_add_leads_is_deterministic_and_newer() -> None:
    first = SandboxData.generate(seed=5, accounts=2)
    second = SandboxData.generate(seed=5, accounts=2)
    old_end = first.end_ms
    assert max(lead["submittedAt"] for lead in first.leads) < old_end
    added = first.add_leads(6)
    assert added == second.add_leads(6)
    # One minute apart, after the old end of the window; the window grows past them.
    assert [lead["submittedAt"] for lead in added] == [old_end + (n + 1) * 60_000 for n in range(6)]
    assert first.end_ms == added[-1]["submittedAt"] + 1
    assert first.leads[-6:] == added
    account = first.visible_account_ids[0]
    assert added[0]["id"] in {lead["id"] for lead in first.query_leads(account)} | {
        lead["id"] for lead in first.query_leads(first.visible_account_ids[1])
    }
    assert not any(lead["testLead"] for lead in added)


def test_add_leads_targets_and_ties() -> None:
    data = SandboxData.generate(seed=5, accounts=2)
    account = data.visible_account_ids[0]
    moment = data.end_ms + 10_000
    added = data.add_leads(4, submitted_at=moment, account_id=account, test_lead=True)
    assert {lead["submittedAt"] for lead in added} == {moment}
    assert {lead["owner"]["sponsoredAccount"] for lead in added} == {
        f"urn:li:sponsoredAccount:{account}"
    }
    newest_tests = data.query_leads(account, test_leads=True)[:4]
    assert [lead["id"] for lead in newest_tests] == [lead["id"] for lead in added]
    form_id = data.forms[0]["id"]
    on_form = data.add_leads(2, form_id=form_id)
    assert all(f"leadGenForm:{form_id}," in lead["versionedLeadGenFormUrn"] for lead in on_form)
    with pytest.raises(ValueError, match="no published form"):
        data.add_leads(1, account_id=data.visible_account_ids[-1] + 1)


def test_lead_lookup_by_id_after_growth() -> None:
    data = SandboxData.generate(seed=8, accounts=1, organizations=0)
    assert data.lead_index_by_id(data.leads[0]["id"]) == 0
    added = data.add_leads(1)
    assert data.lead_index_by_id(added[0]["id"]) == data.lead_count - 1


def test_benchmark_scale_is_cheap() -> None:
    data = SandboxData.benchmark(200_000)
    assert 190_000 <= data.lead_count <= 200_000
    account = data.visible_account_ids[0]
    window = data.lead_window(f"urn:li:sponsoredAccount:{account}", "SPONSORED", test=False)
    assert len(window) > 10_000
    first = data.lead(window.index_at(0))
    assert first["submittedAt"] == max(
        data.lead(window.index_at(p))["submittedAt"] for p in range(0, len(window), 997)
    )
