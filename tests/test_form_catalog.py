"""The form catalog on its own: which loader it calls, how often, and what it falls back to."""

from __future__ import annotations

import typing as t

from tap_linkedin_leads.form_catalog import FormCatalog
from tests.linkedin_payloads import FORM_ID, form

OWNER = {"account_id": 5}


def _urn(version: int, form_id: int = FORM_ID) -> str:
    return f"urn:li:versionedLeadGenForm:(urn:li:leadGenForm:{form_id},{version})"


def _version(number: int, name: str) -> dict[str, t.Any]:
    return {**form(), "versionId": number, "name": name}


class Loaders:
    """Loaders that record their calls; ``leads`` maps a lead id to its read answer."""

    def __init__(
        self,
        forms: list[dict[str, t.Any]],
        leads: dict[str, dict[str, t.Any] | None] | None = None,
    ) -> None:
        self.forms = forms
        self.leads = leads or {}
        self.owner_calls: list[dict[str, t.Any]] = []
        self.lead_calls: list[str] = []

    def owner_forms(self, owner: t.Mapping[str, t.Any]) -> list[dict[str, t.Any]]:
        self.owner_calls.append(dict(owner))
        return self.forms

    def lead_form(self, owner: t.Mapping[str, t.Any], lead_id: str) -> dict[str, t.Any] | None:
        del owner
        self.lead_calls.append(lead_id)
        return self.leads.get(lead_id)

    def catalog(self) -> FormCatalog:
        return FormCatalog(load_owner_forms=self.owner_forms, load_lead_form=self.lead_form)


def test_the_latest_version_comes_from_one_listing_of_the_owners_forms() -> None:
    loaders = Loaders([_version(2, "v2")])
    catalog = loaders.catalog()

    first = catalog.resolve(_urn(2), "lead-1", OWNER)
    again = catalog.resolve(_urn(2), "lead-2", OWNER)

    assert first.form is not None
    assert (first.form_id, first.version, first.form.name, first.problem) == (
        FORM_ID,
        2,
        "v2",
        None,
    )
    assert again is first
    assert loaders.owner_calls == [OWNER]
    assert loaders.lead_calls == []


def test_an_older_version_is_read_once_through_the_first_lead_that_names_it() -> None:
    embedded = {"versionedLeadGenFormUrn": _urn(1), "form": _version(1, "v1")}
    loaders = Loaders([_version(2, "v2")], {"lead-1": embedded})
    catalog = loaders.catalog()

    resolved = [catalog.resolve(_urn(1), f"lead-{n}", OWNER) for n in (1, 2, 3)]

    assert [(r.version, r.form.name if r.form else None, r.problem) for r in resolved] == [
        (1, "v1", None)
    ] * 3
    assert loaders.lead_calls == ["lead-1"]
    assert catalog.versions_read_by_lead == 1


def test_a_refused_read_falls_back_to_the_latest_version_without_reading_again() -> None:
    loaders = Loaders([_version(2, "v2")], {"lead-1": None})
    catalog = loaders.catalog()

    resolved = [catalog.resolve(_urn(1), f"lead-{n}", OWNER) for n in (1, 2)]

    assert all(r.form is not None and r.form.name == "v2" for r in resolved)
    assert all(r.version == 1 and r.problem and "latest version" in r.problem for r in resolved)
    assert loaders.lead_calls == ["lead-1"]


def test_an_answer_for_another_version_or_without_content_is_not_used() -> None:
    wrong_version = {"versionedLeadGenFormUrn": _urn(3), "form": _version(3, "v3")}
    no_content = {"form": {"id": FORM_ID, "name": "v1"}}
    loaders = Loaders([_version(4, "v4")], {"a": wrong_version, "b": no_content})
    catalog = loaders.catalog()

    one = catalog.resolve(_urn(1), "a", OWNER)
    two = catalog.resolve(_urn(2), "b", OWNER)

    assert [(r.form.name if r.form else None) for r in (one, two)] == ["v4", "v4"]
    assert one.problem is not None
    assert two.problem is not None
    assert catalog.exact(FORM_ID, 3) is None, "a version other than the one asked is ignored"


def test_a_form_its_owner_does_not_list_is_not_looked_for_lead_by_lead() -> None:
    loaders = Loaders([])
    catalog = loaders.catalog()

    resolved = catalog.resolve(_urn(1), "lead-1", OWNER)

    assert resolved.form is None
    assert resolved.problem is not None
    assert "not found" in resolved.problem
    assert loaders.lead_calls == []


def test_an_owner_listed_by_the_lead_forms_stream_is_not_listed_again() -> None:
    loaders = Loaders([_version(2, "v2")])
    catalog = loaders.catalog()
    catalog.add(_version(2, "v2"))
    catalog.mark_owner_loaded(OWNER)

    resolved = catalog.resolve(_urn(2), "lead-1", OWNER)

    assert resolved.form is not None
    assert loaders.owner_calls == []


def test_an_unreadable_urn_resolves_to_no_form_without_any_call() -> None:
    loaders = Loaders([_version(2, "v2")])
    catalog = loaders.catalog()

    resolved = catalog.resolve("urn:li:leadGenForm:1", "lead-1", OWNER)

    assert (resolved.form_id, resolved.version, resolved.form) == (None, None, None)
    assert loaders.owner_calls == []
    assert loaders.lead_calls == []


def test_a_listing_fetched_ahead_says_which_versions_will_be_read_by_lead() -> None:
    # What a lead page fetched ahead may send early: exactly the versions resolve() will
    # read once the owner's listing is added, and nothing the catalog already settled.
    loaders = Loaders(
        [_version(3, "v3")], {"lead-1": {"versionedLeadGenFormUrn": _urn(1), "form": form()}}
    )
    catalog = loaders.catalog()
    listing = {FORM_ID: 3}

    assert catalog.reads_once_listed(_urn(1), listing) is True
    assert catalog.reads_once_listed(_urn(3), listing) is False, "the listing gives it"
    assert catalog.reads_once_listed(_urn(1, form_id=999), listing) is False, "not listed"
    assert catalog.reads_once_listed("urn:li:leadGenForm:1", listing) is False
    assert loaders.owner_calls == []
    assert loaders.lead_calls == [], "deciding reads nothing"

    resolved = catalog.resolve(_urn(1), "lead-1", OWNER)

    assert (resolved.version, resolved.problem) == (1, None)
    assert loaders.lead_calls == ["lead-1"], "the read it predicted"
    assert catalog.reads_once_listed(_urn(1), listing) is False, "resolved: never again"
    other_owner_listing = {FORM_ID: 3}
    assert catalog.reads_once_listed(_urn(2), other_owner_listing) is False, (
        "a form another owner already listed may be read through that owner's leads first"
    )


def test_without_a_lead_loader_no_read_is_predicted() -> None:
    catalog = FormCatalog()

    assert catalog.reads_once_listed(_urn(1), {FORM_ID: 3}) is False
