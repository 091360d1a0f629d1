"""JSON schemas of the three streams, typed field by field so targets build real columns.

Raw fields keep LinkedIn's names and types (times are epoch milliseconds, as LinkedIn sends
them); the fields the tap derives are snake_case. Shared shapes are written once below.
"""

from __future__ import annotations

import typing as t

from singer_sdk import typing as th

from tap_linkedin_leads.answers import PREDEFINED_FIELDS, contact_key

__all__ = [
    "AD_ACCOUNT_SCHEMA",
    "CAMPAIGN_SCHEMA",
    "LEAD_FORM_RESPONSE_SCHEMA",
    "LEAD_FORM_SCHEMA",
]


def _with_nullable_items(schema: dict[str, t.Any]) -> dict[str, t.Any]:
    """Let every array hold nulls: an odd payload (``[null]``) must not make a record invalid."""
    items = schema.get("items")
    if isinstance(items, dict):
        kind = items.get("type")
        if isinstance(kind, str):
            items["type"] = [kind, "null"]
        elif isinstance(kind, list) and "null" not in kind:
            kind.append("null")
        _with_nullable_items(items)
    for sub in (schema.get("properties") or {}).values():
        _with_nullable_items(sub)
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        _with_nullable_items(extra)
    return schema


#: ``{"country": "US", "language": "en"}``
LOCALE = th.ObjectType(
    th.Property("country", th.StringType),
    th.Property("language", th.StringType),
)

#: LinkedIn's multi-locale string: ``{"localized": {"en_US": "..."}, "preferredLocale": {...}}``.
LOCALIZED_STRING = th.ObjectType(
    th.Property(
        "localized",
        th.ObjectType(additional_properties=th.StringType(nullable=True)),
        description="Text by locale key such as `en_US`.",
    ),
    th.Property("preferredLocale", LOCALE),
)

#: Lead form owner union: exactly one of the two URNs is set.
OWNER = th.ObjectType(
    th.Property("sponsoredAccount", th.StringType, description="urn:li:sponsoredAccount:<id>"),
    th.Property("organization", th.StringType, description="urn:li:organization:<id>"),
)

AUDIT_STAMP = th.ObjectType(th.Property("time", th.IntegerType, description="Epoch ms."))

AD_ACCOUNT_SCHEMA = _with_nullable_items(
    th.PropertiesList(
        th.Property("id", th.IntegerType, required=True, description="Sponsored ad account id."),
        th.Property("name", th.StringType),
        th.Property("currency", th.StringType, description="ISO 4217 code."),
        th.Property(
            "status",
            th.StringType,
            description="ACTIVE, CANCELED, DRAFT, PENDING_DELETION or REMOVED.",
        ),
        th.Property("type", th.StringType, description="BUSINESS or ENTERPRISE."),
        th.Property(
            "reference",
            th.StringType,
            description="Entity the account advertises for: urn:li:organization:<id> or a person.",
        ),
        th.Property("test", th.BooleanType, description="Whether this is a test ad account."),
        th.Property("servingStatuses", th.ArrayType(th.StringType)),
        th.Property("notifiedOnCampaignOptimization", th.BooleanType),
        th.Property("notifiedOnCreativeApproval", th.BooleanType),
        th.Property("notifiedOnCreativeRejection", th.BooleanType),
        th.Property("notifiedOnEndOfCampaign", th.BooleanType),
        th.Property("notifiedOnNewFeaturesEnabled", th.BooleanType),
        th.Property(
            "changeAuditStamps",
            th.ObjectType(
                th.Property("created", AUDIT_STAMP),
                th.Property("lastModified", AUDIT_STAMP),
            ),
        ),
        th.Property("version", th.ObjectType(th.Property("versionTag", th.StringType))),
        th.Property(
            "totalBudget",
            th.ObjectType(
                th.Property("amount", th.StringType, description="Decimal amount as a string."),
                th.Property("currencyCode", th.StringType),
            ),
        ),
        th.Property("totalBudgetEndsAt", th.IntegerType, description="Epoch ms."),
    ).to_dict()
)

QUESTION = th.ObjectType(
    th.Property("questionId", th.IntegerType),
    th.Property("name", th.StringType, description="Internal name, in the creator's language."),
    th.Property("question", LOCALIZED_STRING, description="Question text in the form's locale."),
    th.Property(
        "questionDetails",
        th.ObjectType(
            th.Property(
                "textQuestionDetails",
                th.ObjectType(th.Property("maxResponseLength", th.IntegerType)),
            ),
            th.Property(
                "multipleChoiceQuestionDetails",
                th.ObjectType(
                    th.Property(
                        "options",
                        th.ArrayType(
                            th.ObjectType(
                                th.Property("id", th.IntegerType),
                                th.Property("text", LOCALIZED_STRING),
                            ),
                        ),
                    ),
                ),
            ),
        ),
    ),
    th.Property(
        "predefinedField",
        th.StringType,
        description="Standard field such as FIRST_NAME or EMAIL; absent on custom questions.",
    ),
    th.Property("responseRequired", th.BooleanType),
    th.Property("responseEditable", th.BooleanType),
)

