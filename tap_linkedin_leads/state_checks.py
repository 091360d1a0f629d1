"""Checks on the STATE handed to the tap, made before any API call.

The README invites users to read and edit STATE, and Meltano's state backend hands the tap
a file too. Whatever its shape, a state the SDK cannot use stops the run with one sentence
that says where the problem is, instead of a traceback mid-sync; a bookmark that cannot be
read names its stream, owner and value.
"""

from __future__ import annotations

import datetime
import typing as t

from tap_linkedin_leads.errors import StateError
from tap_linkedin_leads.json_input import brief_json, json_kind
from tap_linkedin_leads.payload import json_int
from tap_linkedin_leads.streams.owners import describe_owner
from tap_linkedin_leads.times import parse_datetime

if t.TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["BOOKMARK_FORMAT", "check_state", "parse_bookmark"]

#: What a bookmark looks like: the format the tap writes ``submitted_at`` in.
BOOKMARK_FORMAT = "an ISO 8601 date-time such as 2026-10-31T09:05:14.025+00:00"


def parse_bookmark(value: object) -> datetime.datetime | None:
    """A bookmark as a time, if both the tap and the SDK can read it; else ``None``.

    The SDK compares a bookmark with ``start_date`` through ``datetime.fromisoformat``, the
    tap plans its window with :func:`~tap_linkedin_leads.times.parse_datetime`.
    """
    if not isinstance(value, str):
        return None
    try:
        datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parse_datetime(value)


def check_state(state: object, replication_keys: Mapping[str, str]) -> None:
    """Raise :class:`StateError` unless the SDK and the tap can use ``state`` as it is.

    ``replication_keys`` maps each incremental stream to its replication key; their
    partitions must name an owner and hold a readable bookmark.
    """
    if not isinstance(state, dict):
        raise StateError(f"holds a JSON {json_kind(state)}, not an object", in_entry=False)
    if "singer_state" in state and "bookmarks" not in state:
        raise StateError(
            'holds Meltano\'s wrapper {"singer_state": ...}, not a Singer state: use the '
            "object inside `singer_state`",
            in_entry=False,
        )
    bookmarks = state.get("bookmarks", {})
    if not isinstance(bookmarks, dict):
        raise StateError(
            f"has `bookmarks` that is a JSON {json_kind(bookmarks)}, not an object of streams"
        )
    for stream, stream_state in bookmarks.items():
        where = f"bookmarks.{stream}"
        if not isinstance(stream_state, dict):
            raise StateError(
                f"has `{where}` that is a JSON {json_kind(stream_state)}, not an object"
            )
        partitions = stream_state.get("partitions", [])
        if not isinstance(partitions, list):
            raise StateError(
                f"has `{where}.partitions` that is a JSON {json_kind(partitions)}, not an array"
            )
        for index, partition in enumerate(partitions):
            _check_partition(partition, f"{where}.partitions[{index}]", stream, replication_keys)


def _check_partition(
    partition: object,
    where: str,
    stream: str,
    replication_keys: Mapping[str, str],
) -> None:
    if not isinstance(partition, dict):
        raise StateError(f"has `{where}` that is a JSON {json_kind(partition)}, not an object")
    context = partition.get("context")
    if not isinstance(context, dict):
        raise StateError(f"has `{where}` without a `context` object naming its owner")
    replication_key = replication_keys.get(stream)
    if replication_key is None:
        return
    owner = _owner_of(context)
    if owner is None:
        raise StateError(
            f"has `{where}.context` {brief_json(context)}, which names no owner: use "
            '{"account_id": 512345678} or {"organization_id": 2414183, "leadType": "EVENT"} '
            "(ids are numbers)"
        )
    if "replication_key_value" not in partition:
        return
    value = partition["replication_key_value"]
    if partition.get("replication_key") != replication_key:
        raise StateError(
            f"has a bookmark for {stream}, {owner} whose `replication_key` is "
            f"{brief_json(partition.get('replication_key'))}, not {brief_json(replication_key)} "
            f"(`{where}`)"
        )
    if parse_bookmark(value) is None:
        raise StateError(
            f"has a bookmark for {stream}, {owner} that cannot be read: {brief_json(value)} is "
            f"not {BOOKMARK_FORMAT} (`{where}.replication_key_value`)"
        )


def _owner_of(context: Mapping[str, t.Any]) -> str | None:
    """The owner a lead partition's context names, or ``None`` if it names none the tap syncs."""

    def is_id(value: object) -> bool:
        return (json_int(value) or 0) > 0

    keys = set(context)
    if keys == {"account_id"} and is_id(context["account_id"]):
        return describe_owner(context)
    if (
        keys == {"organization_id", "leadType"}
        and is_id(context["organization_id"])
        and isinstance(context["leadType"], str)
    ):
        return describe_owner(context)
    return None
