"""Build ``leadFormResponses`` elements on demand from a few stored numbers per lead.

Storing a million lead dicts would take gigabytes. The sandbox keeps only each lead's
submission time, form and test flag (see :mod:`tap_linkedin_leads.sandbox.data`) and derives
everything else — id, submitter, answers, campaign, creative — from a random generator seeded
with ``(data seed, lead index)``. Building the same lead twice therefore gives the same dict.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import random
import uuid
from typing import Any

from tap_linkedin_leads.sandbox import fakes
from tap_linkedin_leads.sandbox.forms import SPONSORED, FormRecord

JsonDict = dict[str, Any]


def lead_seed(data_seed: int, index: int) -> int:
    """Seed of one lead's private random generator."""
    return (abs(data_seed) << 32) + index


def _digest(data_seed: int, index: int) -> bytes:
    return hashlib.blake2b(f"{data_seed}:{index}".encode(), digest_size=24).digest()


def lead_id(data_seed: int, index: int, digest: bytes | None = None) -> str:
    """The lead's id, ``<uuid>-<n>`` like LinkedIn's (fast: no answer generation).

    Args:
        data_seed: The data set's seed.
        index: The lead's index in the data set.
        digest: The lead's digest, if already computed.

    Returns:
        The id string.
    """
    digest = digest or _digest(data_seed, index)
    return f"{uuid.UUID(bytes=digest[:16], version=4)}-{digest[16] % 9 + 1}"


def version_at(form: FormRecord, submitted_at: int) -> int:
    """The versionId that was current on ``form`` at ``submitted_at`` (epoch ms)."""
    return max(1, bisect.bisect_right(form.version_starts, submitted_at))


def versioned_form_urn(form_id: int, version_id: int) -> str:
    """``urn:li:versionedLeadGenForm:(urn:li:leadGenForm:<id>,<version>)``."""
    return f"urn:li:versionedLeadGenForm:(urn:li:leadGenForm:{form_id},{version_id})"


def _answer_for(question: JsonDict, person: dict[str, str], rng: random.Random) -> JsonDict:
    details = question["questionDetails"]
    choice = details.get("multipleChoiceQuestionDetails")
    if choice is not None:
        option = rng.choice(choice["options"])["id"]
        answer: JsonDict = {"multipleChoiceAnswer": {"options": [option]}}
    else:
        predefined = question.get("predefinedField")
        text = person.get(predefined) if predefined else None
        if text is None:
            text = rng.choice(fakes.FREE_TEXT_ANSWERS)
        answer = {"textQuestionAnswer": {"answer": text}}
    return {"questionId": question["questionId"], "answerDetails": answer}


def _person(rng: random.Random) -> dict[str, str]:
    first = rng.choice(fakes.FIRST_NAMES)
    last = rng.choice(fakes.LAST_NAMES)
    company = rng.choice(fakes.COMPANIES)
    number = rng.randrange(1000)
    handle = f"{first}.{last}{number}".lower()
    return {
        "FIRST_NAME": first,
        "LAST_NAME": last,
        "EMAIL": f"{handle}@example.com",
        "WORK_EMAIL": f"{handle}@example.org",
        "COMPANY_NAME": company,
        "JOB_TITLE": rng.choice(fakes.JOB_TITLES),
        "PHONE_NUMBER": f"+1-202-555-01{rng.randrange(100):02d}",
        "COUNTRY": rng.choice(fakes.COUNTRIES),
        "CITY": rng.choice(fakes.CITIES),
    }


def build_lead(
    data_seed: int, index: int, form: FormRecord, submitted_at: int, *, test_lead: bool
) -> JsonDict:
    """Materialise one lead exactly as ``GET /rest/leadFormResponses`` returns it.

    Args:
        data_seed: The data set's seed.
        index: The lead's index in the data set.
        form: The form it answers.
        submitted_at: Submission time, epoch ms.
        test_lead: Whether it is a test lead.

    Returns:
        The lead element.
    """
    rng = random.Random(lead_seed(data_seed, index))
    version_id = version_at(form, submitted_at)
    version = form.versions[version_id - 1]
    person = _person(rng)
    digest = _digest(data_seed, index)
    submitter = base64.urlsafe_b64encode(digest[17:24]).decode()[:10]
    answers = [
        _answer_for(question, person, rng)
        for question in version["content"]["questions"]
        if question["responseRequired"] or rng.random() < 0.8
    ]
    consents = [
        {"consentId": consent["id"], "accepted": consent["checkRequired"] or rng.random() < 0.6}
        for consent in version["content"]["legalInfo"]["consents"]
    ]
    lead: JsonDict = {
        "id": lead_id(data_seed, index, digest),
        "owner": {form.owner_kind: form.owner_urn},
        "leadType": form.lead_type,
        "versionedLeadGenFormUrn": versioned_form_urn(form.form_id, version_id),
        "submitter": f"urn:li:person:{submitter}",
        "submittedAt": submitted_at,
        "testLead": test_lead,
    }
    if form.lead_type == SPONSORED and form.campaigns:
        pick = rng.randrange(len(form.campaigns))
        creative = rng.choice(form.creatives[pick])
        lead["leadMetadata"] = {
            "sponsoredLeadMetadata": {
                "campaign": f"urn:li:sponsoredCampaign:{form.campaigns[pick]}"
            }
        }
        lead["associatedEntity"] = {"associatedCreative": f"urn:li:sponsoredCreative:{creative}"}
    elif form.event_id is not None:
        # UNCONFIRMED key: LinkedIn documents "event-type keys" for event leads without a sample.
        lead["associatedEntity"] = {"event": f"urn:li:event:{form.event_id}"}
    lead["formResponse"] = {"consentResponses": consents, "answers": answers}
    return lead
