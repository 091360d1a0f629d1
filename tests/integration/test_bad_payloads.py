"""Odd payloads from LinkedIn: tolerated and typed per the schema, or named in an error.

The sandbox only sends well-formed answers, so a small loopback proxy of this module sits
between the tap and the sandbox and rewrites the JSON of chosen pages: optional fields
missing, unknown enum values, extra fields, ``null`` where an object is expected, and
elements that cannot become a record at all. Everything else is the sandbox's real answer.
"""

from __future__ import annotations

import copy
import datetime
import http.client
import json
import threading
import typing as t
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jsonschema
import pytest
from linkedin_sandbox import SandboxData, SandboxServer
from linkedin_sandbox.oracle import expected_lead_ids

from tap_linkedin_leads.times import format_submitted_at
from tests.integration.conftest import CliRun, run_cli

if t.TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from types import TracebackType

Json = t.Any
#: ``(endpoint, n-th call to it, parsed body) -> body to send`` (a JSON value, or bytes).
Rewrite = t.Callable[[str, int, Json], Json]
ElementRewrite = t.Callable[[dict[str, t.Any]], None]

PAGE_SIZE = 10
STREAM_OF = {
    "adAccounts": "ad_accounts",
    "adCampaigns": "campaigns",
    "leadForms": "lead_forms",
    "leadFormResponses": "lead_form_responses",
}


