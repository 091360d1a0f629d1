"""Rest.li 2.0 query encoding.

LinkedIn's versioned REST API parses structured query values itself: ``(``, ``)``, ``:``,
``,`` and ``List(`` are syntax and must reach it literally, while the leaves inside the
structure (URNs, tokens, free text) are fully percent-encoded. ``requests`` and the SDK's
``urlencode`` get this wrong in both directions (they encode the syntax, or double-encode
the leaves), so streams return their query as Rest.li values and :class:`RestliRequest`
encodes it here.
"""

from __future__ import annotations

import re
import typing as t
from dataclasses import dataclass
from urllib.parse import quote

from singer_sdk.streams.rest import HTTPRequest
from typing_extensions import override

if t.TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = [
    "Projection",
    "RestliList",
    "RestliRequest",
    "encode_leaf",
    "encode_query",
    "encode_value",
    "owner_urn",
    "parse_urn_id",
    "parse_versioned_form_urn",
]

_PROJECTION = re.compile(r"^[A-Za-z0-9_,:()]+$")
_VERSIONED_FORM_URN = re.compile(
    r"^urn:li:versionedLeadGenForm:\(urn:li:leadGenForm:(\d+),(\d+)\)$",
)


@dataclass(frozen=True)
class RestliList:
    """A Rest.li list value, rendered as ``List(a,b)``."""

    items: Sequence[RestliValue]


@dataclass(frozen=True)
class Projection:
    """A ``fields`` projection such as ``id,form:(id,content)``, sent literally."""

    text: str

    def __post_init__(self) -> None:
        """Only field names and projection syntax may appear: nothing needs escaping."""
        if not _PROJECTION.match(self.text):
            msg = f"not a Rest.li projection: {self.text!r}"
            raise ValueError(msg)


RestliValue: t.TypeAlias = "str | int | bool | RestliList | Projection | Mapping[str, RestliValue]"


def encode_leaf(value: str) -> str:
    """Percent-encode a leaf string completely, the way Rest.li expects inside structure."""
    return quote(value, safe="")


def encode_value(value: RestliValue) -> str:
    """Encode one query value in Rest.li 2.0 syntax.

    Mappings become ``(key:value,...)``, :class:`RestliList` becomes ``List(...)``,
    booleans ``true``/``false``, integers their digits and strings are leaf-encoded.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return encode_leaf(value)
    if isinstance(value, Projection):
        return value.text
    if isinstance(value, RestliList):
        return "List(" + ",".join(encode_value(item) for item in value.items) + ")"
    inner = ",".join(f"{encode_leaf(key)}:{encode_value(item)}" for key, item in value.items())
    return f"({inner})"


def encode_query(params: Mapping[str, RestliValue | None]) -> str:
    """Build a query string (without ``?``); parameters whose value is ``None`` are left out."""
    return "&".join(
        f"{encode_leaf(name)}={encode_value(value)}"
        for name, value in params.items()
        if value is not None
    )


class RestliRequest(HTTPRequest):
    """The SDK's request, with ``params`` (Rest.li values) encoded by :func:`encode_query`."""

    __slots__ = ()

    @override
    def encode_params(self) -> str:
        # The streams' ``get_url_params`` put only Rest.li values here.
        return encode_query(t.cast("Mapping[str, RestliValue | None]", self.params))


def owner_urn(owner_type: str, owner_id: int) -> str:
    """URN of a lead-form owner, e.g. ``urn:li:sponsoredAccount:123``."""
    return f"urn:li:{owner_type}:{owner_id}"


def parse_urn_id(urn: str | None, entity: str) -> int | None:
    """Return the numeric id of ``urn:li:<entity>:<id>``, or ``None`` when it is not one.

    Ids are parsed as ``int`` from their digits, never through ``float``, so 19-digit ids
    stay exact.
    """
    if not urn:
        return None
    prefix = f"urn:li:{entity}:"
    if not urn.startswith(prefix):
        return None
    tail = urn[len(prefix) :]
    return int(tail) if tail.isdigit() else None


def parse_versioned_form_urn(urn: str | None) -> tuple[int, int] | None:
    """Split ``urn:li:versionedLeadGenForm:(urn:li:leadGenForm:<id>,<version>)``."""
    if not urn:
        return None
    match = _VERSIONED_FORM_URN.match(urn)
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2))
