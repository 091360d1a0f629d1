"""Which lead partitions name an owner: ids are JSON integers above zero, never booleans."""

from __future__ import annotations

import typing as t

import pytest

from tap_linkedin_leads.errors import StateError
from tap_linkedin_leads.state_checks import check_state
from tests.conftest import LEADS_STREAM, lead_bookmark, state_with_partitions

BOOKMARK = "2024-01-10T00:00:00.000+00:00"
REPLICATION_KEYS = {LEADS_STREAM: "submitted_at"}


@pytest.mark.parametrize(
    "context",
    [
        {"account_id": 512345678},
        {"organization_id": 2414183, "leadType": "EVENT"},
    ],
    ids=["account", "organization"],
)
def test_a_partition_naming_an_owner_by_its_integer_id_is_accepted(
    context: dict[str, t.Any],
) -> None:
    check_state(state_with_partitions(lead_bookmark(context, BOOKMARK)), REPLICATION_KEYS)


@pytest.mark.parametrize(
    ("context", "shown"),
    [
        ({"account_id": True}, '{"account_id": true}'),
        ({"account_id": 0}, '{"account_id": 0}'),
        ({"account_id": 5.0}, '{"account_id": 5.0}'),
        ({"account_id": "512345678"}, '{"account_id": "512345678"}'),
        (
            {"organization_id": True, "leadType": "EVENT"},
            '{"organization_id": true, "leadType": "EVENT"}',
        ),
    ],
    ids=["boolean", "zero", "float", "digit-string", "organization-boolean"],
)
def test_a_partition_whose_id_is_not_a_positive_integer_names_no_owner(
    context: dict[str, t.Any], shown: str
) -> None:
    state = state_with_partitions(lead_bookmark(context, BOOKMARK))

    with pytest.raises(StateError) as excinfo:
        check_state(state, REPLICATION_KEYS)

    assert excinfo.value.problem == (
        f"has `bookmarks.{LEADS_STREAM}.partitions[0].context` {shown}, which names no owner: "
        'use {"account_id": 512345678} or {"organization_id": 2414183, "leadType": "EVENT"} '
        "(ids are numbers)"
    )
