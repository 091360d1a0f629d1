"""Strict parser for Rest.li 2.0 query strings, as the sandbox server reads them.

LinkedIn's versioned API reads complex query values in Rest.li 2.0 object notation:
``owner=(sponsoredAccount:urn%3Ali%3AsponsoredAccount%3A123)``,
``search=(status:(values:List(ACTIVE)),test:false)``. The characters ``( ) : ,`` and the
``List(`` prefix are *syntax* and travel literally; only leaf strings are percent-encoded.

The parser therefore works on the raw query string exactly as it came off the wire. Decoding
first (as :func:`urllib.parse.parse_qs` does) would make ``%28`` indistinguishable from ``(``
and hide the most common client bug: an HTTP library that percent-encodes the syntax.

Grammar (``raw`` = undecoded text)::

    query      := pair ('&' pair)*
    pair       := key ['=' value]
    value      := 'List(' [value (',' value)*] ')'
                | '(' [key ':' value (',' key ':' value)*] ')'
                | leaf
    leaf       := one or more characters other than ( ) , :   -- percent-decoded

Inside a structure an empty string is written ``''`` (Rest.li's encoding of the empty
string). A ``+`` is a literal plus sign, not a space: Rest.li encodes spaces as ``%20``.

The ``fields`` projection parameter has its own grammar (``a,b,c:(x,y)``) and is parsed by
:func:`parse_projection`.
"""

from __future__ import annotations

import re
from typing import TypeAlias
from urllib.parse import quote, unquote

RestliValue: TypeAlias = "str | list[RestliValue] | dict[str, RestliValue]"
"""A parsed Rest.li value: a decoded leaf string, a ``List(...)`` or an object ``(...)``."""

Projection: TypeAlias = "dict[str, Projection | None]"
"""A parsed ``fields`` projection: field name -> nested projection, or None for a leaf."""

PROJECTION_PARAMS = frozenset({"fields"})
"""Query parameters that use projection syntax rather than Rest.li value syntax."""

_RESERVED = "(),:"
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_EMPTY_STRING = "''"


class RestliSyntaxError(ValueError):
    """A query string that is not valid Rest.li 2.0.

    Attributes:
        param: The query parameter whose value failed to parse, if known.
        position: Offset of the problem inside the raw value, if known.
        detail: Human-readable description of the problem.
    """

    def __init__(
        self, detail: str, *, param: str | None = None, position: int | None = None
    ) -> None:
        """Build the error.

        Args:
            detail: What is wrong.
            param: The parameter name, if known.
            position: Offset in the raw parameter value, if known.
        """
        self.detail = detail
        self.param = param
        self.position = position
        where = f"parameter '{param}'" if param else "query string"
        at = f" at offset {position}" if position is not None else ""
        super().__init__(f"{where}{at}: {detail}")


def decode_leaf(raw: str) -> str:
    """Percent-decode one leaf string, rejecting malformed escapes.

    Args:
        raw: The undecoded leaf text.

    Returns:
        The decoded string.

    Raises:
        RestliSyntaxError: If the text holds a ``%`` not followed by two hex digits or
            decodes to invalid UTF-8.
    """
    bad = _BAD_PERCENT.search(raw)
    if bad:
        raise RestliSyntaxError("malformed percent-escape", position=bad.start())
    try:
        return unquote(raw, errors="strict")
    except UnicodeDecodeError as exc:
        raise RestliSyntaxError("percent-escapes do not decode as UTF-8") from exc


def split_query(raw_query: str) -> list[tuple[str, str]]:
    """Split a raw query string into undecoded ``(key, value)`` pairs.

    Empty segments (``a=1&&b=2``, a trailing ``&``) are skipped. A segment without ``=`` has
    the empty string as value. Only the first ``=`` separates key from value.

    Args:
        raw_query: The query string as sent, without the leading ``?``.

    Returns:
        The pairs in order, keys and values still percent-encoded.
    """
    pairs = []
    for segment in raw_query.split("&"):
        if not segment:
            continue
        key, _, value = segment.partition("=")
        pairs.append((key, value))
    return pairs


