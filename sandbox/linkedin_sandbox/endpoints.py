"""Handlers for the sandbox's REST resources (``/rest/...``).

Each handler gets a :class:`Call` (parsed query, API version, ids forbidden for this request)
and returns the JSON body of a 200, or raises :class:`~linkedin_sandbox.errors.ApiError`.
Authentication and header checks have already happened in
:mod:`linkedin_sandbox.api`.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from linkedin_sandbox import errors, params
from linkedin_sandbox.paging import decode_page_token, encode_page_token

if TYPE_CHECKING:
    from linkedin_sandbox.data import SandboxData
    from linkedin_sandbox.options import ServerOptions
    from linkedin_sandbox.restli_parse import Projection

JsonDict = dict[str, Any]

ACCOUNT_SEARCH_KEYS = frozenset({"status", "test", "id", "type", "name", "reference", "currency"})


@dataclass
class Call:
    """One authenticated API call.

    Attributes:
        data: The data set.
        options: Server behaviour switches.
        query: The parsed query.
        version: The ``LinkedIn-Version`` it asked for.
        forbidden: Account/organization ids that answer 403 for this call.
    """

    data: SandboxData
    options: ServerOptions
    query: params.Query
    version: str
    forbidden: frozenset[int]

    def denied(self, resource: str, method: str) -> errors.ApiError:
        """The 403 for this call."""
        return errors.access_denied(resource, method, self.version)

    def check(self, allowed: set[str]) -> None:
        """Reject parameters outside ``allowed`` (when strict)."""
        params.check_allowed(self.query, allowed, strict=self.options.strict_params)

    @property
    def projection(self) -> Projection | None:
        """The ``fields`` projection, if any."""
        value = self.query.get("fields")
        return value if isinstance(value, dict) else None


def project(value: Any, projection: Projection | None) -> Any:
    """Apply a Rest.li projection; unknown field names are ignored.

    Args:
        value: A JSON value.
        projection: Field name -> nested projection, or None for "everything".

    Returns:
        The projected value (input is not modified).
    """
    if projection is None:
        return value
    if isinstance(value, list):
        return [project(item, projection) for item in value]
    if isinstance(value, dict):
        return {k: project(value[k], sub) for k, sub in projection.items() if k in value}
    return value


def _finder(call: Call, expected: str) -> None:
    finder = params.leaf(call.query, "q")
    if finder is None:
        raise errors.param_required("q")
    if finder != expected:
        raise errors.param_invalid(
            "q", f"Unknown finder {finder!r}; this resource has {expected!r}"
        )


def _fingerprint(*parts: Any) -> str:
    return format(zlib.crc32(repr(parts).encode()), "08x")


def _cursor_page(call: Call, items: list[JsonDict], fingerprint: str) -> JsonDict:
    """Cursor pagination (``pageSize``/``pageToken``, ``metadata.nextPageToken``)."""
    size = params.integer(
        call.query, "pageSize", call.options.page_size_default, maximum=call.options.page_size_max
    )
    if size == 0:
        raise errors.param_invalid("pageSize", "pageSize must be at least 1")
    token = params.leaf(call.query, "pageToken")
    offset = 0
    if token is not None:
        try:
            offset = decode_page_token(token, fingerprint)
        except ValueError as exc:
            raise errors.param_invalid("pageToken", f"Invalid page token: {exc}") from exc
    page = items[offset : offset + size]
    metadata: JsonDict = {}
    if offset + size < len(items):
        metadata["nextPageToken"] = encode_page_token(offset + size, fingerprint)
    return {"elements": [project(i, call.projection) for i in page], "metadata": metadata}


def _account_matches(account: JsonDict, criteria: JsonDict) -> bool:
    for key, criterion in criteria.items():
        if key == "test":
            if criterion not in {"true", "false"}:
                raise errors.param_invalid("search/test")
            if account["test"] != (criterion == "true"):
                return False
            continue
        wanted = params.values_list(criterion, f"search/{key}")
        if key == "id":
            ids = {params.parse_urn(v, "search/id", kind="sponsoredAccount")[1] for v in wanted}
            if account["id"] not in ids:
                return False
        elif account.get(key) not in wanted:
            return False
    return True


def ad_accounts(call: Call) -> JsonDict:
    """``GET /rest/adAccounts?q=search[&search=...]`` — cursor-paginated."""
    call.check({"q", "search", "sort", "pageSize", "pageToken", "fields"})
    _finder(call, "search")
    search = call.query.get("search", {})
    if not isinstance(search, dict):
        raise errors.param_invalid("search")
    unknown = set(search) - ACCOUNT_SEARCH_KEYS
    if unknown:
        raise errors.param_invalid(f"search/{sorted(unknown)[0]}", "Unknown search criterion")
    if (
        call.options.reject_search_with_page_token
        and "search" in call.query
        and ("pageToken" in call.query)
    ):
        raise errors.param_invalid("pageToken", "search and pageToken cannot be combined")
    descending = _sort_descending(call.query.get("sort"))
    accounts = [
        a
        for a in call.data.accounts
        if a["id"] not in call.forbidden and _account_matches(a, search)
    ]
    accounts.sort(key=lambda a: a["id"], reverse=descending)
    return _cursor_page(call, accounts, _fingerprint("adAccounts", search, descending))


def _sort_descending(sort: Any) -> bool:
    if sort is None:
        return False
    if (
        not isinstance(sort, dict)
        or sort.get("field") != "ID"
        or not set(sort) <= {"field", "order"}
        or sort.get("order", "ASCENDING") not in {"ASCENDING", "DESCENDING"}
    ):
        raise errors.param_invalid("sort")
    return bool(sort.get("order") == "DESCENDING")


def _path_id(raw: str, what: str) -> int:
    if not raw.isdigit():
        raise errors.not_found(f"Invalid {what} id {raw!r}")
    return int(raw)


def ad_account(call: Call, raw_id: str) -> JsonDict:
    """``GET /rest/adAccounts/{id}``."""
    if not call.options.serve_account_get:
        raise errors.no_resource()
    call.check({"fields"})
    account_id = _path_id(raw_id, "account")
    if account_id in call.forbidden:
        raise call.denied("adAccounts", "GET")
    account = call.data.account(account_id)
    if account is None:
        raise errors.not_found(f"Ad account {account_id} not found")
    result: JsonDict = project(account, call.projection)
    return result


def _campaign_account(call: Call, raw_id: str) -> int:
    account_id = _path_id(raw_id, "account")
    if account_id in call.forbidden:
        raise call.denied("adCampaigns", "FINDER-search")
    if call.data.account(account_id) is None:
        raise errors.not_found(f"Ad account {account_id} not found")
    return account_id


def ad_campaigns(call: Call, raw_account_id: str) -> JsonDict:
    """``GET /rest/adAccounts/{id}/adCampaigns?q=search`` — cursor-paginated."""
    call.check({"q", "search", "sort", "pageSize", "pageToken", "fields"})
    _finder(call, "search")
    account_id = _campaign_account(call, raw_account_id)
    search = call.query.get("search", {})
    if not isinstance(search, dict) or not set(search) <= {"status", "id"}:
        raise errors.param_invalid("search")
    statuses = params.values_list(search["status"], "search/status") if "status" in search else None
    ids = None
    if "id" in search:
        ids = {
            params.parse_urn(v, "search/id", kind="sponsoredCampaign")[1]
            for v in params.values_list(search["id"], "search/id")
        }
    descending = _sort_descending(call.query.get("sort"))
    urn = f"urn:li:sponsoredAccount:{account_id}"
    campaigns = [
        c
        for c in call.data.campaigns
        if c["account"] == urn
        and (statuses is None or c["status"] in statuses)
        and (ids is None or c["id"] in ids)
    ]
    campaigns.sort(key=lambda c: c["id"], reverse=descending)
    return _cursor_page(call, campaigns, _fingerprint("adCampaigns", account_id, search))


def ad_campaign(call: Call, raw_account_id: str, raw_campaign_id: str) -> JsonDict:
    """``GET /rest/adAccounts/{id}/adCampaigns/{campaignId}``."""
    call.check({"fields"})
    account_id = _campaign_account(call, raw_account_id)
    campaign_id = _path_id(raw_campaign_id, "campaign")
    urn = f"urn:li:sponsoredAccount:{account_id}"
    for campaign in call.data.campaigns:
        if campaign["id"] == campaign_id and campaign["account"] == urn:
            result: JsonDict = project(campaign, call.projection)
            return result
    raise errors.not_found(f"Campaign {campaign_id} not found")


def _owner_readable(call: Call, owner: params.Owner, resource: str) -> None:
    """403 for forbidden or unknown owners (LinkedIn does not reveal which)."""
    if owner.id in call.forbidden or not call.data.is_known_owner(owner.urn):
        raise call.denied(resource, "FINDER-owner")


def _offset_paging(call: Call) -> tuple[int, int]:
    start = params.integer(call.query, "start", 0)
    count = params.integer(
        call.query, "count", call.options.count_default, maximum=call.options.count_max
    )
    return start, count


def lead_forms(call: Call) -> JsonDict:
    """``GET /rest/leadForms?q=owner&owner=(...)`` or ``?ids=List(...)``."""
    if "ids" in call.query and "q" not in call.query:
        call.check({"ids", "fields"})
        return _batch(call, params.id_list(call.query), _lookup_form)
    call.check({"q", "owner", "start", "count", "fields"})
    _finder(call, "owner")
    owner = params.owner(call.query)
    _owner_readable(call, owner, "leadForms")
    start, count = _offset_paging(call)
    forms = call.data.forms_of(owner.urn)
    page = forms[start : start + count]
    return {
        "paging": {"start": start, "count": count, "links": [], "total": len(forms)},
        "elements": [project(f.latest, call.projection) for f in page],
    }


def _lookup_form(call: Call, raw_id: str) -> JsonDict:
    if not raw_id.isdigit():
        raise errors.not_found(f"Lead form {raw_id!r} not found")
    form = call.data.form_record(int(raw_id))
    if form is None:
        raise errors.not_found(f"Lead form {raw_id} not found")
    if form.owner_id in call.forbidden:
        raise call.denied("leadForms", "GET")
    result: JsonDict = project(form.latest, call.projection)
    return result


def lead_form(call: Call, raw_id: str) -> JsonDict:
    """``GET /rest/leadForms/{id}``."""
    call.check({"fields"})
    return _lookup_form(call, raw_id)


def _batch(call: Call, ids: list[str], lookup: Any) -> JsonDict:
    """Rest.li BATCH_GET: ``{"results": {...}, "statuses": {}, "errors": {...}}``."""
    results: JsonDict = {}
    failures: JsonDict = {}
    for raw_id in ids:
        try:
            results[raw_id] = lookup(call, raw_id)
        except errors.ApiError as exc:
            failures[raw_id] = exc.body
    return {"results": results, "statuses": {}, "errors": failures}


def _decorate_lead(call: Call, index: int, lead: JsonDict, *, by_id: bool = False) -> JsonDict:
    """Add projection-only decorations (``form``, ``leadMetadataInfo``) when asked for."""
    projection = call.projection
    if projection is None:
        return lead
    if "form" in projection and (call.options.lead_get_embeds_form or not by_id):
        lead["form"] = call.data.form_versions[call.data.lead_form_version(index)]
    campaign_urn = lead.get("leadMetadata", {}).get("sponsoredLeadMetadata", {}).get("campaign")
    if "leadMetadataInfo" in projection and campaign_urn:
        campaign_id = int(campaign_urn.rsplit(":", 1)[1])
        name = next((c["name"] for c in call.data.campaigns if c["id"] == campaign_id), None)
        # UNCONFIRMED shape beyond the observed path leadMetadataInfo...campaign.name.
        lead["leadMetadataInfo"] = {"sponsoredLeadMetadataInfo": {"campaign": {"name": name}}}
    result: JsonDict = project(lead, projection)
    return result


def _lookup_lead(call: Call, raw_id: str) -> JsonDict:
    index = call.data.lead_index_by_id(raw_id)
    if index is None:
        raise errors.not_found(f"Lead form response {raw_id!r} not found")
    form = call.data.lead_form_record(index)
    if form.owner_id in call.forbidden:
        raise call.denied("leadFormResponses", "GET")
    refusal = call.options.lead_get_refusal
    if refusal is None and call.data.lead_form_version(index) in (
        call.options.lead_get_refused_versions
    ):
        refusal = 403
    if refusal == 400:
        raise errors.param_invalid("fields", "Projection not allowed for this request")
    if refusal == 404:
        raise errors.not_found(f"Lead form response {raw_id!r} not found")
    if refusal is not None:
        raise call.denied("leadFormResponses", "GET")
    return _decorate_lead(call, index, call.data.lead(index), by_id=True)


def lead_form_response(call: Call, raw_id: str) -> JsonDict:
    """``GET /rest/leadFormResponses/{id}``."""
    call.check({"fields"})
    return _lookup_lead(call, raw_id)


def lead_form_responses(call: Call) -> JsonDict:
    """``GET /rest/leadFormResponses?q=owner&...`` (offset, newest first, short pages)."""
    if "ids" in call.query and "q" not in call.query:
        call.check({"ids", "fields"})
        return _batch(call, params.id_list(call.query), _lookup_lead)
    call.check(
        {
            "q", "owner", "leadType", "limitedToTestLeads", "submittedAtTimeRange",
            "versionedLeadGenFormUrn", "start", "count", "fields",
        }
    )  # fmt: skip
    _finder(call, "owner")
    owner = params.owner(call.query)
    lead_type = params.lead_type(call.query, required=call.options.require_lead_type)
    limited = params.boolean(call.query, "limitedToTestLeads", call.options.test_leads_default)
    range_start, range_end = params.time_range(call.query, "submittedAtTimeRange")
    max_days = call.options.max_time_range_days
    if max_days is not None and (
        range_start is None or range_end is None or range_end - range_start > max_days * 86_400_000
    ):
        raise errors.param_invalid(
            "submittedAtTimeRange",
            f"Time range must have start and end at most {max_days} days apart",
        )
    # The data's windows are [start, end); other bound semantics shift by a millisecond.
    bounds = call.options.time_range_bounds
    if range_start is not None and bounds[0] == "(":
        range_start += 1
    if range_end is not None and bounds[1] == "]":
        range_end += 1
    form_filter = params.versioned_form(call.query)
    start, count = _offset_paging(call)
    _owner_readable(call, owner, "leadFormResponses")

    test: bool | None = True if limited else (None if call.options.false_means_all else False)
    window = call.data.lead_window(
        owner.urn, lead_type, test=test, start_ms=range_start, end_ms=range_end
    )
    order = None
    if form_filter is not None:
        # Rarely used, so a linear scan of the owner's window is good enough.
        positions_all = (window.index_at(p) for p in range(len(window)))
        order = [i for i in positions_all if call.data.lead_form_version(i) == form_filter]
    n_real = len(order) if order is not None else len(window)

    plan = call.options.short_pages
    if call.options.omit_paging_total and plan.empty_page:
        plan = type(plan)(withhold=plan.withhold, period=plan.period, offsets=plan.offsets)
    positions = plan.page(start, count, n_real)
    elements = []
    for position in positions:
        index = order[position] if order is not None else window.index_at(position)
        elements.append(_decorate_lead(call, index, call.data.lead(index)))
    paging: JsonDict = {"start": start, "count": count, "links": []}
    if not call.options.omit_paging_total:
        paging["total"] = plan.total(n_real, count)
    return {"paging": paging, "elements": elements}
