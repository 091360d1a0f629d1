"""Lead form definitions, compiled once per form version for answer resolution.

A lead references its form by ``versionedLeadGenFormUrn``. Each (form id, version) is
compiled once per run into lookup tables (see :mod:`tap_linkedin_leads.form_catalog`), so
resolving a lead's answers costs dictionary lookups only; nothing is kept per lead.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

from tap_linkedin_leads.answers import contact_key
from tap_linkedin_leads.payload import dig, json_int

__all__ = [
    "CompiledForm",
    "CompiledQuestion",
    "localized_text",
]


def localized_text(value: object, locale_key: str | None) -> str | None:
    """Pick the text of a LinkedIn MultiLocaleString in the form's creation locale.

    Falls back to the string's own ``preferredLocale``, then to any locale present.
    """
    texts = dig(value, "localized")
    if not isinstance(texts, dict) or not texts:
        return None
    if locale_key and isinstance(texts.get(locale_key), str):
        return str(texts[locale_key])
    preferred = _locale_key(dig(value, "preferredLocale"))
    if preferred and isinstance(texts.get(preferred), str):
        return str(texts[preferred])
    first = next(iter(texts.values()))
    return first if isinstance(first, str) else None


def _locale_key(locale: object) -> str | None:
    """``{"language": "es", "country": "ES"}`` -> ``es_ES``."""
    if not isinstance(locale, dict):
        return None
    language = locale.get("language")
    country = locale.get("country")
    if isinstance(language, str) and isinstance(country, str):
        return f"{language}_{country}"
    return language if isinstance(language, str) else None


@dataclass(frozen=True)
class CompiledQuestion:
    """What an answer needs from its question."""

    question_id: int
    name: str | None
    text: str | None
    predefined_field: str | None
    #: Option id -> label, for multiple-choice questions.
    options: dict[int, str | None] = field(default_factory=dict)
    #: The ``contact`` property of a predefined field, e.g. ``work_email``.
    contact_key: str | None = None


@dataclass(frozen=True)
class CompiledForm:
    """One version of a lead form, reduced to the lookups answer resolution needs."""

    form_id: int
    version: int | None
    name: str | None
    questions: dict[int, CompiledQuestion]
    consents: dict[int, str | None]
    hidden_fields: list[dict[str, t.Any]]

    @classmethod
    def compile(cls, form: t.Mapping[str, t.Any], version: int | None = None) -> CompiledForm:
        """Build the lookups from a ``leadForms`` element (or an embedded ``form``)."""
        locale = _locale_key(form.get("creationLocale"))
        content = form.get("content")
        questions: dict[int, CompiledQuestion] = {}
        for question in dig(content, "questions") or []:
            if not isinstance(question, dict) or json_int(question.get("questionId")) is None:
                continue
            choices = dig(question, "questionDetails", "multipleChoiceQuestionDetails", "options")
            options = {
                option["id"]: localized_text(option.get("text"), locale)
                for option in choices or []
                if isinstance(option, dict) and json_int(option.get("id")) is not None
            }
            predefined = question.get("predefinedField")
            questions[question["questionId"]] = CompiledQuestion(
                question_id=question["questionId"],
                name=question.get("name") if isinstance(question.get("name"), str) else None,
                text=localized_text(question.get("question"), locale),
                predefined_field=predefined if isinstance(predefined, str) else None,
                options=options,
                contact_key=contact_key(predefined) if isinstance(predefined, str) else None,
            )
        consents = {
            consent["id"]: localized_text(consent.get("consent"), locale)
            for consent in dig(content, "legalInfo", "consents") or []
            if isinstance(consent, dict) and json_int(consent.get("id")) is not None
        }
        hidden = [
            {"name": item.get("name"), "value": item.get("value")}
            for item in form.get("hiddenFields") or []
            if isinstance(item, dict)
        ]
        return cls(
            form_id=int(form.get("id") or 0),
            version=version if version is not None else json_int(form.get("versionId")),
            name=form.get("name") if isinstance(form.get("name"), str) else None,
            questions=questions,
            consents=consents,
            hidden_fields=hidden,
        )
