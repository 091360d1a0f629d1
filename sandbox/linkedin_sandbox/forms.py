"""Synthetic lead forms with several versions, shaped like LinkedIn's ``leadForms`` elements.

A form's questions change between versions the way they do when an advertiser edits a live
form: an option is added to a multiple-choice question (same ``questionId``), a custom
question is swapped for another (new ``questionId``), or a predefined field is added. Leads
answer the questions of the version that was current when they were submitted, so a client
that joins answers to only the *latest* form version will meet unknown question ids.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from linkedin_sandbox import fakes

if TYPE_CHECKING:
    import random

JsonDict = dict[str, Any]

SPONSORED = "SPONSORED"
ORGANIC_LEAD_TYPES = ("COMPANY", "EVENT", "ORGANIZATION_PRODUCT")


@dataclass
class FormRecord:
    """Everything the sandbox knows about one lead form.

    Attributes:
        form_id: The form id (19 digits for organization-owned forms).
        owner_kind: ``sponsoredAccount`` or ``organization``.
        owner_id: Numeric id of the owner.
        lead_type: The lead type its responses carry.
        state: PUBLISHED, ARCHIVED or DRAFT.
        versions: Version dicts as the API returns them; ``versions[v - 1]`` has versionId v.
        version_starts: Epoch ms at which each version became current.
        campaigns: Campaign ids that drive traffic to the form (sponsored forms).
        creatives: Creative ids per campaign, parallel to ``campaigns``.
        event_id: Event id for EVENT forms.
    """

    form_id: int
    owner_kind: str
    owner_id: int
    lead_type: str
    state: str
    versions: list[JsonDict] = field(default_factory=list)
    version_starts: list[int] = field(default_factory=list)
    campaigns: tuple[int, ...] = ()
    creatives: tuple[tuple[int, ...], ...] = ()
    event_id: int | None = None

    @property
    def owner_urn(self) -> str:
        """The owner as a URN, e.g. ``urn:li:sponsoredAccount:512345678``."""
        return f"urn:li:{self.owner_kind}:{self.owner_id}"

    @property
    def latest(self) -> JsonDict:
        """The current version, which is what ``GET /leadForms`` returns."""
        return self.versions[-1]


def _localized(texts: dict[str, str], locale: tuple[str, str]) -> JsonDict:
    country, language = locale
    return {"localized": {f"{language}_{country}": texts[language]}}


class _QuestionIds:
    """Hands out question ids unique within one form (across all its versions)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[int] = set()

    def next(self) -> int:
        while True:
            candidate = self.rng.randint(100_000_000, 999_999_999)
            if candidate not in self.used:
                self.used.add(candidate)
                return candidate


def _predefined_question(
    qid: int, predefined: str, locale: tuple[str, str], *, required: bool
) -> JsonDict:
    labels = fakes.PREDEFINED_LABELS[predefined]
    return {
        "questionId": qid,
        "name": labels["en"],
        "question": _localized(labels, locale),
        "questionDetails": {"textQuestionDetails": {"maxResponseLength": 300}},
        "predefinedField": predefined,
        "responseRequired": required,
        "responseEditable": True,
    }


def _text_question(qid: int, template: int, locale: tuple[str, str]) -> JsonDict:
    name, texts = fakes.TEXT_QUESTIONS[template]
    return {
        "questionId": qid,
        "name": name,
        "question": _localized(texts, locale),
        "questionDetails": {"textQuestionDetails": {"maxResponseLength": 500}},
        "responseRequired": False,
        "responseEditable": True,
    }


def _choice_question(qid: int, template: int, locale: tuple[str, str]) -> JsonDict:
    name, texts, options = fakes.CHOICE_QUESTIONS[template]
    return {
        "questionId": qid,
        "name": name,
        "question": _localized(texts, locale),
        "questionDetails": {
            "multipleChoiceQuestionDetails": {
                "options": [
                    {"id": index, "text": _localized(option, locale)}
                    for index, option in enumerate(options)
                ]
            }
        },
        "responseRequired": True,
        "responseEditable": True,
    }


def _first_version_questions(
    rng: random.Random, ids: _QuestionIds, locale: tuple[str, str]
) -> list[JsonDict]:
    questions = [
        _predefined_question(ids.next(), "FIRST_NAME", locale, required=True),
        _predefined_question(ids.next(), "LAST_NAME", locale, required=True),
        _predefined_question(
            ids.next(), rng.choice(("EMAIL", "WORK_EMAIL")), locale, required=True
        ),
    ]
    optional = rng.sample(fakes.OPTIONAL_PREDEFINED, rng.randint(1, 3))
    questions.extend(
        _predefined_question(ids.next(), name, locale, required=rng.random() < 0.5)
        for name in sorted(optional, key=fakes.OPTIONAL_PREDEFINED.index)
    )
    questions.append(
        _choice_question(ids.next(), rng.randrange(len(fakes.CHOICE_QUESTIONS)), locale)
    )
    if rng.random() < 0.7:
        questions.append(
            _text_question(ids.next(), rng.randrange(len(fakes.TEXT_QUESTIONS)), locale)
        )
    return questions


