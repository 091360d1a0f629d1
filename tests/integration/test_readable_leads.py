"""Readable leads against the sandbox's ground truth: every answer labelled by its form version."""

from __future__ import annotations

import collections
import json
import time
import typing as t
from dataclasses import dataclass

import pytest
from linkedin_sandbox import SandboxData, SandboxServer
from linkedin_sandbox.oracle import MinimalSync, expected_lead_ids

from tap_linkedin_leads.answers import contact_key
from tests.integration.conftest import iso_to_ms, run_cli

if t.TYPE_CHECKING:
    from pathlib import Path

    from linkedin_sandbox import RecordedRequest


def _text(localized: dict[str, t.Any] | None, form: dict[str, t.Any]) -> str | None:
    if not localized:
        return None
    locale = form["creationLocale"]
    return localized["localized"][f"{locale['language']}_{locale['country']}"]


def _expected_answers(form: dict[str, t.Any], lead: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    """The answers labelled from ``form``; a question it lacks leaves the labels empty."""
    questions = {q["questionId"]: q for q in form["content"]["questions"]}
    expected = []
    for answer in lead["formResponse"]["answers"]:
        question = questions.get(answer["questionId"], {})
        details = answer["answerDetails"]
        options = details.get("multipleChoiceAnswer", {}).get("options")
        labels = None
        if options is not None:
            choices = question.get("questionDetails", {}).get("multipleChoiceQuestionDetails")
            by_id = {o["id"]: _text(o["text"], form) for o in (choices or {}).get("options", [])}
            labels = [by_id.get(o) for o in options]
        expected.append(
            {
                "question_id": answer["questionId"],
                "question_name": question.get("name"),
                "question_text": _text(question.get("question"), form),
                "predefined_field": question.get("predefinedField"),
                "answer_text": details.get("textQuestionAnswer", {}).get("answer"),
                "selected_option_ids": options,
                "selected_options": labels,
            }
        )
    return expected


def _latest(data: SandboxData, form_id: int) -> int:
    return max(v for (f, v) in data.form_versions if f == form_id)


def _older_versions_by_lead(
    data: SandboxData, records: list[dict[str, t.Any]]
) -> dict[tuple[int, int], list[str]]:
    """Lead ids per (form, version) that is not its form's latest, from the ground truth."""
    leads: dict[tuple[int, int], list[str]] = collections.defaultdict(list)
    truth = {lead["id"]: lead for lead in data.leads}
    for record in records:
        form_id, version = _form_version(truth[record["id"]])
        if version != _latest(data, form_id):
            leads[(form_id, version)].append(record["id"])
    return leads


def _older_versions(data: SandboxData, config: dict[str, t.Any]) -> set[tuple[int, int]]:
    """The sandbox oracle's (form, version) pairs a run with ``config`` must read by lead."""
    sync = MinimalSync(
        data,
        iso_to_ms(config["start_date"]),
        int(time.time() * 1000),  # no `end_date`: the run's start
        organization_ids=config.get("organization_ids", ()),
        test_leads=config.get("test_leads", "exclude"),
    )
    return sync.older_versions()


def _form_version(lead: dict[str, t.Any]) -> tuple[int, int]:
    inner = lead["versionedLeadGenFormUrn"].split("leadGenForm:")[1].rstrip(")")
    form_id, version = inner.split(",")
    return int(form_id), int(version)


@dataclass
class Synced:
    data: SandboxData
    config: dict[str, t.Any]
    records: list[dict[str, t.Any]]
    requests: list[RecordedRequest]
    stderr: str


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Synced:
    data = SandboxData.generate(seed=21, accounts=3, organizations=2, leads_per_form=30)
    with SandboxServer(data) as server:
        config = {
            **server.tap_config(),
            "organization_ids": data.organization_ids,
            "test_leads": "include",
        }
        run = run_cli(tmp_path_factory.mktemp("readable"), config)
        requests = server.requests
    assert run.returncode == 0, run.stderr[-2000:]
    return Synced(data, config, run.records("lead_form_responses"), requests, run.stderr)


def test_every_answer_is_labelled_from_the_version_it_was_submitted_on(synced: Synced) -> None:
    data, records = synced.data, synced.records
    truth = {lead["id"]: lead for lead in data.leads}
    older = 0
    for record in records:
        form = data.form_versions[(record["form_id"], record["form_version"])]
        older += record["form_version"] < _latest(data, record["form_id"])
        assert record["answers"] == _expected_answers(form, truth[record["id"]])
        assert record["form_name"] == form["name"]
        assert record["hidden_fields"] == [
            {"name": h["name"], "value": h["value"]} for h in form.get("hiddenFields", [])
        ]
        consents = {
            c["id"]: _text(c["consent"], form) for c in form["content"]["legalInfo"]["consents"]
        }
        assert record["consents"] == [
            {
                "consent_id": c["consentId"],
                "consent_text": consents[c["consentId"]],
                "accepted": c["accepted"],
            }
            for c in truth[record["id"]]["formResponse"]["consentResponses"]
        ]
        assert record["formResponse"] == truth[record["id"]]["formResponse"], "raw answers stay"
        assert "form" not in record, "the embedded form definition is not carried on the record"
    assert older > 0, "the data set has leads on older form versions"
    assert "Lead form" not in synced.stderr, "every version was found: no warning"


def test_lead_pages_carry_no_projection_and_each_older_version_is_read_once(
    synced: Synced,
) -> None:
    pages = [r for r in synced.requests if r.endpoint == "leadFormResponses" and "q" in r.query]
    reads = [r for r in synced.requests if r.endpoint == "leadFormResponses" and "q" not in r.query]
    assert pages
    assert all("fields" not in r.query and "form:" not in r.raw_query for r in pages)
    older = _older_versions_by_lead(synced.data, synced.records)
    assert set(older) == _older_versions(synced.data, synced.config)
    # One read per older version, by the id of a lead on it, asking for its form only.
    read_ids = [r.path.rsplit("/", 1)[1] for r in reads]
    assert len(read_ids) == len(older)
    assert {v for v, ids in older.items() if set(ids) & set(read_ids)} == set(older)
    assert all(
        r.raw_query == "fields=id,versionedLeadGenFormUrn,"
        "form:(id,versionId,name,creationLocale,hiddenFields,content)"
        for r in reads
    )


def test_an_older_version_seen_on_a_single_lead_is_resolved_from_that_lead(
    synced: Synced,
) -> None:
    single = {
        v: ids[0]
        for v, ids in _older_versions_by_lead(synced.data, synced.records).items()
        if len(ids) == 1
    }
    assert single, "the data set has an older version answered by one lead only"
    truth = {lead["id"]: lead for lead in synced.data.leads}
    by_id = {r["id"]: r for r in synced.records}
    read_ids = {
        r.path.rsplit("/", 1)[1]
        for r in synced.requests
        if r.endpoint == "leadFormResponses" and "q" not in r.query
    }
    for version, lead_id in single.items():
        assert lead_id in read_ids
        form = synced.data.form_versions[version]
        assert by_id[lead_id]["answers"] == _expected_answers(form, truth[lead_id])


REFUSALS = {
    "one version 403": {"lead_get_refused_versions": "first"},
    "every read 400": {"lead_get_refusal": 400},
    "every read 403": {"lead_get_refusal": 403},
    "every read 404": {"lead_get_refusal": 404},
    "answer without form": {"lead_get_embeds_form": False},
}


@pytest.mark.parametrize("refusal", REFUSALS.values(), ids=REFUSALS.keys())
def test_a_version_linkedin_refuses_is_labelled_from_the_latest_with_one_warning(
    tmp_path: Path, sandbox: t.Any, refusal: dict[str, t.Any]
) -> None:
    data = SandboxData.generate(seed=21, accounts=3, organizations=0, leads_per_form=30)
    truth = {lead["id"]: lead for lead in data.leads}
    older = {_form_version(lead) for lead in truth.values()} - {
        (f["id"], f["versionId"]) for f in data.forms
    }
    options = dict(refusal)
    if options.get("lead_get_refused_versions") == "first":
        options["lead_get_refused_versions"] = [min(older)]
    server = sandbox(data, **options)
    refused = set(options.get("lead_get_refused_versions") or older)

    config = server.tap_config()

    run = run_cli(tmp_path, config)

    assert run.returncode == 0, run.stderr[-2000:]
    records = run.records("lead_form_responses")
    assert {r["id"] for r in records} == expected_lead_ids(data)
    on_refused = 0
    for record in records:
        version = _form_version(truth[record["id"]])
        assert (record["form_id"], record["form_version"]) == version, "the lead's own version"
        labelled_from = (version[0], _latest(data, version[0])) if version in refused else version
        form = data.form_versions[labelled_from]
        assert record["answers"] == _expected_answers(form, truth[record["id"]])
        assert record["form_name"] == form["name"]
        on_refused += version in refused
    seen_refused = {_form_version(truth[r["id"]]) for r in records} & refused
    assert on_refused > len(seen_refused), "several leads on a refused version"
    # One read per older version seen, never one per lead, and one warning per refused one.
    reads = [r for r in server.requests if r.endpoint == "leadFormResponses" and "q" not in r.query]
    seen_older = {_form_version(truth[r["id"]]) for r in records} & older
    assert seen_older == _older_versions(data, config)
    assert len(reads) == len(seen_older)
    for form_id, version in seen_refused:
        assert (
            run.stderr.count(f"Lead form {form_id} version {version}: LinkedIn did not give") == 1
        )


def test_contact_has_one_value_per_predefined_field(synced: Synced) -> None:
    records = synced.records
    emails = 0
    for record in records:
        expected = {
            contact_key(a["predefined_field"]): a["answer_text"]
            if a["answer_text"] is not None
            else ", ".join(a["selected_options"] or [])
            for a in record["answers"]
            if a["predefined_field"]
        }
        assert record["contact"] == expected
        emails += bool(record["contact"].get("email") or record["contact"].get("work_email"))
    assert emails == len(records), "every synthetic lead left an email"


def test_organic_leads_come_per_organization_and_lead_type(synced: Synced) -> None:
    data, records = synced.data, synced.records
    organic = [r for r in records if r["organization_id"] is not None]
    assert {r["organization_id"] for r in organic} <= set(data.organization_ids)
    assert {r["leadType"] for r in organic} >= {"COMPANY", "EVENT"}
    assert all(r["account_id"] is None and r["campaign_id"] is None for r in organic)
    expected = {lead["id"] for lead in data.leads if "organization" in lead["owner"]}
    assert {r["id"] for r in organic} == expected
    assert any(r["form_id"] > 2**53 for r in organic), "19-digit organization form ids stay exact"


def test_flattening_gives_one_column_per_contact_field(tmp_path: Path, sandbox: t.Any) -> None:
    server = sandbox(SandboxData.generate(seed=4, accounts=1, organizations=0, leads_per_form=5))
    config = {**server.tap_config(), "flattening_enabled": True, "flattening_max_depth": 1}

    run = run_cli(tmp_path, config)

    assert run.returncode == 0, run.stderr[-2000:]
    schema = next(
        m["schema"]
        for m in run.messages
        if m["type"] == "SCHEMA" and m["stream"] == "lead_form_responses"
    )
    columns = set(schema["properties"])
    assert {"contact__email", "contact__work_email", "contact__company_name"} <= columns
    assert {"answers", "consents", "form_name", "campaign_id", "submitted_at"} <= columns
    record = run.records("lead_form_responses")[0]
    answers = json.loads(record["answers"])  # arrays are kept whole, as JSON text
    assert record["contact__first_name"] == next(
        a["answer_text"] for a in answers if a["predefined_field"] == "FIRST_NAME"
    )
