"""leadFormResponses: filters, order, short and empty pages, projections, lookups."""

from __future__ import annotations

import typing as t

import pytest
import requests
from linkedin_sandbox import SandboxData, SandboxServer, ServerOptions, ShortPagePlan
from linkedin_sandbox.leads import versioned_form_urn
from linkedin_sandbox.restli_parse import encode_leaf
from sandbox_client import Api, account_owner, org_owner


def walk(api: Api, owner: str, extra: str = "", count: int = 10) -> list[t.Any]:
    """A correct client: advance start by count while start < total."""
    pages = []
    start = 0
    while True:
        body = api.leads(owner, extra, start=start, count=count)
        pages.append(body)
        start += count
        if start >= body["paging"]["total"]:
            return pages


def ids(elements: list[dict[str, t.Any]]) -> list[str]:
    return [e["id"] for e in elements]


@pytest.fixture
def account(data: SandboxData) -> int:
    return data.visible_account_ids[0]


def test_correct_walk_gets_every_lead_once_newest_first(
    api: Api, data: SandboxData, account: int
) -> None:
    pages = walk(api, account_owner(account), "&limitedToTestLeads=false")
    got = [e for p in pages for e in p["elements"]]
    expected = data.query_leads(account, test_leads=False)
    assert got == expected
    times = [e["submittedAt"] for e in got]
    assert times == sorted(times, reverse=True)
    assert len(set(ids(got))) == len(got)


def test_short_pages_mid_stream(api: Api, data: SandboxData, account: int) -> None:
    pages = walk(api, account_owner(account), count=10)
    sizes = [len(p["elements"]) for p in pages]
    total = pages[0]["paging"]["total"]
    assert any(size < 10 for size in sizes[:-1]), sizes  # short page with more to come
    assert any(size == 10 for size in sizes), sizes
    assert 0 not in sizes
    assert total > sum(sizes)  # total counts the withheld slots
    assert {p["paging"]["total"] for p in pages} == {total}


def test_a_client_advancing_start_by_the_page_length_reads_leads_twice(
    api: Api, account: int
) -> None:
    total = api.leads(account_owner(account), count=10)["paging"]["total"]
    naive: list[str] = []
    start = 0
    while start < total:
        elements = api.leads(account_owner(account), start=start, count=10)["elements"]
        naive.extend(ids(elements))
        start += len(elements)
    assert len(naive) > len(set(naive))


def test_a_client_stopping_at_the_first_short_page_loses_leads(
    api: Api, data: SandboxData, account: int
) -> None:
    seen: list[str] = []
    start = 0
    while True:
        elements = api.leads(account_owner(account), start=start, count=10)["elements"]
        seen.extend(ids(elements))
        if len(elements) < 10:
            break
        start += 10
    assert set(ids(data.query_leads(account))) - set(seen)


def test_short_pages_can_be_disabled(data: SandboxData, session: requests.Session) -> None:
    account = data.visible_account_ids[0]
    with SandboxServer(data, ServerOptions(short_pages=ShortPagePlan(withhold=False))) as server:
        pages = walk(Api(server, session), account_owner(account))
    sizes = [len(p["elements"]) for p in pages]
    assert all(size == 10 for size in sizes[:-1])
    assert pages[0]["paging"]["total"] == len(data.query_leads(account))


def test_empty_page_mid_stream(data: SandboxData, session: requests.Session) -> None:
    account = data.visible_account_ids[0]
    with SandboxServer(data, ServerOptions(short_pages=ShortPagePlan(empty_page=True))) as server:
        pages = walk(Api(server, session), account_owner(account))
    sizes = [len(p["elements"]) for p in pages]
    assert sizes[1] == 0
    assert sum(sizes[2:]) > 0
    assert [e for p in pages for e in p["elements"]] == data.query_leads(account)


def test_omitted_total(data: SandboxData, session: requests.Session) -> None:
    account = data.visible_account_ids[0]
    with SandboxServer(
        data, ServerOptions(omit_paging_total=True, short_pages=ShortPagePlan(empty_page=True))
    ) as server:
        api = Api(server, session)
        got: list[t.Any] = []
        start = 0
        while True:  # without a total, only an empty page ends the walk
            body = api.leads(account_owner(account), start=start, count=10)
            assert "total" not in body["paging"]
            if not body["elements"]:
                break
            got.extend(body["elements"])
            start += 10
    assert got == data.query_leads(account)


