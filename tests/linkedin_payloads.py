"""LinkedIn-shaped payloads for offline tests, field by field as LinkedIn's samples show."""

from __future__ import annotations

import typing as t

ACCOUNT_ID = 512345678
OTHER_ACCOUNT_ID = 523456789
FORM_ID = 7234246
BIG_FORM_ID = 6955637458260688897  # 19 digits: above 2**53


def account(account_id: int = ACCOUNT_ID, **overrides: t.Any) -> dict[str, t.Any]:
    body = {
        "id": account_id,
        "name": f"Ad Account {account_id}",
        "currency": "USD",
        "status": "ACTIVE",
        "type": "BUSINESS",
        "reference": "urn:li:organization:11223344",
        "test": False,
        "servingStatuses": ["RUNNABLE"],
        "notifiedOnCampaignOptimization": False,
        "notifiedOnCreativeApproval": False,
        "notifiedOnCreativeRejection": False,
        "notifiedOnEndOfCampaign": False,
        "notifiedOnNewFeaturesEnabled": False,
        "changeAuditStamps": {
            "created": {"time": 1600000000000},
            "lastModified": {"time": 1700000000000},
        },
        "version": {"versionTag": "2"},
    }
    body.update(overrides)
    return body


def form(form_id: int = FORM_ID, account_id: int = ACCOUNT_ID) -> dict[str, t.Any]:
    return {
        "id": form_id,
        "versionId": 1,
        "name": "Form with written spanish",
        "state": "PUBLISHED",
        "owner": {"sponsoredAccount": f"urn:li:sponsoredAccount:{account_id}"},
        "created": 1677209077832,
        "lastModified": 1677209424470,
        "creationLocale": {"country": "ES", "language": "es"},
        "reviewInfo": {
            "reviewStatus": "NEEDS_REVIEW",
            "rejectionReasons": [],
            "lastUpdated": 1677209409563,
        },
        "hiddenFields": [{"name": "hidden_field", "value": "abc678"}],
        "content": {
            "headline": {"localized": {"es_ES": "Titular"}},
            "description": {"localized": {"es_ES": "Descripcion"}},
            "questions": [
                {
                    "questionId": 107234246,
                    "name": "First name",
                    "question": {"localized": {"es_ES": "Nombre"}},
                    "questionDetails": {"textQuestionDetails": {"maxResponseLength": 300}},
                    "predefinedField": "FIRST_NAME",
                    "responseRequired": True,
                    "responseEditable": True,
                },
                {
                    "questionId": 707234246,
                    "name": "Custom question 0",
                    "question": {"localized": {"es_ES": "Color"}},
                    "questionDetails": {
                        "multipleChoiceQuestionDetails": {
                            "options": [
                                {"id": 0, "text": {"localized": {"es_ES": "Rojo"}}},
                                {"id": 1, "text": {"localized": {"es_ES": "Azul"}}},
                            ]
                        }
                    },
                    "responseRequired": True,
                    "responseEditable": True,
                },
            ],
            "legalInfo": {
                "legalInfoId": 107234246,
                "privacyPolicyUrl": "http://example.com/privacy",
                "legalDisclaimer": {"localized": {"es_ES": "Aviso"}},
                "consents": [
                    {"id": 0, "checkRequired": True, "consent": {"localized": {"es_ES": "Si"}}}
                ],
            },
            "postSubmissionInfo": {
                "message": {"localized": {"es_ES": "Gracias"}},
                "callToAction": {
                    "callToActionLabel": "VISIT_COMPANY_WEBSITE",
                    "callToActionTarget": {"landingPageUrl": "https://www.example.com"},
                },
            },
        },
    }


def lead(
    n: int,
    submitted_at: int,
    *,
    account_id: int = ACCOUNT_ID,
    form_id: int = FORM_ID,
    test_lead: bool = False,
) -> dict[str, t.Any]:
    return {
        "id": f"249592fc-d272-44ba-a7db-c2bdce579507-{n}",
        "owner": {"sponsoredAccount": f"urn:li:sponsoredAccount:{account_id}"},
        "leadType": "SPONSORED",
        "versionedLeadGenFormUrn": f"urn:li:versionedLeadGenForm:(urn:li:leadGenForm:{form_id},1)",
        "submitter": "urn:li:person:BcLKblgopR",
        "submittedAt": submitted_at,
        "testLead": test_lead,
        "leadMetadata": {
            "sponsoredLeadMetadata": {"campaign": "urn:li:sponsoredCampaign:198356826"}
        },
        "associatedEntity": {"associatedCreative": "urn:li:sponsoredCreative:241257736"},
        "formResponse": {
            "consentResponses": [{"consentId": 0, "accepted": True}],
            "answers": [
                {
                    "questionId": 307234246,
                    "answerDetails": {"textQuestionAnswer": {"answer": f"lead{n}@example.com"}},
                },
                {
                    "questionId": 707234246,
                    "answerDetails": {"multipleChoiceAnswer": {"options": [0]}},
                },
            ],
        },
    }