def _evolve_questions(
    previous: list[JsonDict],
    change: int,
    rng: random.Random,
    ids: _QuestionIds,
    locale: tuple[str, str],
) -> list[JsonDict]:
    """Apply one advertiser edit to a question list, returning a new list."""
    questions = copy.deepcopy(previous)
    kind = change % 3
    if kind == 0:
        # Extend the option set of the multiple-choice question; its questionId stays.
        for question in questions:
            details = question["questionDetails"].get("multipleChoiceQuestionDetails")
            if details is not None:
                options = details["options"]
                extra = fakes.EXTRA_OPTIONS[len(options) % len(fakes.EXTRA_OPTIONS)]
                options.append({"id": len(options), "text": _localized(extra, locale)})
                return questions
    if kind == 1:
        # Swap the custom text question for a different one (a new questionId).
        for index, question in enumerate(questions):
            if "textQuestionDetails" in question["questionDetails"] and (
                "predefinedField" not in question
            ):
                current = [t[0] for t in fakes.TEXT_QUESTIONS].index(question["name"])
                template = (current + 1) % len(fakes.TEXT_QUESTIONS)
                questions[index] = _text_question(ids.next(), template, locale)
                return questions
        questions.append(_text_question(ids.next(), rng.randrange(3), locale))
        return questions
    # Add a predefined field the form did not ask for yet.
    present = {q.get("predefinedField") for q in questions}
    missing = [name for name in fakes.OPTIONAL_PREDEFINED if name not in present]
    if missing:
        new = _predefined_question(ids.next(), rng.choice(missing), locale, required=False)
        questions.insert(3, new)
    else:
        questions.append(_text_question(ids.next(), rng.randrange(3), locale))
    return questions


def build_form(
    rng: random.Random,
    *,
    form_id: int,
    owner_kind: str,
    owner_id: int,
    lead_type: str,
    state: str,
    name: str,
    created_ms: int,
    version_starts: list[int],
) -> FormRecord:
    """Generate one form with ``len(version_starts)`` versions.

    Args:
        rng: Random source (consumed deterministically).
        form_id: The form id.
        owner_kind: ``sponsoredAccount`` or ``organization``.
        owner_id: The owner's numeric id.
        lead_type: Lead type of its responses.
        state: Lifecycle state of the form.
        name: Owner-given form name.
        created_ms: Creation time, epoch ms.
        version_starts: When each version became current (first == ``created_ms``).

    Returns:
        The form record with all versions built.
    """
    locale = rng.choice(fakes.LOCALES)
    ids = _QuestionIds(rng)
    consents = [
        {"id": index, "checkRequired": index == 0 and rng.random() < 0.5,
         "consent": _localized(text, locale)}
        for index, text in enumerate(fakes.CONSENTS[: rng.randint(0, 2)])
    ]  # fmt: skip
    hidden = [{"name": "utm_source", "value": "linkedin"}] if rng.random() < 0.5 else []
    legal_id = rng.randint(10_000_000, 99_999_999)
    call_to_action = rng.choice(fakes.CALL_TO_ACTIONS)
    review_status = "APPROVED" if rng.random() < 0.8 else "NEEDS_REVIEW"
    record = FormRecord(
        form_id=form_id,
        owner_kind=owner_kind,
        owner_id=owner_id,
        lead_type=lead_type,
        state=state,
        version_starts=list(version_starts),
    )
    questions = _first_version_questions(rng, ids, locale)
    first_change = rng.randrange(3)
    for number, started in enumerate(version_starts, start=1):
        if number > 1:
            questions = _evolve_questions(questions, first_change + number - 2, rng, ids, locale)
        version: JsonDict = {
            "id": form_id,
            "versionId": number,
            "name": name,
            "state": state,
            "owner": {owner_kind: f"urn:li:{owner_kind}:{owner_id}"},
            "created": created_ms,
            "lastModified": started,
            "creationLocale": {"country": locale[0], "language": locale[1]},
        }
        if state != "DRAFT":
            # A draft has never been submitted for review, so it has no reviewInfo.
            version["reviewInfo"] = {
                "reviewStatus": review_status,
                "rejectionReasons": [],
                "lastUpdated": started + 3_600_000,
            }
        version["hiddenFields"] = copy.deepcopy(hidden)
        version["content"] = {
            "headline": _localized(fakes.HEADLINES, locale),
            "description": _localized(fakes.DESCRIPTIONS, locale),
            "questions": copy.deepcopy(questions),
            "legalInfo": {
                "legalInfoId": legal_id,
                "privacyPolicyUrl": "https://www.example.com/privacy",
                "legalDisclaimer": _localized(fakes.DISCLAIMER, locale),
                "consents": copy.deepcopy(consents),
            },
            "postSubmissionInfo": {
                "message": _localized(fakes.THANKS, locale),
                "callToAction": {
                    "callToActionLabel": call_to_action,
                    "callToActionTarget": {"landingPageUrl": "https://www.example.com/thanks"},
                },
            },
        }
        record.versions.append(version)
    return record
