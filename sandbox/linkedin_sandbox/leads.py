"""Build ``leadFormResponses`` elements on demand from a few stored numbers per lead.

Storing a million lead dicts would take gigabytes. The sandbox keeps only each lead's
submission time, form and test flag (see :mod:`linkedin_sandbox.store`) and derives
everything else — id, submitter, answers, campaign, creative — from a BLAKE2b digest of
``(data seed, lead index)``. Building the same lead twice therefore gives the same dict, and
no per-lead ``random.Random`` has to be seeded (which would cost more than the lead itself).
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from linkedin_sandbox import fakes
from linkedin_sandbox.forms import SPONSORED, FormRecord

JsonDict = dict[str, Any]


_DIGEST_SIZE = 64
_FIXED_BYTES = 24  # 16 for the uuid, 1 for its suffix, 7 for the submitter


def _digest(data_seed: int, index: int) -> bytes:
    return hashlib.blake2b(f"{data_seed}:{index}".encode(), digest_size=_DIGEST_SIZE).digest()


def _draws(digest: bytes) -> Iterator[int]:
    """Bytes (0-255) for deterministic choices: the digest's tail, then re-hashes of it."""
    yield from digest[_FIXED_BYTES:]
    block = digest
    while True:
        block = hashlib.blake2b(block, digest_size=_DIGEST_SIZE).digest()
        yield from block


Draw = Callable[[], int]


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


def _answer_for(question: JsonDict, person: dict[str, str], draw: Draw) -> JsonDict:
    details = question["questionDetails"]
    choice = details.get("multipleChoiceQuestionDetails")
    if choice is not None:
        options = choice["options"]
        option = options[draw() % len(options)]["id"]
        answer: JsonDict = {"multipleChoiceAnswer": {"options": [option]}}
    else:
        predefined = question.get("predefinedField")
        text = person.get(predefined) if predefined else None
        if text is None:
            text = fakes.FREE_TEXT_ANSWERS[draw() % len(fakes.FREE_TEXT_ANSWERS)]
        answer = {"textQuestionAnswer": {"answer": text}}
    return {"questionId": question["questionId"], "answerDetails": answer}


def _person(draw: Draw) -> dict[str, str]:
    first = fakes.FIRST_NAMES[draw() % len(fakes.FIRST_NAMES)]
    last = fakes.LAST_NAMES[draw() % len(fakes.LAST_NAMES)]
    company = fakes.COMPANIES[draw() % len(fakes.COMPANIES)]
    number = ((draw() << 8) | draw()) % 1000
    handle = f"{first}.{last}{number}".lower()
    return {
        "FIRST_NAME": first,
        "LAST_NAME": last,
        "EMAIL": f"{handle}@example.com",
        "WORK_EMAIL": f"{handle}@example.org",
        "COMPANY_NAME": company,
        "JOB_TITLE": fakes.JOB_TITLES[draw() % len(fakes.JOB_TITLES)],
        "PHONE_NUMBER": f"+1-202-555-01{draw() % 100:02d}",
        "COUNTRY": fakes.COUNTRIES[draw() % len(fakes.COUNTRIES)],
        "CITY": fakes.CITIES[draw() % len(fakes.CITIES)],
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
    digest = _digest(data_seed, index)
    draw = _draws(digest).__next__
    version_id = version_at(form, submitted_at)
    version = form.versions[version_id - 1]
    person = _person(draw)
    submitter = base64.urlsafe_b64encode(digest[17:_FIXED_BYTES]).decode()[:10]
    answers = [
        _answer_for(question, person, draw)
        for question in version["content"]["questions"]
        if question["responseRequired"] or draw() < 205  # ~80% answer optional questions
    ]
    consents = [
        {"consentId": consent["id"], "accepted": consent["checkRequired"] or draw() < 154}
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
        pick = draw() % len(form.campaigns)
        creatives = form.creatives[pick]
        creative = creatives[draw() % len(creatives)]
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
