"""Readable leads: answers joined to the questions of the form version they were given on.

Adds ``form_name``, labelled ``answers``, ``consents``, ``hidden_fields`` and a ``contact``
object with one property per LinkedIn predefined field. The raw ``formResponse`` stays.
"""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from tap_linkedin_leads.forms import CompiledForm

__all__ = ["PREDEFINED_FIELDS", "contact_key", "resolve_answers"]

#: LinkedIn's ``predefinedField`` values (standard questions whose answer LinkedIn can
#: prefill from the member's profile). Values LinkedIn adds later still land in
#: ``contact`` under their lower-cased name.
PREDEFINED_FIELDS: tuple[str, ...] = (
    "FIRST_NAME",
    "LAST_NAME",
    "EMAIL",
    "WORK_EMAIL",
    "PHONE_NUMBER",
    "WORK_PHONE_NUMBER",
    "COMPANY_NAME",
    "COMPANY_SIZE",
    "JOB_TITLE",
    "JOB_FUNCTION",
    "SENIORITY",
    "INDUSTRY",
    "CITY",
    "STATE",
    "COUNTRY",
    "ZIP_CODE",
    "GENDER",
    "DEGREE",
    "FIELD_OF_STUDY",
    "SCHOOL",
    "START_DATE",
    "GRADUATION_DATE",
    "LINKEDIN_PROFILE_LINK",
)


def contact_key(predefined_field: str) -> str:
    """``WORK_EMAIL`` -> ``work_email``."""
    return predefined_field.lower()


def _dict(value: object) -> dict[str, t.Any]:
    return value if isinstance(value, dict) else {}


def resolve_answers(
    record: dict[str, t.Any],
    form: CompiledForm | None,
) -> list[int]:
    """Add the readable fields to ``record``; return question ids the form does not know.

    An answer whose question is unknown keeps its raw id and value; the caller warns,
    naming the form (never the answer, which is personal data).
    """
    response = _dict(record.get("formResponse"))
    questions = form.questions if form else {}
    answers: list[dict[str, t.Any]] = []
    contact: dict[str, str | None] = {}
    unknown: list[int] = []
    for answer in response.get("answers") or []:
        if not isinstance(answer, dict):
            continue
        question_id = answer.get("questionId")
        question = questions.get(question_id) if isinstance(question_id, int) else None
        if question is None and isinstance(question_id, int):
            unknown.append(question_id)
        details = _dict(answer.get("answerDetails"))
        text = _dict(details.get("textQuestionAnswer")).get("answer")
        choice = details.get("multipleChoiceAnswer")
        option_ids = _dict(choice).get("options") if choice is not None else None
        labels = None
        if isinstance(option_ids, list):
            labels = [question.options.get(o) if question else None for o in option_ids]
        predefined = question.predefined_field if question else None
        answers.append(
            {
                "question_id": question_id,
                "question_name": question.name if question else None,
                "question_text": question.text if question else None,
                "predefined_field": predefined,
                "answer_text": text if isinstance(text, str) else None,
                "selected_option_ids": option_ids if isinstance(option_ids, list) else None,
                "selected_options": labels,
            }
        )
        if predefined:
            value = text if isinstance(text, str) else None
            if value is None and labels:
                value = ", ".join(label for label in labels if label)
            contact[contact_key(predefined)] = value
    consent_texts = form.consents if form else {}
    record["form_name"] = form.name if form else None
    record["answers"] = answers
    record["consents"] = [
        {
            "consent_id": item.get("consentId"),
            "consent_text": consent_texts.get(item.get("consentId")),  # type: ignore[arg-type]
            "accepted": item.get("accepted"),
        }
        for item in response.get("consentResponses") or []
        if isinstance(item, dict)
    ]
    record["hidden_fields"] = list(form.hidden_fields) if form else []
    record["contact"] = contact
    return unknown
