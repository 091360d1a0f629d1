"""The benchmark's baselines: minimal hand-written LinkedIn Lead Sync clients.

Two clients, each the least work a client producing its output must do, with ``requests``
and the standard ``json`` module, written for this benchmark (not the tap's code):

``--output raw``
    The ad account search, then per account the ``leadFormResponses`` finder with no
    ``fields`` projection, ``count=1000``, ``start`` advancing by ``count`` to
    ``paging.total``; every (non-test) lead written as it came, one Singer RECORD line each.

``--output readable``
    The same output as the tap's lead records: it also reads each account's ``leadForms``
    (the latest version of each form), reads each other form version once, as one lead of
    that version alone with its form embedded (``GET /leadFormResponses/{id}`` with a
    ``form:(...)`` projection), and resolves every lead: answers labelled in the form's
    creation locale, ``contact``, ``consents``, ``hidden_fields``, ``form_name``,
    ``form_version``, ``campaign_id``, ``submitted_at`` and the owner ids.

Usage (the tap's config file; ``start_date`` and ``end_date`` are required)::

    python benchmarks/baseline_client.py --config config.json --output raw > records.jsonl
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import typing as t
from pathlib import Path
from urllib.parse import quote

import requests

if t.TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

Json = dict[str, t.Any]

#: ``pageSize`` of the ad account search (LinkedIn's default; the tap sends the same).
SEARCH_PAGE_SIZE = 100
#: What a lead read by id is asked for when its form version is needed.
FORM_OF_LEAD = (
    "id,versionedLeadGenFormUrn,form:(id,versionId,name,creationLocale,hiddenFields,content)"
)
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def epoch_ms(value: str) -> int:
    """ISO 8601 date-time (``Z`` or offset) -> epoch milliseconds."""
    moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return int(moment.timestamp() * 1000)


class RawClient:
    """Accounts, then every account's leads as LinkedIn sends them."""

    stream = "lead_form_responses"

    def __init__(self, config: Json, out: t.TextIO) -> None:
        self.api = str(config["api_url"]).rstrip("/")
        self.config = config
        self.page_size = int(config.get("page_size", 1000))
        self.window = (epoch_ms(config["start_date"]), epoch_ms(config["end_date"]))
        self.out = out
        self.session = requests.Session()
        self.session.headers.update(
            {
                "LinkedIn-Version": str(config["api_version"]),
                "X-Restli-Protocol-Version": "2.0.0",
            }
        )

    def authenticate(self) -> None:
        response = self.session.post(
            self.config["oauth_token_url"],
            data={
                "grant_type": "refresh_token",
                "refresh_token": self.config["refresh_token"],
                "client_id": self.config["client_id"],
                "client_secret": self.config["client_secret"],
            },
            timeout=60,
        )
        response.raise_for_status()
        self.session.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    def get(self, path: str, query: str) -> Json:
        response = self.session.get(f"{self.api}{path}?{query}", timeout=120)
        response.raise_for_status()
        body: Json = json.loads(response.content)
        return body

    def account_ids(self) -> list[int]:
        """The ad account search, page by page (``pageToken``)."""
        ids: list[int] = []
        query = f"q=search&pageSize={SEARCH_PAGE_SIZE}"
        token: str | None = None
        while True:
            body = self.get("/adAccounts", query if token is None else f"{query}&pageToken={token}")
            ids += [int(account["id"]) for account in body.get("elements", [])]
            token = (body.get("metadata") or {}).get("nextPageToken")
            if not token:
                return ids

    def offset_pages(self, path: str, query: str) -> Iterator[list[Json]]:
        """``start`` advances by ``count`` while below ``paging.total``."""
        start = 0
        while True:
            body = self.get(path, f"{query}&start={start}&count={self.page_size}")
            yield body.get("elements", [])
            start += self.page_size
            if start >= int(body.get("paging", {}).get("total", 0)):
                return

    def lead_pages(self, owner: str) -> Iterator[list[Json]]:
        start_ms, end_ms = self.window
        query = (
            f"q=owner&owner={owner}&leadType=(leadType:SPONSORED)&limitedToTestLeads=false"
            f"&submittedAtTimeRange=(start:{start_ms},end:{end_ms})"
        )
        for page in self.offset_pages("/leadFormResponses", query):
            yield [lead for lead in page if lead.get("testLead") is not True]

    def emit(self, records: list[Json]) -> None:
        extracted = datetime.datetime.now(datetime.timezone.utc).isoformat()
        write = self.out.write
        for record in records:
            message = {
                "type": "RECORD",
                "stream": self.stream,
                "record": record,
                "time_extracted": extracted,
            }
            write(json.dumps(message, separators=(",", ":")) + "\n")

    def sync_account(self, account_id: int) -> None:
        for page in self.lead_pages(owner_param(account_id)):
            self.emit(page)

    def run(self) -> None:
        self.authenticate()
        for account_id in self.account_ids():
            self.sync_account(account_id)
        self.out.flush()


def owner_param(account_id: int) -> str:
    """``owner=`` value for an ad account, Rest.li 2.0 encoded."""
    return f"(sponsoredAccount:{quote(f'urn:li:sponsoredAccount:{account_id}', safe='')})"


def localized(value: object, locale: str | None) -> str | None:
    """A MultiLocaleString in ``locale``, else its preferred locale, else any."""
    if not isinstance(value, dict) or not isinstance(value.get("localized"), dict):
        return None
    texts = value["localized"]
    if locale in texts:
        return str(texts[locale])
    preferred = value.get("preferredLocale") or {}
    key = f"{preferred.get('language')}_{preferred.get('country')}"
    if key in texts:
        return str(texts[key])
    return next(iter(texts.values()), None)


