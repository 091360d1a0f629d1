"""Readable leads against the sandbox's ground truth: every answer labelled by its form version."""

from __future__ import annotations

import json
import typing as t

import pytest

from tap_linkedin_leads.answers import contact_key
from tap_linkedin_leads.sandbox import SandboxData, SandboxServer
from tests.integration.conftest import run_cli

if t.TYPE_CHECKING:
    from pathlib import Path


def _text(localized: dict[str, t.Any] | None, form: dict[str, t.Any]) -> str | None:
    if not localized:
        return None
    locale = form["creationLocale"]
    return localized["localized"][f"{locale['language']}_{locale['country']}"]


def _expected_answers(form: dict[str, t.Any], lead: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    questions = {q["questionId"]: q for q in form["content"]["questions"]}
    expected = []
    for answer in lead["formResponse"]["answers"]:
        question = questions[answer["questionId"]]
        details = answer["answerDetails"]
        options = details.get("multipleChoiceAnswer", {}).get("options")
        labels = None
        if options is not None:
            by_id = {
                o["id"]: _text(o["text"], form)
                for o in question["questionDetails"]["multipleChoiceQuestionDetails"]["options"]
            }
            labels = [by_id[o] for o in options]
        expected.append(
            {
                "question_id": answer["questionId"],
                "question_name": question["name"],
                "question_text": _text(question["question"], form),
                "predefined_field": question.get("predefinedField"),
                "answer_text": details.get("textQuestionAnswer", {}).get("answer"),
                "selected_option_ids": options,
                "selected_options": labels,
            }
        )
    return expected


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> tuple[SandboxData, list[dict[str, t.Any]]]:
    data = SandboxData.generate(seed=21, accounts=3, organizations=2, leads_per_form=30)
    with SandboxServer(data) as server:
        config = {
            **server.tap_config(),
            "organization_ids": data.organization_ids,
            "test_leads": "include",
        }
        run = run_cli(tmp_path_factory.mktemp("readable"), config)
    assert run.returncode == 0, run.stderr[-2000:]
    return data, run.records("lead_form_responses")


def test_every_answer_is_labelled_from_the_version_it_was_submitted_on(
    synced: tuple[SandboxData, list[dict[str, t.Any]]],
) -> None:
    data, records = synced
    truth = {lead["id"]: lead for lead in data.leads}
    older = 0
    for record in records:
        form = data.form_versions[(record["form_id"], record["form_version"])]
        latest = max(v for (f, v) in data.form_versions if f == record["form_id"])
        older += record["form_version"] < latest
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


def test_contact_has_one_value_per_predefined_field(
    synced: tuple[SandboxData, list[dict[str, t.Any]]],
) -> None:
    _, records = synced
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


def test_organic_leads_come_per_organization_and_lead_type(
    synced: tuple[SandboxData, list[dict[str, t.Any]]],
) -> None:
    data, records = synced
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