LEAD_FORM_SCHEMA = _with_nullable_items(
    th.PropertiesList(
        th.Property(
            "id",
            th.IntegerType,
            required=True,
            description="Lead form id (organization forms can have 19 digits).",
        ),
        th.Property("versionId", th.IntegerType, description="Latest version of the form."),
        th.Property("name", th.StringType),
        th.Property("state", th.StringType, description="PUBLISHED, DRAFT, ARCHIVED, ..."),
        th.Property("owner", OWNER),
        th.Property("created", th.IntegerType, description="Epoch ms."),
        th.Property("lastModified", th.IntegerType, description="Epoch ms."),
        th.Property("creationLocale", LOCALE),
        th.Property(
            "reviewInfo",
            th.ObjectType(
                th.Property("reviewStatus", th.StringType),
                th.Property("rejectionReasons", th.ArrayType(th.StringType)),
                th.Property("lastUpdated", th.IntegerType, description="Epoch ms."),
            ),
        ),
        th.Property(
            "hiddenFields",
            th.ArrayType(
                th.ObjectType(
                    th.Property("name", th.StringType),
                    th.Property("value", th.StringType),
                ),
            ),
        ),
        th.Property(
            "content",
            th.ObjectType(
                th.Property("headline", LOCALIZED_STRING),
                th.Property("description", LOCALIZED_STRING),
                th.Property("questions", th.ArrayType(QUESTION)),
                th.Property(
                    "legalInfo",
                    th.ObjectType(
                        th.Property("legalInfoId", th.IntegerType),
                        th.Property("privacyPolicyUrl", th.StringType),
                        th.Property("legalDisclaimer", LOCALIZED_STRING),
                        th.Property(
                            "consents",
                            th.ArrayType(
                                th.ObjectType(
                                    th.Property("id", th.IntegerType),
                                    th.Property("checkRequired", th.BooleanType),
                                    th.Property("consent", LOCALIZED_STRING),
                                ),
                            ),
                        ),
                    ),
                ),
                th.Property(
                    "postSubmissionInfo",
                    th.ObjectType(
                        th.Property("message", LOCALIZED_STRING),
                        th.Property(
                            "callToAction",
                            th.ObjectType(
                                th.Property("callToActionLabel", th.StringType),
                                th.Property(
                                    "callToActionTarget",
                                    th.ObjectType(th.Property("landingPageUrl", th.StringType)),
                                ),
                            ),
                        ),
                    ),
                ),
            ),
        ),
        th.Property("account_id", th.IntegerType, description="Owning ad account id (derived)."),
        th.Property(
            "organization_id",
            th.IntegerType,
            description="Owning organization id, for company-page forms (derived).",
        ),
    ).to_dict()
)

