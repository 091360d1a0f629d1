"""Readable leads: answers joined to the questions of the form version they were given on.

Adds ``form_name``, labelled ``answers``, ``consents``, ``hidden_fields`` and a ``contact``
object with one property per LinkedIn predefined field. The raw ``formResponse`` stays.
"""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from tap_linkedin_leads.forms import CompiledForm, CompiledQuestion

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


# The JSON here is read with inline ``type(x) is dict`` / ``type(x) is int`` checks on purpose,
# not with payload.dig() and payload.json_int() as elsewhere: this code runs for every answer of
# every lead, where a function call per check adds up.
_NO_QUESTIONS: dict[int, CompiledQuestion] = {}
_NO_CONSENTS: dict[int, str | None] = {}


def _answer_parts(
    details: object, question: CompiledQuestion | None
) -> tuple[str | None, list[t.Any] | None, list[str | None] | None]:
    """(text, selected option ids, their labels) of one ``answerDetails``."""
    if type(details) is not dict:
        return None, None, None
    text = None
    text_answer = details.get("textQuestionAnswer")
    if type(text_answer) is dict:
        text = text_answer.get("answer")
        if type(text) is not str:
            text = None
    choice = details.get("multipleChoiceAnswer")
    option_ids = choice.get("options") if type(choice) is dict else None
    if type(option_ids) is not list:
        return text, None, None
    if question is None:
        return text, option_ids, [None] * len(option_ids)
    options = question.options
    return text, option_ids, [options.get(o) if type(o) is int else None for o in option_ids]


def resolve_answers(
    record: dict[str, t.Any],
    form: CompiledForm | None,
) -> list[int]:
    """Add the readable fields to ``record``; return question ids the form does not know.

    An answer whose question is unknown keeps its raw id and value; the caller warns,
    naming the form (never the answer, which is personal data). This runs once per lead,
    so it checks types with ``type(...) is`` and looks each question up once.
    """
    response = record.get("formResponse")
    if type(response) is not dict:
        response = {}
    questions = form.questions if form is not None else _NO_QUESTIONS
    answers: list[dict[str, t.Any]] = []
    contact: dict[str, str | None] = {}
    unknown: list[int] = []
    for answer in response.get("answers") or ():
        if type(answer) is not dict:
            continue
        question_id = answer.get("questionId")
        question = questions.get(question_id) if type(question_id) is int else None
        text, option_ids, labels = _answer_parts(answer.get("answerDetails"), question)
        if question is None:
            if type(question_id) is int:
                unknown.append(question_id)
            answers.append(
                {
                    "question_id": question_id,
                    "question_name": None,
                    "question_text": None,
                    "predefined_field": None,
                    "answer_text": text,
                    "selected_option_ids": option_ids,
                    "selected_options": labels,
                }
            )
            continue
        answers.append(
            {
                "question_id": question_id,
                "question_name": question.name,
                "question_text": question.text,
                "predefined_field": question.predefined_field,
                "answer_text": text,
                "selected_option_ids": option_ids,
                "selected_options": labels,
            }
        )
        if question.contact_key is not None:
            value = text
            if value is None and labels:
                value = ", ".join(label for label in labels if label)
            contact[question.contact_key] = value
    record["form_name"] = form.name if form is not None else None
    record["answers"] = answers
    record["consents"] = _consents(response, form.consents if form is not None else _NO_CONSENTS)
    record["hidden_fields"] = list(form.hidden_fields) if form is not None else []
    record["contact"] = contact
    return unknown


def _consents(response: dict[str, t.Any], texts: dict[int, str | None]) -> list[dict[str, t.Any]]:
    """``consentResponses`` with the text of each consent."""
    return [
        {
            "consent_id": item.get("consentId"),
            "consent_text": texts.get(item["consentId"])
            if type(item.get("consentId")) is int
            else None,
            "accepted": item.get("accepted"),
        }
        for item in response.get("consentResponses") or ()
        if type(item) is dict
    ]
