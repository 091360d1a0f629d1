"""Typed readers for parsed Rest.li query parameters, raising LinkedIn-shaped 400s.

Handlers receive the query already parsed by :mod:`linkedin_sandbox.restli_parse`
(leaves decoded, structure as dicts/lists). These helpers check shape and type and turn every
problem into the error body LinkedIn would send.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from linkedin_sandbox import errors

if TYPE_CHECKING:
    from collections.abc import Iterable

OWNER_KINDS = ("sponsoredAccount", "organization")
LEAD_TYPES = ("SPONSORED", "EVENT", "COMPANY", "ORGANIZATION_PRODUCT")
_URN = re.compile(r"urn:li:(?P<kind>[A-Za-z]+):(?P<id>\d+)")
_VERSIONED_FORM = re.compile(
    r"urn:li:versionedLeadGenForm:\(urn:li:leadGenForm:(?P<form>\d+),(?P<version>\d+)\)"
)

Query = dict[str, Any]


@dataclass(frozen=True)
class Owner:
    """A parsed ``owner`` union.

    Attributes:
        kind: ``sponsoredAccount`` or ``organization``.
        id: The numeric id.
    """

    kind: str
    id: int

    @property
    def urn(self) -> str:
        """The owner URN."""
        return f"urn:li:{self.kind}:{self.id}"


def check_allowed(query: Query, allowed: Iterable[str], *, strict: bool) -> None:
    """Reject parameters a finder does not take (when ``strict``).

    Args:
        query: Parsed query.
        allowed: Parameter names the finder accepts.
        strict: Whether to reject the others.

    Raises:
        ApiError: 400 QUERY_PARAM_NOT_ALLOWED naming the first unknown parameter.
    """
    if not strict:
        return
    allowed_set = set(allowed)
    for name in query:
        if name not in allowed_set:
            raise errors.param_not_allowed(name)


def leaf(query: Query, name: str) -> str | None:
    """A parameter that must be a plain (leaf) value, or None when absent.

    Raises:
        ApiError: 400 PARAM_INVALID if it is a structure.
    """
    value = query.get(name)
    if value is None or isinstance(value, str):
        return value
    raise errors.param_invalid(name)


def integer(query: Query, name: str, default: int, *, maximum: int | None = None) -> int:
    """A non-negative integer parameter.

    Args:
        query: Parsed query.
        name: Parameter name.
        default: Value when absent.
        maximum: Largest accepted value (400 above it).

    Returns:
        The value.

    Raises:
        ApiError: 400 if not a non-negative integer or above ``maximum``.
    """
    raw = leaf(query, name)
    if raw is None:
        return default
    if not raw.isdigit():
        raise errors.param_invalid(name)
    value = int(raw)
    if maximum is not None and value > maximum:
        raise errors.too_large(name, maximum)
    return value


def boolean(query: Query, name: str, default: bool) -> bool:  # noqa: FBT001
    """A ``true``/``false`` parameter.

    Raises:
        ApiError: 400 PARAM_INVALID for any other value.
    """
    raw = leaf(query, name)
    if raw is None:
        return default
    if raw not in {"true", "false"}:
        raise errors.param_invalid(name)
    return raw == "true"


def parse_urn(text: str, field_path: str, *, kind: str | None = None) -> tuple[str, int]:
    """Split ``urn:li:<kind>:<id>``.

    Args:
        text: The decoded URN.
        field_path: Where it came from, for the error body.
        kind: Required entity type, if any.

    Returns:
        ``(kind, id)``.

    Raises:
        ApiError: 400 PARAM_INVALID for anything else (e.g. a double-encoded URN).
    """
    match = _URN.fullmatch(text)
    if match is None or (kind is not None and match["kind"] != kind):
        expected = f"urn:li:{kind}:<id>" if kind else "a URN"
        raise errors.param_invalid(field_path, f"Invalid URN {text!r}; expected {expected}")
    return match["kind"], int(match["id"])


def owner(query: Query) -> Owner:
    """The ``owner`` union: ``(sponsoredAccount:<urn>)`` or ``(organization:<urn>)``.

    Raises:
        ApiError: 400 when missing, not a record (e.g. percent-encoded syntax), or malformed.
    """
    value = query.get("owner")
    if value is None:
        raise errors.param_required("owner")
    if not isinstance(value, dict):
        raise errors.union_not_data_map("owner")
    if len(value) != 1:
        raise errors.input_errors(
            (
                "FIELD_INVALID",
                "ERROR :: /value :: union must have exactly one member",
                "owner/value",
            )
        )
    ((kind, urn),) = value.items()
    if kind not in OWNER_KINDS:
        raise errors.input_errors(
            (
                "FIELD_INVALID",
                f"ERROR :: /value/{kind} :: is not a member type of union "
                f"[ {' '.join(OWNER_KINDS)} ]",
                "owner/value",
            )
        )
    if not isinstance(urn, str):
        raise errors.param_invalid(f"owner/{kind}")
    _, owner_id = parse_urn(urn, f"owner/{kind}", kind=kind)
    return Owner(kind, owner_id)


def lead_type(query: Query, *, required: bool) -> str:
    """``leadType=(leadType:SPONSORED)``.

    Args:
        query: Parsed query.
        required: Answer 400 when absent (else default to SPONSORED).

    Returns:
        The lead type.

    Raises:
        ApiError: 400 when missing (and required), not a record, or not a known type.
    """
    value = query.get("leadType")
    if value is None:
        if required:
            raise errors.param_required("leadType")
        return "SPONSORED"
    if not isinstance(value, dict) or set(value) != {"leadType"}:
        raise errors.param_invalid("leadType")
    chosen = value["leadType"]
    if chosen not in LEAD_TYPES:
        raise errors.param_invalid(
            "leadType/leadType", f"Unknown lead type {chosen!r}; one of {', '.join(LEAD_TYPES)}"
        )
    return str(chosen)


def time_range(query: Query, name: str) -> tuple[int | None, int | None]:
    """``(start:<ms>,end:<ms>)``; either bound may be omitted.

    Returns:
        ``(start, end)`` in epoch ms.

    Raises:
        ApiError: 400 when not a record, with unknown keys, non-integers or start > end.
    """
    value = query.get(name)
    if value is None:
        return None, None
    if not isinstance(value, dict) or not set(value) <= {"start", "end"} or not value:
        raise errors.param_invalid(name)
    bounds: list[int | None] = []
    for key in ("start", "end"):
        raw = value.get(key)
        if raw is None:
            bounds.append(None)
        elif isinstance(raw, str) and raw.isdigit():
            bounds.append(int(raw))
        else:
            raise errors.param_invalid(f"{name}/{key}")
    start, end = bounds
    if start is not None and end is not None and start > end:
        raise errors.param_invalid(name, "Time range start must not be after end")
    return start, end


def versioned_form(query: Query) -> tuple[int, int] | None:
    """``versionedLeadGenFormUrn=<fully encoded URN>`` -> ``(form_id, version_id)``.

    Raises:
        ApiError: 400 when it is a structure or not a versioned form URN.
    """
    raw = leaf(query, "versionedLeadGenFormUrn")
    if raw is None:
        return None
    match = _VERSIONED_FORM.fullmatch(raw)
    if match is None:
        raise errors.param_invalid(
            "versionedLeadGenFormUrn", f"Invalid versioned lead form URN {raw!r}"
        )
    return int(match["form"]), int(match["version"])


def values_list(criterion: Any, field_path: str) -> list[str]:
    """A search criterion ``(values:List(a,b))`` -> ``["a", "b"]``.

    Raises:
        ApiError: 400 for any other shape.
    """
    if (
        not isinstance(criterion, dict)
        or set(criterion) != {"values"}
        or not isinstance(criterion["values"], list)
        or not all(isinstance(v, str) for v in criterion["values"])
    ):
        raise errors.param_invalid(field_path)
    return list(criterion["values"])


def id_list(query: Query, name: str = "ids") -> list[str]:
    """``ids=List(a,b)`` for batch gets.

    Raises:
        ApiError: 400 when not a list of leaves.
    """
    value = query.get(name)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise errors.param_invalid(name)
    return list(value)
