"""Unit tests of the sandbox's strict Rest.li 2.0 query parser."""

from __future__ import annotations

import pytest
from linkedin_sandbox.restli_parse import (
    RestliSyntaxError,
    encode_leaf,
    looks_like_encoded_structure,
    parse_projection,
    parse_query,
    parse_value,
    split_query,
)


def test_split_query_keeps_values_raw() -> None:
    pairs = split_query("q=owner&owner=(sponsoredAccount:urn%3Ali%3AsponsoredAccount%3A1)&&x")
    assert pairs == [
        ("q", "owner"),
        ("owner", "(sponsoredAccount:urn%3Ali%3AsponsoredAccount%3A1)"),
        ("x", ""),
    ]


def test_leaf_values_are_percent_decoded() -> None:
    assert parse_value("urn%3Ali%3Aorganization%3A5") == "urn:li:organization:5"
    assert parse_value("a+b%20c") == "a+b c"  # '+' is literal in Rest.li
    assert parse_value("") == ""


def test_object_with_encoded_urn() -> None:
    assert parse_value("(sponsoredAccount:urn%3Ali%3AsponsoredAccount%3A123)") == {
        "sponsoredAccount": "urn:li:sponsoredAccount:123"
    }


def test_nested_objects_and_lists() -> None:
    raw = (
        "(status:(values:List(ACTIVE,CANCELED)),test:false,"
        "id:(values:List(urn%3Ali%3AsponsoredAccount%3A1)))"
    )
    assert parse_value(raw) == {
        "status": {"values": ["ACTIVE", "CANCELED"]},
        "test": "false",
        "id": {"values": ["urn:li:sponsoredAccount:1"]},
    }


def test_empty_containers_and_empty_string() -> None:
    assert parse_value("List()") == []
    assert parse_value("()") == {}
    assert parse_value("(a:'')") == {"a": ""}
    assert parse_value("List(urn%3Ali%3Ax%3A%281%2C2%29)") == ["urn:li:x:(1,2)"]


def test_time_range() -> None:
    assert parse_query("submittedAtTimeRange=(start:1704067200000,end:1704153600000)") == {
        "submittedAtTimeRange": {"start": "1704067200000", "end": "1704153600000"}
    }


def test_encoded_structure_is_just_a_string() -> None:
    value = parse_value("%28sponsoredAccount%3Aurn%253Ali%253AsponsoredAccount%253A1%29")
    assert value == "(sponsoredAccount:urn%3Ali%3AsponsoredAccount%3A1)"
    assert isinstance(value, str)
    assert looks_like_encoded_structure(value)
    assert not looks_like_encoded_structure("urn:li:sponsoredAccount:1")


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("(sponsoredAccount:urn:li:sponsoredAccount:1)", "unexpected ':'"),
        ("(a:1", "unterminated object"),
        ("List(1,2", "unterminated List"),
        ("(a:1))", "after the end"),
        ("(a:1,a:2)", "duplicate field"),
        ("(:1)", "empty field name"),
        ("(a:)", "empty value"),
        ("List(1,,2)", "empty value"),
        ("abc%zz", "malformed percent-escape"),
        ("%ff", "UTF-8"),
        ("a,b", "after the end"),
    ],
)
def test_syntax_errors(raw: str, fragment: str) -> None:
    with pytest.raises(RestliSyntaxError, match=fragment):
        parse_value(raw)


def test_query_errors_name_the_parameter() -> None:
    with pytest.raises(RestliSyntaxError) as info:
        parse_query("q=owner&owner=(sponsoredAccount:urn:li:sponsoredAccount:1)")
    assert info.value.param == "owner"
    assert info.value.position == 21


def test_repeated_parameter_is_rejected() -> None:
    with pytest.raises(RestliSyntaxError, match="more than once"):
        parse_query("ids=1&ids=2")


def test_projection() -> None:
    assert parse_projection("id,owner,form:(id,content:(questions)),submittedAt") == {
        "id": None,
        "owner": None,
        "form": {"id": None, "content": {"questions": None}},
        "submittedAt": None,
    }
    assert parse_query("fields=id,form:(name)") == {"fields": {"id": None, "form": {"name": None}}}


@pytest.mark.parametrize("raw", ["id,", "form:(id", "a)b", "form:(id))"])
def test_bad_projection(raw: str) -> None:
    with pytest.raises(RestliSyntaxError):
        parse_projection(raw)


def test_encode_leaf_round_trip() -> None:
    urn = "urn:li:versionedLeadGenForm:(urn:li:leadGenForm:3162,1)"
    encoded = encode_leaf(urn)
    assert encoded == "urn%3Ali%3AversionedLeadGenForm%3A%28urn%3Ali%3AleadGenForm%3A3162%2C1%29"
    assert parse_value(encoded) == urn