class _ValueParser:
    """Recursive-descent parser for one raw Rest.li value."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.pos = 0

    def fail(self, detail: str, position: int | None = None) -> RestliSyntaxError:
        return RestliSyntaxError(detail, position=self.pos if position is None else position)

    def parse_top(self) -> RestliValue:
        if self.raw == "":
            return ""
        value = self.parse_value(top=True)
        if self.pos != len(self.raw):
            char = self.raw[self.pos]
            raise self.fail(
                f"unexpected '{char}' after the end of the value; reserved characters "
                "( ) , : inside a leaf must be percent-encoded"
            )
        return value

    def parse_value(self, *, top: bool = False) -> RestliValue:
        if self.raw.startswith("List(", self.pos):
            self.pos += len("List(")
            return self.parse_list()
        if self.raw.startswith("(", self.pos):
            self.pos += 1
            return self.parse_object()
        return self.parse_leaf(top=top)

    def parse_list(self) -> list[RestliValue]:
        items: list[RestliValue] = []
        if self.peek() == ")":
            self.pos += 1
            return items
        while True:
            items.append(self.parse_value())
            if self.expect_separator("List"):
                return items

    def parse_object(self) -> dict[str, RestliValue]:
        obj: dict[str, RestliValue] = {}
        if self.peek() == ")":
            self.pos += 1
            return obj
        while True:
            key_at = self.pos
            if self.peek() in {":", ",", ")"}:
                raise self.fail("empty field name in object", key_at)
            key = self.parse_leaf(top=False)
            if self.peek() != ":":
                raise self.fail(f"expected ':' after field name '{key}'")
            self.pos += 1
            if key in obj:
                raise self.fail(f"duplicate field '{key}' in object", key_at)
            obj[key] = self.parse_value()
            if self.expect_separator("object"):
                return obj

    def expect_separator(self, container: str) -> bool:
        """Consume ',' (more to come, False) or ')' (container closed, True)."""
        char = self.peek()
        if char == ",":
            self.pos += 1
            return False
        if char == ")":
            self.pos += 1
            return True
        if char == "":
            raise self.fail(f"unterminated {container}: missing ')'")
        raise self.fail(
            f"unexpected '{char}' in {container}; a URN or other string inside a Rest.li "
            "structure must have its reserved characters percent-encoded (':' as %3A)"
        )

    def parse_leaf(self, *, top: bool) -> str:
        start = self.pos
        while self.pos < len(self.raw) and self.raw[self.pos] not in _RESERVED:
            self.pos += 1
        raw_leaf = self.raw[start : self.pos]
        if not top:
            if raw_leaf == "":
                raise self.fail("empty value; write the empty string as ''", start)
            if raw_leaf == _EMPTY_STRING:
                return ""
        try:
            return decode_leaf(raw_leaf)
        except RestliSyntaxError as exc:
            offset = exc.position or 0
            raise self.fail(exc.detail, start + offset) from exc

    def peek(self) -> str:
        return self.raw[self.pos] if self.pos < len(self.raw) else ""


def parse_value(raw: str) -> RestliValue:
    """Parse one raw (still percent-encoded) Rest.li 2.0 value.

    Args:
        raw: The value exactly as it appears after ``=`` in the query string.

    Returns:
        A decoded leaf string, a list, or a dict.

    Raises:
        RestliSyntaxError: If the value is not valid Rest.li 2.0.
    """
    return _ValueParser(raw).parse_top()


def parse_projection(raw: str) -> Projection:
    """Parse a ``fields`` projection such as ``id,owner,form:(id,content:(questions))``.

    Args:
        raw: The raw parameter value.

    Returns:
        Field name -> nested projection (or None when the field is taken whole).

    Raises:
        RestliSyntaxError: If the projection is malformed.
    """
    pos = 0

    def parse_items(depth: int) -> Projection:
        nonlocal pos
        items: Projection = {}
        while True:
            start = pos
            while pos < len(raw) and raw[pos] not in _RESERVED:
                pos += 1
            name = decode_leaf(raw[start:pos])
            if not name:
                raise RestliSyntaxError("empty field name in projection", position=start)
            sub: Projection | None = None
            if raw.startswith(":(", pos):
                pos += 2
                sub = parse_items(depth + 1)
            items[name] = sub
            char = raw[pos] if pos < len(raw) else ""
            if char == ",":
                pos += 1
                continue
            if char == ")" and depth > 0:
                pos += 1
                return items
            if char == "" and depth == 0:
                return items
            detail = "unterminated projection" if char == "" else f"unexpected '{char}'"
            raise RestliSyntaxError(detail, position=pos)

    return parse_items(0)


def parse_query(raw_query: str) -> dict[str, RestliValue | Projection]:
    """Parse a whole raw query string into decoded Rest.li values.

    Projection parameters (``fields``) are parsed with :func:`parse_projection`; every other
    parameter with :func:`parse_value`.

    Args:
        raw_query: The query string as sent, without the leading ``?``.

    Returns:
        Parameter name -> parsed value.

    Raises:
        RestliSyntaxError: If any parameter is malformed or appears twice.
    """
    parsed: dict[str, RestliValue | Projection] = {}
    for raw_key, raw_value in split_query(raw_query):
        try:
            key = decode_leaf(raw_key)
        except RestliSyntaxError as exc:
            raise RestliSyntaxError(exc.detail, param=raw_key) from exc
        if not key:
            raise RestliSyntaxError("empty parameter name")
        if key in parsed:
            # Rest.li 1.0 repeated a key to send a list; 2.0 uses List(...) instead.
            raise RestliSyntaxError("parameter given more than once; use List(...)", param=key)
        try:
            if key in PROJECTION_PARAMS:
                parsed[key] = parse_projection(raw_value)
            else:
                parsed[key] = parse_value(raw_value)
        except RestliSyntaxError as exc:
            raise RestliSyntaxError(exc.detail, param=key, position=exc.position) from exc
    return parsed


def looks_like_encoded_structure(decoded: str) -> bool:
    """Tell whether a decoded leaf is really a Rest.li structure that was percent-encoded.

    ``owner=%28sponsoredAccount%3A...%29`` parses as a *leaf* whose decoded text starts with
    ``(``: the client encoded the syntax. LinkedIn then sees a string where it wants a record
    or union and answers 400.

    Args:
        decoded: A decoded leaf string.

    Returns:
        True if the text starts like an object or a list.
    """
    return decoded.startswith(("(", "List("))


def encode_leaf(value: str) -> str:
    """Percent-encode a leaf the way Rest.li 2.0 clients must (everything but unreserved).

    Used by the sandbox to build its own example URLs and by tests.

    Args:
        value: The plain string.

    Returns:
        The encoded string; ``:`` ``,`` ``(`` ``)`` and spaces are all escaped.
    """
    return quote(value, safe="")