def _endpoint_of(path: str) -> str | None:
    """``/rest/adAccounts/5/adCampaigns`` -> ``adCampaigns``; a lead read by id is
    ``leadFormResponses by id``, so page rewrites count finder pages only."""
    parts = [p for p in path.split("/") if p]
    if not parts or parts[0] != "rest":
        return None
    names = [p for p in parts[1:] if p in STREAM_OF]
    if names == ["leadFormResponses"] and parts[-1] != "leadFormResponses":
        return "leadFormResponses by id"
    return names[-1] if names else None


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _ProxyServer

    def do_GET(self) -> None:
        self._forward()

    def do_POST(self) -> None:
        self._forward()

    def log_message(self, format: str, *args: t.Any) -> None:
        return  # Quiet: the request line carries nothing worth printing in tests.

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        upstream = http.client.HTTPConnection("127.0.0.1", self.server.upstream_port, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
        upstream.request(self.command, self.path, body=body, headers=headers)
        answer = upstream.getresponse()
        payload = answer.read()
        content_type = answer.getheader("Content-Type") or "application/json"
        upstream.close()
        endpoint = _endpoint_of(self.path.partition("?")[0])
        if endpoint is not None and answer.status == 200:
            payload = self.server.rewrite_body(endpoint, payload)
        self.send_response(answer.status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream_port: int, rewrite: Rewrite) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.upstream_port = upstream_port
        self._rewrite = rewrite
        self._calls: dict[str, int] = {}
        self._lock = threading.Lock()

    def rewrite_body(self, endpoint: str, payload: bytes) -> bytes:
        with self._lock:
            self._calls[endpoint] = call = self._calls.get(endpoint, 0) + 1
        result = self._rewrite(endpoint, call, json.loads(payload))
        return result if isinstance(result, bytes) else json.dumps(result).encode()


class RewritingProxy:
    """A loopback HTTP proxy to the sandbox's ``/rest`` API that rewrites 200 bodies."""

    def __init__(self, sandbox: SandboxServer, rewrite: Rewrite) -> None:
        self._sandbox = sandbox
        self._server = _ProxyServer(sandbox.port, rewrite)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> RewritingProxy:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def tap_config(self) -> dict[str, t.Any]:
        """The sandbox's config with the API (not the token endpoint) behind the proxy."""
        port = self._server.server_address[1]
        return {
            **self._sandbox.tap_config(),
            "api_url": f"http://127.0.0.1:{port}/rest",
            "page_size": PAGE_SIZE,
            "retry_backoff_seconds": 0,
            "max_retries": 1,
        }


@pytest.fixture(scope="module")
def data() -> SandboxData:
    """One readable ad account with 60 leads over a few forms: several pages of leads."""
    return SandboxData.generate(seed=5, accounts=1, leads_per_form=15)


def _sync_through_proxy(
    tmp_path: Path, data: SandboxData, rewrite: Rewrite, **settings: t.Any
) -> CliRun:
    with SandboxServer(data) as sandbox, RewritingProxy(sandbox, rewrite) as proxy:
        return run_cli(tmp_path, {**proxy.tap_config(), **settings}, timeout=60)


# Shapes that must be tolerated


@dataclass
class ElementRewrites:
    """Changes to the first element of every page of each endpoint; remembers what it changed."""

    by_endpoint: dict[str, ElementRewrite]
    changed: dict[str, list[t.Any]] = field(default_factory=dict)

    def __call__(self, endpoint: str, call: int, body: Json) -> Json:
        change = self.by_endpoint.get(endpoint)
        elements = body.get("elements") if isinstance(body, dict) else None
        if change is None or not elements:
            return body
        first = elements[0]
        self.changed.setdefault(endpoint, []).append(first.get("id"))
        change(first)
        return body


def _keep_only(*names: str) -> ElementRewrite:
    def change(element: dict[str, t.Any]) -> None:
        for name in list(element):
            if name not in names:
                del element[name]

    return change


def _set(**values: t.Any) -> ElementRewrite:
    def change(element: dict[str, t.Any]) -> None:
        element.update(copy.deepcopy(values))

    return change


def _unknown_enums_lead(lead: dict[str, t.Any]) -> None:
    lead["leadType"] = "FUTURE_LEAD_TYPE"
    lead["associatedEntity"] = {"futureEntity": "urn:li:futureEntity:1"}
    answers = lead["formResponse"]["answers"]
    answers[0]["answerDetails"] = {"fileUploadAnswer": {"fileUrn": "urn:li:digitalmediaAsset:1"}}


def _unknown_enums_form(form: dict[str, t.Any]) -> None:
    form["state"] = "FUTURE_STATE"
    form["reviewInfo"] = {"reviewStatus": "FUTURE_REVIEW_STATUS", "rejectionReasons": ["NEW"]}
    for question in form["content"]["questions"]:
        if question.get("predefinedField"):
            question["predefinedField"] = "FUTURE_PREDEFINED_FIELD"
            break


def _extra_fields_lead(lead: dict[str, t.Any]) -> None:
    lead["futureTopLevel"] = {"nested": [1, 2]}
    lead["formResponse"]["futureNested"] = [{"a": 1}]
    lead["formResponse"]["answers"][0]["futureKey"] = "x"
    lead["formResponse"]["answers"][0]["answerDetails"]["futureDetail"] = {"b": True}
    lead["owner"]["futureOwnerKey"] = "urn:li:future:1"
    lead.setdefault("leadMetadata", {}).setdefault("sponsoredLeadMetadata", {})["futureKey"] = 1


def _extra_fields_form(form: dict[str, t.Any]) -> None:
    form["futureTopLevel"] = 1
    form["content"]["futureContent"] = {"x": 1}
    form["content"]["questions"][0]["futureKey"] = [1]


def _nested_nulls_lead(lead: dict[str, t.Any]) -> None:
    lead.update(
        formResponse={"answers": None, "consentResponses": None},
        submitter=None,
        testLead=None,
        associatedEntity=None,
        versionedLeadGenFormUrn=None,
        form=None,
    )


def _nested_nulls_form(form: dict[str, t.Any]) -> None:
    form.update(creationLocale=None, reviewInfo=None, hiddenFields=None)
    form["content"]["questions"][0].update(question=None, questionDetails=None)
    form["content"]["legalInfo"] = None


def _null_items_lead(lead: dict[str, t.Any]) -> None:
    response = lead["formResponse"]
    response["answers"] = [None, *response["answers"]]
    response["answers"][1]["answerDetails"] = None
    response["consentResponses"] = [None, *(response.get("consentResponses") or [])]


def _null_items_form(form: dict[str, t.Any]) -> None:
    form["content"]["questions"] = [None, *form["content"]["questions"]]
    form["hiddenFields"] = [None, *(form.get("hiddenFields") or [])]


TOLERATED: dict[str, dict[str, ElementRewrite]] = {
    "formResponse-null": {"leadFormResponses": _set(formResponse=None)},
    "owner-null": {"leadFormResponses": _set(owner=None), "leadForms": _set(owner=None)},
    "leadMetadata-null": {"leadFormResponses": _set(leadMetadata=None)},
    "form-content-null": {"leadForms": _set(content=None)},
    "optional-fields-missing": {
        "adAccounts": _keep_only("id"),
        "adCampaigns": _keep_only("id"),
        "leadForms": _keep_only("id"),
        "leadFormResponses": _keep_only("id", "submittedAt"),
    },
    "unknown-enum-values": {
        "adAccounts": _set(status="FUTURE_STATUS", type="FUTURE_TYPE"),
        "adCampaigns": _set(status="FUTURE_STATUS", objectiveType="FUTURE_OBJECTIVE"),
        "leadForms": _unknown_enums_form,
        "leadFormResponses": _unknown_enums_lead,
    },
    "extra-fields": {
        "adAccounts": _set(futureTopLevel={"x": 1}),
        "adCampaigns": _set(futureTopLevel=[1]),
        "leadForms": _extra_fields_form,
        "leadFormResponses": _extra_fields_lead,
    },
    "nested-nulls": {
        "adAccounts": _set(changeAuditStamps=None, totalBudget=None, servingStatuses=None),
        "adCampaigns": _set(runSchedule=None, locale=None, changeAuditStamps=None),
        "leadForms": _nested_nulls_form,
        "leadFormResponses": _nested_nulls_lead,
    },
    "null-array-items": {
        "leadForms": _null_items_form,
        "leadFormResponses": _null_items_lead,
    },
}


def _schema_errors(run: CliRun) -> list[str]:
    """Every way an emitted record breaks the SCHEMA message of its stream."""
    schemas: dict[str, dict[str, t.Any]] = {}
    problems = []
    for message in run.messages:
        if message["type"] == "SCHEMA":
            schemas[message["stream"]] = message["schema"]
        elif message["type"] == "RECORD":
            schema = schemas[message["stream"]]
            validator = jsonschema.validators.validator_for(schema)(schema)
            problems.extend(
                f"{message['stream']} {message['record'].get('id')}: {error.json_path}: "
                f"{error.message}"
                for error in validator.iter_errors(message["record"])
            )
    return problems


def _is_utc_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return False
    moment = datetime.datetime.fromisoformat(value)
    return moment.utcoffset() == datetime.timedelta(0)


@pytest.mark.parametrize("case", list(TOLERATED))
def test_odd_but_readable_payloads_are_emitted_and_typed(
    tmp_path: Path, data: SandboxData, case: str
) -> None:
    rewrites = ElementRewrites(TOLERATED[case])

    run = _sync_through_proxy(tmp_path, data, rewrites)

    assert run.returncode == 0, run.stderr[-3000:]
    assert set(run.lead_ids()) == expected_lead_ids(data), "no lead is dropped"
    assert _schema_errors(run) == []
    for endpoint, ids in rewrites.changed.items():
        emitted = {r["id"] for r in run.records(STREAM_OF[endpoint])}
        assert set(ids) <= emitted, f"the changed {endpoint} elements are emitted"
    for lead in run.records("lead_form_responses"):
        assert _is_utc_datetime(lead["submitted_at"])
        assert isinstance(lead["answers"], list)
        assert isinstance(lead["contact"], dict)
        assert "futureTopLevel" not in lead, "fields outside the schema are left out"


def test_readable_fields_of_a_lead_without_form_response_are_empty_not_missing(
    tmp_path: Path, data: SandboxData
) -> None:
    rewrites = ElementRewrites({"leadFormResponses": _set(formResponse=None, leadMetadata=None)})

    run = _sync_through_proxy(tmp_path, data, rewrites)

    assert run.returncode == 0, run.stderr[-3000:]
    changed = set(rewrites.changed["leadFormResponses"])
    leads = [r for r in run.records("lead_form_responses") if r["id"] in changed]
    assert len(leads) == len(changed)
    for lead in leads:
        assert lead["formResponse"] is None
        assert lead["answers"] == []
        assert lead["consents"] == []
        assert lead["contact"] == {}
        assert lead["campaign_id"] is None
        assert isinstance(lead["form_id"], int), "still joined to its form"


# Elements that cannot become a record


def _replace_page(endpoint: str, call: int, rewrite: Callable[[Json], Json]) -> Rewrite:
    """Rewrite the body of the ``call``-th answer from ``endpoint`` only."""

    def apply(seen_endpoint: str, seen_call: int, body: Json) -> Json:
        if (seen_endpoint, seen_call) == (endpoint, call):
            return rewrite(body)
        return body

    return apply


def _first_later_lead_page(rewrite: Callable[[Json], Json]) -> Rewrite:
    """Rewrite the first full lead page after an owner's first page that is answered.

    With requests in flight together, the order of calls is not fixed; this page is still
    one of the first owner's, so that owner's first page of leads is already out.
    """
    done = threading.Event()

    def apply(seen_endpoint: str, seen_call: int, body: Json) -> Json:
        del seen_call
        later = (
            seen_endpoint == "leadFormResponses"
            and body["paging"]["start"] > 0
            and len(body["elements"]) == PAGE_SIZE
        )
        if later and not done.is_set():
            done.set()
            return rewrite(body)
        return body

    return apply


def _element_at(position: int, value: Json) -> Callable[[Json], Json]:
    def rewrite(body: Json) -> Json:
        body["elements"][position] = value
        return body

    return rewrite


@pytest.mark.parametrize(
    ("value", "kind"),
    [("a string", "str"), (42, "int"), (None, "NoneType"), ([{"id": "x"}], "list")],
    ids=["string", "number", "null", "array"],
)
def test_a_lead_that_is_not_an_object_stops_the_sync_naming_it(
    tmp_path: Path, data: SandboxData, value: Json, kind: str
) -> None:
    # A later page, third element: the first page's leads are already out.
    run = _sync_through_proxy(tmp_path, data, _first_later_lead_page(_element_at(2, value)))

    assert run.returncode != 0
    assert (
        f"leadFormResponses: element 2 of the page is a {kind}, not an object, "
        "so it cannot be synced." in run.stderr
    )
    state = run.last_state or {}
    partitions = state.get("bookmarks", {}).get("lead_form_responses", {}).get("partitions", [])
    assert not any("replication_key_value" in p for p in partitions), (
        "the account's bookmark does not move past the unread lead"
    )


@pytest.mark.parametrize("endpoint", ["adAccounts", "adCampaigns", "leadForms"])
def test_other_elements_that_are_not_objects_are_named_too(
    tmp_path: Path, data: SandboxData, endpoint: str
) -> None:
    run = _sync_through_proxy(tmp_path, data, _replace_page(endpoint, 1, _element_at(0, "x")))

    assert run.returncode != 0
    assert f"{endpoint}: element 0 of the page is a str, not an object" in run.stderr


def test_elements_that_are_not_a_list_are_named(tmp_path: Path, data: SandboxData) -> None:
    def rewrite(body: Json) -> Json:
        body["elements"] = {"0": body["elements"][0]}
        return body

    run = _sync_through_proxy(tmp_path, data, _replace_page("leadFormResponses", 2, rewrite))

    assert run.returncode != 0
    assert "leadFormResponses: `elements` in LinkedIn's answer is not a list." in run.stderr


@pytest.mark.parametrize(
    "rewrite",
    [
        lambda body: body["elements"],
        lambda body: {**body, "elements": None},
        lambda body: {k: v for k, v in body.items() if k != "elements"},
    ],
    ids=["page-is-an-array", "elements-null", "elements-missing"],
)
def test_a_lead_page_without_readable_elements_is_an_error_not_an_empty_page(
    tmp_path: Path, data: SandboxData, rewrite: Callable[[Json], Json]
) -> None:
    # Page 2 holds nine leads; reading it as empty would lose them while the account's
    # bookmark moves past them (page 1 has the newest leads).
    run = _sync_through_proxy(tmp_path, data, _replace_page("leadFormResponses", 2, rewrite))

    assert run.returncode != 0, "leads would be lost without a word"
    errors = [line.split("| ", 3)[3] for line in run.stderr.splitlines() if "| ERROR" in line]
    assert errors == ["leadFormResponses: LinkedIn's answer has no `elements` list."]


def test_a_lead_without_an_id_is_named_in_an_error(tmp_path: Path, data: SandboxData) -> None:
    removed: dict[str, t.Any] = {}

    def rewrite(body: Json) -> Json:
        removed.update(body["elements"][1])
        del body["elements"][1]["id"]
        return body

    run = _sync_through_proxy(tmp_path, data, _replace_page("leadFormResponses", 1, rewrite))

    assert run.returncode != 0, "a lead without its key cannot be synced"
    assert all("id" in lead for lead in run.records("lead_form_responses"))
    errors = [line for line in run.stderr.splitlines() if "ERROR" in line and "`id`" in line]
    assert len(errors) == 1, run.stderr[-2000:]
    # Named by what identifies it without personal data: owner, form and submission time.
    form_id = removed["versionedLeadGenFormUrn"].split("leadGenForm:")[1].split(",")[0]
    account_id = removed["owner"]["sponsoredAccount"].rsplit(":", 1)[1]
    for detail in (form_id, account_id, format_submitted_at(removed["submittedAt"])):
        assert detail in errors[0]