def test_ties_in_the_same_millisecond_are_stable(api: Api, data: SandboxData, account: int) -> None:
    leads = data.query_leads(account, test_leads=None)
    times = [lead["submittedAt"] for lead in leads]
    assert len(times) > len(set(times))  # several leads share a millisecond
    first = ids(
        [
            e
            for p in walk(api, account_owner(account), "&limitedToTestLeads=false")
            for e in p["elements"]
        ]
    )
    again = ids(
        [
            e
            for p in walk(api, account_owner(account), "&limitedToTestLeads=false")
            for e in p["elements"]
        ]
    )
    assert first == again


def test_time_range_start_inclusive_end_exclusive(
    api: Api, data: SandboxData, account: int
) -> None:
    leads = data.query_leads(account)
    pivot = leads[len(leads) // 2]["submittedAt"]
    later = leads[5]["submittedAt"]
    extra = f"&limitedToTestLeads=false&submittedAtTimeRange=(start:{pivot},end:{later})"
    got = [e for p in walk(api, account_owner(account), extra) for e in p["elements"]]
    assert got == [lead for lead in leads if pivot <= lead["submittedAt"] < later]
    assert got[-1]["submittedAt"] == pivot
    assert all(e["submittedAt"] != later for e in got)
    only_start = api.leads(account_owner(account), f"&submittedAtTimeRange=(start:{later})")
    assert only_start["elements"][-1]["submittedAt"] >= later


def test_bad_time_ranges(api: Api, account: int) -> None:
    owner = account_owner(account)
    base = f"q=owner&owner={owner}&leadType=(leadType:SPONSORED)"
    assert (
        api.get("leadFormResponses", base + "&submittedAtTimeRange=(start:5,end:1)").status_code
        == 400
    )
    assert api.get("leadFormResponses", base + "&submittedAtTimeRange=(start:x)").status_code == 400
    assert api.get("leadFormResponses", base + "&submittedAtTimeRange=(from:1)").status_code == 400
    encoded = api.get("leadFormResponses", base + "&submittedAtTimeRange=%28start%3A1%29")
    assert encoded.status_code == 400


def test_limited_to_test_leads(api: Api, data: SandboxData, account: int) -> None:
    test_only = [
        e
        for p in walk(api, account_owner(account), "&limitedToTestLeads=true")
        for e in p["elements"]
    ]
    real_only = [
        e
        for p in walk(api, account_owner(account), "&limitedToTestLeads=false")
        for e in p["elements"]
    ]
    assert test_only
    assert all(e["testLead"] for e in test_only)
    assert real_only
    assert not any(e["testLead"] for e in real_only)
    default = [e for p in walk(api, account_owner(account)) for e in p["elements"]]
    assert default == real_only
    assert (
        api.get(
            "leadFormResponses",
            f"q=owner&owner={account_owner(account)}&leadType=(leadType:SPONSORED)&limitedToTestLeads=yes",
        ).status_code
        == 400
    )


def test_false_means_all_option(data: SandboxData, session: requests.Session) -> None:
    account = data.visible_account_ids[0]
    with SandboxServer(data, ServerOptions(false_means_all=True)) as server:
        got = [
            e
            for p in walk(Api(server, session), account_owner(account), "&limitedToTestLeads=false")
            for e in p["elements"]
        ]
    assert got == data.query_leads(account, test_leads=None)
    assert any(e["testLead"] for e in got)


def test_lead_type_is_required_and_filters(api: Api, data: SandboxData, account: int) -> None:
    missing = api.get("leadFormResponses", f"q=owner&owner={account_owner(account)}")
    assert missing.status_code == 400
    assert missing.json()["message"] == "Parameter 'leadType' is required"
    event = api.get(
        "leadFormResponses", f"q=owner&owner={account_owner(account)}&leadType=(leadType:EVENT)"
    ).json()
    assert event["elements"] == []
    assert event["paging"]["total"] == 0
    bogus = api.get(
        "leadFormResponses", f"q=owner&owner={account_owner(account)}&leadType=(leadType:ORGANIC)"
    )
    assert bogus.status_code == 400


def test_organic_leads(api: Api, data: SandboxData) -> None:
    owner = org_owner(data.organization_ids[0])
    seen = set()
    for lead_type in ("COMPANY", "EVENT", "ORGANIZATION_PRODUCT"):
        body = api.get(
            "leadFormResponses",
            f"q=owner&owner={owner}&leadType=(leadType:{lead_type})&count=100",
        ).json()
        for lead in body["elements"]:
            seen.add(lead_type)
            assert lead["leadType"] == lead_type
            assert "leadMetadata" not in lead
            assert lead["owner"] == {
                "organization": f"urn:li:organization:{data.organization_ids[0]}"
            }
            if lead_type == "EVENT":
                assert lead["associatedEntity"]["event"].startswith("urn:li:event:")
            form_id = int(lead["versionedLeadGenFormUrn"].split(":")[-1].split(",")[0])
            assert form_id > 2**53
    assert seen == {"COMPANY", "EVENT"}  # two forms per owner: COMPANY and EVENT


def test_lead_shape_and_synthetic_data(data: SandboxData) -> None:
    for lead in data.leads:
        assert set(lead) >= {"id", "owner", "leadType", "versionedLeadGenFormUrn", "submitter",
                             "submittedAt", "testLead", "formResponse"}  # fmt: skip
        head, _, n = lead["id"].rpartition("-")
        assert len(head) == 36
        assert n.isdigit()
        assert lead["submitter"].startswith("urn:li:person:")
        assert data.start_ms <= lead["submittedAt"] < data.end_ms
        if lead["leadType"] == "SPONSORED":
            campaign = lead["leadMetadata"]["sponsoredLeadMetadata"]["campaign"]
            assert campaign.startswith("urn:li:sponsoredCampaign:")
            assert lead["associatedEntity"]["associatedCreative"].startswith(
                "urn:li:sponsoredCreative:"
            )
        for answer in lead["formResponse"]["answers"]:
            text = answer["answerDetails"].get("textQuestionAnswer", {}).get("answer", "")
            if "@" in text:
                assert text.endswith(("@example.com", "@example.org"))


def test_leads_answer_the_version_they_reference(data: SandboxData) -> None:
    versions_used = set()
    for lead in data.leads:
        urn = lead["versionedLeadGenFormUrn"]
        form_id, version_id = (int(x) for x in urn.split("leadGenForm:")[1].rstrip(")").split(","))
        assert urn == versioned_form_urn(form_id, version_id)
        version = data.form_versions[(form_id, version_id)]
        questions = {q["questionId"]: q for q in version["content"]["questions"]}
        for answer in lead["formResponse"]["answers"]:
            question = questions[answer["questionId"]]
            if "multipleChoiceAnswer" in answer["answerDetails"]:
                options = question["questionDetails"]["multipleChoiceQuestionDetails"]["options"]
                assert set(answer["answerDetails"]["multipleChoiceAnswer"]["options"]) <= {
                    o["id"] for o in options
                }
        latest = max(v for (f, v) in data.form_versions if f == form_id)
        versions_used.add(version_id < latest)
    assert versions_used == {True, False}  # some leads are on older form versions


def test_count_limit(data: SandboxData, api: Api, account: int) -> None:
    base = f"q=owner&owner={account_owner(account)}&leadType=(leadType:SPONSORED)"
    assert api.get("leadFormResponses", base + "&count=1001").status_code == 400
    with SandboxServer(data, ServerOptions(count_max=50)) as server, requests.Session() as session:
        assert Api(server, session).get("leadFormResponses", base + "&count=51").status_code == 400


def test_forbidden_owner(api: Api, data: SandboxData) -> None:
    response = api.get(
        "leadFormResponses",
        f"q=owner&owner={account_owner(data.forbidden_account_ids[0])}&leadType=(leadType:SPONSORED)",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "ACCESS_DENIED"


def test_unknown_parameter_is_rejected(api: Api, account: int) -> None:
    response = api.get(
        "leadFormResponses",
        f"q=owner&owner={account_owner(account)}&leadType=(leadType:SPONSORED)&counts=5",
    )
    assert response.status_code == 400
    assert response.json()["errorDetails"]["inputErrors"][0]["code"] == "QUERY_PARAM_NOT_ALLOWED"


def test_projection_embeds_the_referenced_form_version(
    api: Api, data: SandboxData, account: int
) -> None:
    fields = (
        "id,submittedAt,versionedLeadGenFormUrn,form:(id,versionId,content:(questions)),"
        "leadMetadataInfo"
    )
    body = api.leads(account_owner(account), f"&fields={fields}", count=50)
    for lead in body["elements"]:
        assert set(lead) == {
            "id",
            "submittedAt",
            "versionedLeadGenFormUrn",
            "form",
            "leadMetadataInfo",
        }
        form = lead["form"]
        assert versioned_form_urn(form["id"], form["versionId"]) == lead["versionedLeadGenFormUrn"]
        assert set(form) == {"id", "versionId", "content"}
        assert set(form["content"]) == {"questions"}
        name = lead["leadMetadataInfo"]["sponsoredLeadMetadataInfo"]["campaign"]["name"]
        assert name in {c["name"] for c in data.campaigns}


def test_versioned_form_filter(api: Api, data: SandboxData, account: int) -> None:
    lead = data.query_leads(account)[0]
    urn = lead["versionedLeadGenFormUrn"]
    body = api.leads(
        account_owner(account), f"&versionedLeadGenFormUrn={encode_leaf(urn)}", count=200
    )
    assert body["elements"]
    assert all(e["versionedLeadGenFormUrn"] == urn for e in body["elements"])
    assert ids(body["elements"]) == ids(
        [x for x in data.query_leads(account) if x["versionedLeadGenFormUrn"] == urn]
    )


def test_single_and_batch_get(api: Api, data: SandboxData) -> None:
    lead = data.leads[3]
    assert api.get(f"leadFormResponses/{lead['id']}").json() == lead
    assert api.get("leadFormResponses/nope-1").status_code == 404
    other = data.leads[4]
    batch = api.get("leadFormResponses", f"ids=List({lead['id']},{other['id']},nope-1)").json()
    assert batch["results"] == {lead["id"]: lead, other["id"]: other}
    assert batch["errors"]["nope-1"]["status"] == 404


LEAD_FIELDS = {
    "id",
    "owner",
    "leadType",
    "versionedLeadGenFormUrn",
    "submitter",
    "submittedAt",
    "testLead",
    "leadMetadata",
    "associatedEntity",
    "formResponse",
}
FORM_OF_LEAD = "id,versionedLeadGenFormUrn,form:(id,versionId,name,content)"


def test_a_lead_page_without_fields_carries_the_leads_own_fields_only(
    api: Api, account: int
) -> None:
    body = api.leads(account_owner(account), count=50)
    assert body["elements"]
    assert all(set(lead) == LEAD_FIELDS for lead in body["elements"])


def test_a_lead_read_by_id_embeds_its_own_form_version(api: Api, data: SandboxData) -> None:
    older = next(lead for lead in data.leads if lead["versionedLeadGenFormUrn"].endswith(",1)"))
    answer = api.get(f"leadFormResponses/{older['id']}", f"fields={FORM_OF_LEAD}").json()
    assert set(answer) == {"id", "versionedLeadGenFormUrn", "form"}
    form = answer["form"]
    assert versioned_form_urn(form["id"], form["versionId"]) == older["versionedLeadGenFormUrn"]
    version = data.form_versions[(form["id"], form["versionId"])]
    assert form == {k: version[k] for k in ("id", "versionId", "name", "content")}


@pytest.mark.parametrize("status", [400, 403, 404])
def test_lead_reads_by_id_can_be_refused(
    data: SandboxData, session: requests.Session, status: int
) -> None:
    lead = data.leads[3]
    with SandboxServer(data, ServerOptions(lead_get_refusal=status)) as server:
        api = Api(server, session)
        single = api.get(f"leadFormResponses/{lead['id']}", f"fields={FORM_OF_LEAD}")
        batch = api.get("leadFormResponses", f"ids=List({lead['id']})").json()
    assert single.status_code == status
    assert single.json()["status"] == status
    assert batch["results"] == {}
    assert batch["errors"][lead["id"]]["status"] == status


def test_lead_reads_by_id_can_be_refused_for_chosen_versions(
    data: SandboxData, session: requests.Session
) -> None:
    refused = data.leads[3]
    form_id, version = data.lead_form_version(3)
    served = next(
        lead for i, lead in enumerate(data.leads) if data.lead_form_version(i) != (form_id, version)
    )
    with SandboxServer(
        data, ServerOptions(lead_get_refused_versions=[(form_id, version)])
    ) as server:
        api = Api(server, session)
        assert api.get(f"leadFormResponses/{refused['id']}").status_code == 403
        assert api.get(f"leadFormResponses/{served['id']}").json() == served


def test_a_lead_read_by_id_can_come_without_its_form(
    data: SandboxData, session: requests.Session
) -> None:
    lead = data.leads[3]
    with SandboxServer(data, ServerOptions(lead_get_embeds_form=False)) as server:
        answer = Api(server, session).get(
            f"leadFormResponses/{lead['id']}", f"fields={FORM_OF_LEAD}"
        )
    assert answer.json() == {k: lead[k] for k in ("id", "versionedLeadGenFormUrn")}
