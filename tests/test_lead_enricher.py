"""The readable-lead enrichment, without HTTP: derived fields, campaign name, the form
version a lead resolves to, labelled answers and one warning per form version."""

from __future__ import annotations

import logging
import typing as t

import pytest

from tap_linkedin_leads.campaign_names import CampaignNames
from tap_linkedin_leads.form_catalog import FormCatalog
from tap_linkedin_leads.readable_leads import LeadEnricher
from tests.linkedin_payloads import ACCOUNT_ID, FORM_ID, campaign, form, lead

OWNER = {"account_id": ACCOUNT_ID}
JAN_1 = 1704067200000
LOGGER = logging.getLogger("tests.lead_enricher")


def _names() -> CampaignNames:
    names = CampaignNames()
    for _ in names.collect(ACCOUNT_ID, [campaign(198356826)]):
        pass
    return names


def _catalog() -> FormCatalog:
    catalog = FormCatalog()
    catalog.add(form())
    return catalog


def _on_version(n: int, version: int) -> dict[str, t.Any]:
    record = lead(n, JAN_1 + n)
    record["versionedLeadGenFormUrn"] = (
        f"urn:li:versionedLeadGenForm:(urn:li:leadGenForm:{FORM_ID},{version})"
    )
    return record


@pytest.fixture
def log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.WARNING, logger=LOGGER.name)
    return caplog


def test_a_lead_gets_its_derived_fields_campaign_name_and_labelled_answers() -> None:
    record = lead(1, JAN_1)
    enricher = LeadEnricher(_catalog().resolve, _names().name_of, LOGGER)

    enricher.make_readable(record, OWNER)

    assert record["submitted_at"] == "2024-01-01T00:00:00.000+00:00"
    assert (record["account_id"], record["campaign_id"]) == (ACCOUNT_ID, 198356826)
    assert record["campaign_name"] == "Campaign 198356826"
    assert (record["form_id"], record["form_version"]) == (FORM_ID, 1)
    assert record["form_name"] == "Form with written spanish"
    color = next(a for a in record["answers"] if a["question_id"] == 707234246)
    assert (color["question_text"], color["selected_options"]) == ("Color", ["Rojo"])


def test_no_campaign_name_is_added_when_it_is_deselected() -> None:
    record = lead(1, JAN_1)

    LeadEnricher(_catalog().resolve, None, LOGGER).make_readable(record, OWNER)

    assert "campaign_name" not in record


def test_a_lead_without_a_campaign_has_no_name_and_costs_no_lookup() -> None:
    asked: list[tuple[int, int]] = []

    def lookup(account_id: int, campaign_id: int) -> str | None:
        asked.append((account_id, campaign_id))
        return "never"

    record = lead(1, JAN_1)
    del record["leadMetadata"]
    LeadEnricher(_catalog().resolve, lookup, LOGGER).make_readable(record, OWNER)

    assert record["campaign_name"] is None
    assert asked == []


def test_unknown_questions_are_reported_once_per_form_version(
    log: pytest.LogCaptureFixture,
) -> None:
    # ``lead()`` answers question 307234246, which ``form()`` does not have.
    enricher = LeadEnricher(_catalog().resolve, _names().name_of, LOGGER)

    for n in range(3):
        enricher.make_readable(lead(n, JAN_1 + n), OWNER)

    assert log.messages == [
        f"Lead form {FORM_ID} version 1: 1 answered question(s) are not in it and keep their "
        "raw ids."
    ]


def test_a_version_the_catalog_lacks_is_labelled_from_the_latest_with_one_warning(
    log: pytest.LogCaptureFixture,
) -> None:
    enricher = LeadEnricher(_catalog().resolve, _names().name_of, LOGGER)
    first, second = _on_version(1, 2), _on_version(2, 2)

    enricher.make_readable(first, OWNER)
    enricher.make_readable(second, OWNER)

    assert [(r["form_id"], r["form_version"]) for r in (first, second)] == [(FORM_ID, 2)] * 2
    assert first["form_name"] == "Form with written spanish"
    assert len(log.messages) == 1
    assert log.messages[0].startswith(f"Lead form {FORM_ID} version 2: LinkedIn did not give this")


def test_a_lead_on_an_unknown_form_keeps_raw_answers_and_says_so_once(
    log: pytest.LogCaptureFixture,
) -> None:
    enricher = LeadEnricher(FormCatalog().resolve, _names().name_of, LOGGER)
    record = lead(1, JAN_1)

    enricher.make_readable(record, OWNER)
    enricher.make_readable(lead(2, JAN_1), OWNER)

    assert record["form_name"] is None
    assert log.messages == [
        f"Lead form {FORM_ID} version 1: it was not found, so its answers keep their raw "
        "question ids."
    ]