class Version:
    """One form version, reduced to what labelling answers needs."""

    def __init__(self, form: Json) -> None:
        creation = form.get("creationLocale") or {}
        locale = f"{creation.get('language')}_{creation.get('country')}"
        content = form.get("content") or {}
        self.name = form.get("name")
        self.questions: dict[int, tuple[str | None, str | None, str | None, dict[int, t.Any]]] = {}
        for question in content.get("questions") or []:
            choice = (question.get("questionDetails") or {}).get("multipleChoiceQuestionDetails")
            options = {
                option["id"]: localized(option.get("text"), locale)
                for option in (choice or {}).get("options") or []
            }
            self.questions[question["questionId"]] = (
                question.get("name"),
                localized(question.get("question"), locale),
                question.get("predefinedField"),
                options,
            )
        consents = (content.get("legalInfo") or {}).get("consents") or []
        self.consents = {c["id"]: localized(c.get("consent"), locale) for c in consents}
        self.hidden = [
            {"name": h.get("name"), "value": h.get("value")} for h in form.get("hiddenFields") or []
        ]


def form_version(urn: str) -> tuple[int, int]:
    """``urn:li:versionedLeadGenForm:(urn:li:leadGenForm:<id>,<version>)`` -> (id, version)."""
    form_id, version = urn.rsplit("leadGenForm:", 1)[1].rstrip(")").split(",")
    return int(form_id), int(version)


def urn_id(urn: str | None) -> int | None:
    return int(urn.rsplit(":", 1)[1]) if urn else None


class ReadableClient(RawClient):
    """The raw client plus forms, older versions read once each, and readable fields."""

    def __init__(self, config: Json, out: t.TextIO) -> None:
        super().__init__(config, out)
        self.versions: dict[tuple[int, int], Version] = {}
        self.latest: dict[int, Version] = {}
        self.versions_read: set[tuple[int, int]] = set()

    def sync_account(self, account_id: int) -> None:
        owner = owner_param(account_id)
        for page in self.offset_pages("/leadForms", f"q=owner&owner={owner}"):
            for form in page:
                version = Version(form)
                self.versions[(form["id"], form["versionId"])] = version
                self.latest[form["id"]] = version
        for page in self.lead_pages(owner):
            self.emit([self.readable(lead) for lead in page])

    def version_of(self, lead: Json) -> tuple[int, int, Version | None]:
        form_id, number = form_version(lead["versionedLeadGenFormUrn"])
        version = self.versions.get((form_id, number))
        if (
            version is None
            and form_id in self.latest
            and (form_id, number) not in self.versions_read
        ):
            self.versions_read.add((form_id, number))
            lead_id = quote(lead["id"], safe="")
            response = self.session.get(
                f"{self.api}/leadFormResponses/{lead_id}?fields={FORM_OF_LEAD}", timeout=120
            )
            embedded = json.loads(response.content).get("form") if response.ok else None
            if embedded and embedded.get("content"):
                version = self.versions[(form_id, number)] = Version(embedded)
        return form_id, number, version or self.latest.get(form_id)

    def readable(self, lead: Json) -> Json:
        form_id, number, version = self.version_of(lead)
        questions = version.questions if version else {}
        answers = []
        contact: dict[str, str | None] = {}
        response = lead.get("formResponse") or {}
        for answer in response.get("answers") or []:
            question_id = answer["questionId"]
            name, text, predefined, options = questions.get(question_id, (None, None, None, {}))
            details = answer.get("answerDetails") or {}
            typed = (details.get("textQuestionAnswer") or {}).get("answer")
            chosen = (details.get("multipleChoiceAnswer") or {}).get("options")
            labels = [options.get(o) for o in chosen] if chosen is not None else None
            answers.append(
                {
                    "question_id": question_id,
                    "question_name": name,
                    "question_text": text,
                    "predefined_field": predefined,
                    "answer_text": typed,
                    "selected_option_ids": chosen,
                    "selected_options": labels,
                }
            )
            if predefined:
                contact[predefined.lower()] = (
                    typed if typed is not None else ", ".join(x for x in labels or [] if x)
                )
        consents = version.consents if version else {}
        submitted = lead["submittedAt"]
        owner = lead.get("owner") or {}
        campaign = ((lead.get("leadMetadata") or {}).get("sponsoredLeadMetadata") or {}).get(
            "campaign"
        )
        return {
            **lead,
            "submitted_at": (EPOCH + datetime.timedelta(milliseconds=submitted)).isoformat(
                timespec="milliseconds"
            ),
            "account_id": urn_id(owner.get("sponsoredAccount")),
            "organization_id": urn_id(owner.get("organization")),
            "form_id": form_id,
            "form_version": number,
            "campaign_id": urn_id(campaign),
            "creative_id": urn_id((lead.get("associatedEntity") or {}).get("associatedCreative")),
            "form_name": version.name if version else None,
            "answers": answers,
            "consents": [
                {
                    "consent_id": c["consentId"],
                    "consent_text": consents.get(c["consentId"]),
                    "accepted": c.get("accepted"),
                }
                for c in response.get("consentResponses") or []
            ],
            "hidden_fields": list(version.hidden) if version else [],
            "contact": contact,
        }


def main(argv: Sequence[str] | None = None) -> int:
    """Read the config, sync, exit 0."""
    parser = argparse.ArgumentParser(description="Baseline LinkedIn Lead Sync clients.")
    parser.add_argument("--config", required=True, type=Path, help="tap config JSON file")
    parser.add_argument("--output", choices=["raw", "readable"], default="raw")
    args = parser.parse_args(argv)
    config = json.loads(args.config.read_text())
    client = RawClient if args.output == "raw" else ReadableClient
    client(config, sys.stdout).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
