"""leadForms: owner finder with offset paging, single and batch get, versions, big ids."""

from __future__ import annotations

import itertools
import json
from typing import TYPE_CHECKING

from sandbox_client import Api, account_owner, org_owner

if TYPE_CHECKING:
    from linkedin_sandbox import SandboxData


def test_owner_finder_offset_paging(api: Api, data: SandboxData) -> None:
    owner = account_owner(data.visible_account_ids[0])
    first = api.get("leadForms", f"q=owner&owner={owner}&start=0&count=1").json()
    second = api.get("leadForms", f"q=owner&owner={owner}&start=1&count=1").json()
    assert first["paging"] == {"start": 0, "count": 1, "links": [], "total": 2}
    assert second["paging"]["start"] == 1
    owned = [
        f
        for f in data.forms
        if f["owner"]
        == {"sponsoredAccount": f"urn:li:sponsoredAccount:{data.visible_account_ids[0]}"}
    ]
    assert first["elements"] + second["elements"] == owned
    beyond = api.get("leadForms", f"q=owner&owner={owner}&start=2&count=1").json()
    assert beyond["elements"] == []


def test_default_count_is_ten(api: Api, data: SandboxData) -> None:
    body = api.get(
        "leadForms", f"q=owner&owner={account_owner(data.visible_account_ids[0])}"
    ).json()
    assert body["paging"]["count"] == 10


def test_form_shape(data: SandboxData) -> None:
    states = {f["state"] for f in data.forms}
    assert states == {"PUBLISHED", "ARCHIVED", "DRAFT"}
    for form in data.forms:
        assert {"id", "versionId", "name", "state", "owner", "created", "lastModified",
                "creationLocale", "hiddenFields", "content"} <= set(form)  # fmt: skip
        content = form["content"]
        assert set(content) == {"headline", "description", "questions", "legalInfo",
                                "postSubmissionInfo"}  # fmt: skip
        assert ("reviewInfo" in form) == (form["state"] != "DRAFT")
        kinds = {next(iter(q["questionDetails"])) for q in content["questions"]}
        assert kinds >= {"textQuestionDetails", "multipleChoiceQuestionDetails"}
        predefined = {q.get("predefinedField") for q in content["questions"]}
        assert {"FIRST_NAME", "LAST_NAME"} <= predefined
        assert None in predefined or any(
            "multipleChoiceQuestionDetails" in q["questionDetails"] for q in content["questions"]
        )
        (language,) = content["headline"]["localized"]
        locale = form["creationLocale"]
        assert language == f"{locale['language']}_{locale['country']}"


def test_versions_change_questions(data: SandboxData) -> None:
    multi = [f for f in data.forms if f["versionId"] > 1]
    assert multi
    for form in multi:
        versions = [data.form_versions[(form["id"], v)] for v in range(1, form["versionId"] + 1)]
        assert versions[-1] == form
        for older, newer in itertools.pairwise(versions):
            assert older["content"]["questions"] != newer["content"]["questions"]


def test_organization_forms_have_exact_19_digit_ids(api: Api, data: SandboxData) -> None:
    response = api.get("leadForms", f"q=owner&owner={org_owner(data.organization_ids[0])}")
    assert response.status_code == 200
    ids = [f["id"] for f in response.json()["elements"]]
    assert ids
    assert all(len(str(i)) == 19 and i > 2**53 for i in ids)
    for form_id in ids:
        assert f'"id":{form_id},' in response.text  # an exact integer literal, not a float
        assert json.loads(response.text, parse_float=float)["elements"]
    single = api.get(f"leadForms/{ids[0]}")
    assert single.json()["id"] == ids[0]


def test_single_and_batch_get(api: Api, data: SandboxData) -> None:
    form = data.forms[0]
    assert api.get(f"leadForms/{form['id']}").json() == form
    assert api.get("leadForms/123").status_code == 404
    other = data.forms[1]
    batch = api.get("leadForms", f"ids=List({form['id']},{other['id']},123)").json()
    assert set(batch) == {"results", "statuses", "errors"}
    assert batch["results"] == {str(form["id"]): form, str(other["id"]): other}
    assert batch["errors"]["123"]["status"] == 404


def test_forbidden_and_unknown_owner(api: Api, data: SandboxData) -> None:
    forbidden = api.get(
        "leadForms", f"q=owner&owner={account_owner(data.forbidden_account_ids[0])}"
    )
    assert forbidden.status_code == 403
    assert forbidden.json()["message"] == (
        "Not enough permissions to access: leadForms.FINDER-owner.20240101"
    )
    assert api.get("leadForms", f"q=owner&owner={account_owner(511111111)}").status_code == 403


def test_percent_encoded_owner_gets_union_error(api: Api, data: SandboxData) -> None:
    account_id = data.visible_account_ids[0]
    for owner in (
        f"%28sponsoredAccount%3Aurn%253Ali%253AsponsoredAccount%253A{account_id}%29",
        f"%28sponsoredAccount%3Aurn%3Ali%3AsponsoredAccount%3A{account_id}%29",
    ):
        response = api.get("leadForms", f"q=owner&owner={owner}")
        assert response.status_code == 400
        (error,) = response.json()["errorDetails"]["inputErrors"]
        assert error == {
            "description": "ERROR :: /value :: union type is not backed by a DataMap or null",
            "input": {"inputPath": {"fieldPath": "owner/value"}},
            "code": "FIELD_INVALID",
        }


def test_unencoded_urn_inside_structure_is_rejected(api: Api, data: SandboxData) -> None:
    raw = f"(sponsoredAccount:urn:li:sponsoredAccount:{data.visible_account_ids[0]})"
    response = api.get("leadForms", f"q=owner&owner={raw}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "ILLEGAL_ARGUMENT"
    assert body["message"].startswith("Invalid query parameters passed to request")


def test_double_encoded_urn_inside_structure_is_rejected(api: Api, data: SandboxData) -> None:
    raw = f"(sponsoredAccount:urn%253Ali%253AsponsoredAccount%253A{data.visible_account_ids[0]})"
    assert api.get("leadForms", f"q=owner&owner={raw}").status_code == 400


def test_count_limit(api: Api, data: SandboxData) -> None:
    owner = account_owner(data.visible_account_ids[0])
    assert api.get("leadForms", f"q=owner&owner={owner}&count=1000").status_code == 200
    assert api.get("leadForms", f"q=owner&owner={owner}&count=1001").status_code == 400
    assert api.get("leadForms", f"q=owner&owner={owner}&count=-1").status_code == 400
