"""Rest.li 2.0 encoding: structure literal, leaves percent-encoded."""

from __future__ import annotations

from tap_linkedin_leads.restli import (
    RestliList,
    RestliRequest,
    encode_query,
    encode_value,
    parse_urn_id,
    parse_versioned_form_urn,
)


def test_owner_union_keeps_structure_literal_and_encodes_the_urn() -> None:
    value = {"sponsoredAccount": "urn:li:sponsoredAccount:123"}
    assert encode_value(value) == "(sponsoredAccount:urn%3Ali%3AsponsoredAccount%3A123)"


def test_nested_structures_lists_booleans_and_numbers() -> None:
    value = {
        "status": {"values": RestliList(["ACTIVE", "CANCELED"])},
        "test": False,
        "id": {"values": RestliList(["urn:li:sponsoredAccount:1", "urn:li:sponsoredAccount:2"])},
    }
    assert encode_value(value) == (
        "(status:(values:List(ACTIVE,CANCELED)),test:false,"
        "id:(values:List(urn%3Ali%3AsponsoredAccount%3A1,urn%3Ali%3AsponsoredAccount%3A2)))"
    )
    assert encode_value({"start": 1704067200000, "end": 1704153600000}) == (
        "(start:1704067200000,end:1704153600000)"
    )


def test_leaves_escape_every_reserved_character() -> None:
    assert encode_value("a b,c:(d)'*!") == "a%20b%2Cc%3A%28d%29%27%2A%21"
    # A whole-value URN is a leaf too: its own parentheses and comma are encoded.
    assert encode_value("urn:li:versionedLeadGenForm:(urn:li:leadGenForm:3162,1)") == (
        "urn%3Ali%3AversionedLeadGenForm%3A%28urn%3Ali%3AleadGenForm%3A3162%2C1%29"
    )


def test_query_drops_none_and_keeps_order() -> None:
    query = encode_query(
        {
            "q": "owner",
            "owner": {"sponsoredAccount": "urn:li:sponsoredAccount:9"},
            "skip": None,
            "count": 10,
        }
    )
    assert query == "q=owner&owner=(sponsoredAccount:urn%3Ali%3AsponsoredAccount%3A9)&count=10"


def test_urn_ids_stay_exact_above_2_pow_53() -> None:
    urn = "urn:li:versionedLeadGenForm:(urn:li:leadGenForm:6955637458260688897,3)"
    assert parse_versioned_form_urn(urn) == (6955637458260688897, 3)
    assert (
        parse_urn_id("urn:li:organization:6955637458260688897", "organization")
        == 6955637458260688897
    )
    assert parse_urn_id("urn:li:sponsoredCampaign:12", "sponsoredCreative") is None
    assert parse_urn_id(None, "organization") is None
    assert parse_versioned_form_urn("urn:li:leadGenForm:1") is None


def test_restli_request_encodes_its_params_as_restli_and_drops_none() -> None:
    # What the SDK sends as the query of each request a stream builds.
    request = RestliRequest(
        url="https://api.linkedin.com/rest/leadForms",
        params={
            "q": "owner",
            "owner": {"sponsoredAccount": "urn:li:sponsoredAccount:123"},
            "pageToken": None,
            "ids": RestliList(["a b", "c,d"]),
        },
    )

    assert request.encode_params() == (
        "q=owner&owner=(sponsoredAccount:urn%3Ali%3AsponsoredAccount%3A123)&ids=List(a%20b,c%2Cd)"
    )