LEAD_FORM_RESPONSE_SCHEMA = _with_nullable_items(
    th.PropertiesList(
        th.Property("id", th.StringType, required=True, description="Lead id, `<uuid>-<n>`."),
        th.Property("owner", OWNER),
        th.Property(
            "leadType",
            th.StringType,
            description="SPONSORED, COMPANY, EVENT or ORGANIZATION_PRODUCT.",
        ),
        th.Property(
            "versionedLeadGenFormUrn",
            th.StringType,
            description="urn:li:versionedLeadGenForm:(urn:li:leadGenForm:<id>,<version>)",
        ),
        th.Property("submitter", th.StringType, description="urn:li:person:<id>"),
        th.Property("submittedAt", th.IntegerType, description="Submission time, epoch ms."),
        th.Property("testLead", th.BooleanType),
        th.Property(
            "leadMetadata",
            th.ObjectType(
                th.Property(
                    "sponsoredLeadMetadata",
                    th.ObjectType(
                        th.Property(
                            "campaign", th.StringType, description="urn:li:sponsoredCampaign"
                        ),
                    ),
                ),
            ),
        ),
        th.Property(
            "associatedEntity",
            th.ObjectType(
                th.Property(
                    "associatedCreative",
                    th.StringType,
                    description="urn:li:sponsoredCreative:<id>",
                ),
                # Event and other organic leads use keys LinkedIn has not documented; keep them.
                additional_properties=th.StringType(nullable=True),
            ),
        ),
        th.Property(
            "formResponse",
            th.ObjectType(
                th.Property(
                    "answers",
                    th.ArrayType(
                        th.ObjectType(
                            th.Property("questionId", th.IntegerType),
                            th.Property(
                                "answerDetails",
                                th.ObjectType(
                                    th.Property(
                                        "textQuestionAnswer",
                                        th.ObjectType(th.Property("answer", th.StringType)),
                                    ),
                                    th.Property(
                                        "multipleChoiceAnswer",
                                        th.ObjectType(
                                            th.Property("options", th.ArrayType(th.IntegerType)),
                                        ),
                                    ),
                                ),
                            ),
                        ),
                    ),
                ),
                th.Property(
                    "consentResponses",
                    th.ArrayType(
                        th.ObjectType(
                            th.Property("consentId", th.IntegerType),
                            th.Property("accepted", th.BooleanType),
                        ),
                    ),
                ),
            ),
        ),
        th.Property(
            "submitted_at",
            th.DateTimeType,
            description="`submittedAt` as ISO 8601 UTC (derived; the replication key).",
        ),
        th.Property("account_id", th.IntegerType, description="Owning ad account id (derived)."),
        th.Property(
            "organization_id",
            th.IntegerType,
            description="Owning organization id, for organic leads (derived).",
        ),
        th.Property("form_id", th.IntegerType, description="Lead form id (derived)."),
        th.Property(
            "form_version",
            th.IntegerType,
            description="Version of the form the lead was submitted on (derived).",
        ),
        th.Property(
            "lead_urn",
            th.StringType,
            description="`urn:li:leadGenFormResponse:<id>`, the lead's id as LinkedIn's lead "
            "notifications and the Conversions API write it (derived).",
        ),
        th.Property("campaign_id", th.IntegerType, description="Sponsored campaign id (derived)."),
        th.Property(
            "campaign_name",
            th.StringType,
            description="Name of the sponsored campaign, from the campaigns of the lead's ad "
            "account read in the same run; null for organic leads (derived).",
        ),
        th.Property("creative_id", th.IntegerType, description="Sponsored creative id (derived)."),
        th.Property(
            "form_name",
            th.StringType,
            description="Name of the lead form (from the version the lead was submitted on).",
        ),
        th.Property(
            "answers",
            th.ArrayType(
                th.ObjectType(
                    th.Property("question_id", th.IntegerType),
                    th.Property(
                        "question_name",
                        th.StringType,
                        description="The form's internal name for the question.",
                    ),
                    th.Property(
                        "question_text",
                        th.StringType,
                        description="The question as shown, in the form's creation locale.",
                    ),
                    th.Property("predefined_field", th.StringType),
                    th.Property("answer_text", th.StringType, description="Text answers."),
                    th.Property("selected_option_ids", th.ArrayType(th.IntegerType)),
                    th.Property(
                        "selected_options",
                        # null where the form version has no such option id
                        th.ArrayType(th.StringType(nullable=True)),
                        description="Labels of the chosen options (multiple choice); null for an "
                        "option id the form does not define.",
                    ),
                    additional_properties=False,
                ),
            ),
            description="Each answer joined to its question (derived).",
        ),
        th.Property(
            "consents",
            th.ArrayType(
                th.ObjectType(
                    th.Property("consent_id", th.IntegerType),
                    th.Property("consent_text", th.StringType),
                    th.Property("accepted", th.BooleanType),
                    additional_properties=False,
                ),
            ),
            description="Consent checkboxes with their text and the lead's choice (derived).",
        ),
        th.Property(
            "hidden_fields",
            th.ArrayType(
                th.ObjectType(
                    th.Property("name", th.StringType),
                    th.Property("value", th.StringType),
                    additional_properties=False,
                ),
            ),
            description="The form version's hidden tracking fields (derived).",
        ),
        th.Property(
            "contact",
            th.ObjectType(
                *(th.Property(contact_key(name), th.StringType) for name in PREDEFINED_FIELDS),
                # Predefined fields LinkedIn adds later keep their lower-cased name.
                additional_properties=th.StringType(nullable=True),
            ),
            description="One property per LinkedIn predefined field, filled from the answers.",
        ),
    ).to_dict()
)

CAMPAIGN_SCHEMA = _with_nullable_items(
    th.PropertiesList(
        th.Property("id", th.IntegerType, required=True, description="Sponsored campaign id."),
        th.Property("name", th.StringType),
        th.Property("account", th.StringType, description="urn:li:sponsoredAccount:<id>"),
        th.Property(
            "campaignGroup", th.StringType, description="urn:li:sponsoredCampaignGroup:<id>"
        ),
        th.Property(
            "status", th.StringType, description="ACTIVE, PAUSED, ARCHIVED, COMPLETED, ..."
        ),
        th.Property("type", th.StringType, description="TEXT_AD, SPONSORED_UPDATES, ..."),
        th.Property("objectiveType", th.StringType, description="E.g. LEAD_GENERATION."),
        th.Property("costType", th.StringType),
        th.Property("format", th.StringType),
        th.Property("locale", LOCALE),
        th.Property(
            "runSchedule",
            th.ObjectType(
                th.Property("start", th.IntegerType, description="Epoch ms."),
                th.Property("end", th.IntegerType, description="Epoch ms."),
            ),
        ),
        th.Property(
            "changeAuditStamps",
            th.ObjectType(
                th.Property("created", AUDIT_STAMP),
                th.Property("lastModified", AUDIT_STAMP),
            ),
        ),
        th.Property("account_id", th.IntegerType, description="Ad account id (derived)."),
        th.Property(
            "campaign_group_id",
            th.IntegerType,
            description="Campaign group id (derived).",
        ),
    ).to_dict()
)