def collection(
    elements: list[dict[str, t.Any]],
    *,
    start: int = 0,
    count: int = 1000,
    total: int | None = None,
) -> dict[str, t.Any]:
    paging: dict[str, t.Any] = {"start": start, "count": count, "links": []}
    if total is not None:
        paging["total"] = total
    return {"paging": paging, "elements": elements}


def error_body(
    status: int,
    message: str,
    *,
    code: str | None = None,
    service_error_code: int | None = None,
) -> dict[str, t.Any]:
    """LinkedIn's error envelope: ``status`` and ``message``, with ``code`` and
    ``serviceErrorCode`` only when given (older answers carry one, the other or neither)."""
    body: dict[str, t.Any] = {"status": status, "message": message}
    if code is not None:
        body["code"] = code
    if service_error_code is not None:
        body["serviceErrorCode"] = service_error_code
    return body


def version_not_active(version: str = "202401") -> dict[str, t.Any]:
    """LinkedIn's 426 body for a ``LinkedIn-Version`` it does not serve (retired or unreleased)."""
    return error_body(
        426, f"Requested version {version}01 is not active", code="NONEXISTENT_VERSION"
    )


def access_denied(resource: str = "leadFormResponses.FINDER-owner.20240101") -> dict[str, t.Any]:
    """LinkedIn's 403 when the token lacks the scope or the member the role ``resource`` needs."""
    return error_body(
        403,
        f"Not enough permissions to access: {resource}",
        code="ACCESS_DENIED",
        service_error_code=100,
    )


def not_found() -> dict[str, t.Any]:
    """LinkedIn's 404 body: no ``code``, a bare message."""
    return error_body(404, "Not Found")


def illegal_argument(message: str) -> dict[str, t.Any]:
    """LinkedIn's 400 for a request it refuses, with its own wording of why."""
    return error_body(400, message, code="ILLEGAL_ARGUMENT")


def invalid_param(field_path: str, description: str) -> dict[str, t.Any]:
    """LinkedIn's newer 400 envelope, naming the parameter in ``errorDetails.inputErrors``."""
    return {
        **error_body(400, "Invalid param. Please see errorDetails for more information."),
        "errorDetails": {
            "inputErrors": [
                {
                    "description": description,
                    "input": {"inputPath": {"fieldPath": field_path}},
                    "code": "PARAM_INVALID",
                }
            ]
        },
    }


def expired_token(message: str = "The token used in the request has expired") -> dict[str, t.Any]:
    """LinkedIn's 401 for an access token past its 60 days."""
    return error_body(401, message, code="EXPIRED_ACCESS_TOKEN", service_error_code=65602)


def cursor_page(elements: list[dict[str, t.Any]], next_token: str | None) -> dict[str, t.Any]:
    metadata = {"nextPageToken": next_token} if next_token else {}
    return {"elements": elements, "metadata": metadata}


def token_response(
    access_token: str = "AQV-access-1",
    *,
    expires_in: int = 5184000,
    refresh_token_expires_in: int = 26438400,
) -> dict[str, t.Any]:
    return {
        "access_token": access_token,
        "expires_in": expires_in,
        "refresh_token": "AQW-refresh-secret",
        "refresh_token_expires_in": refresh_token_expires_in,
        "scope": "r_ads,r_marketing_leadgen_automation",
    }


def oauth_error(error: str, description: str | None = None) -> dict[str, t.Any]:
    """The OAuth token endpoint's error body (RFC 6749): ``error``, with its description if any."""
    body = {"error": error}
    if description is not None:
        body["error_description"] = description
    return body


def campaign(campaign_id: int = 198356826, account_id: int = ACCOUNT_ID) -> dict[str, t.Any]:
    return {
        "id": campaign_id,
        "name": f"Campaign {campaign_id}",
        "account": f"urn:li:sponsoredAccount:{account_id}",
        "campaignGroup": "urn:li:sponsoredCampaignGroup:6001",
        "status": "ACTIVE",
        "type": "SPONSORED_UPDATES",
        "objectiveType": "LEAD_GENERATION",
        "costType": "CPM",
        "format": "SINGLE_IMAGE",
        "locale": {"country": "US", "language": "en"},
        "runSchedule": {"start": 1700000000000, "end": 1800000000000},
        "changeAuditStamps": {
            "created": {"time": 1700000000000},
            "lastModified": {"time": 1700000100000},
        },
    }
