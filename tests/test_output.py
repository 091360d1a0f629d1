"""STATE messages stay in proportion to the records, and the newest one is never lost."""

from __future__ import annotations

import json

from singer_sdk.singerlib import RecordMessage, StateMessage

from tap_linkedin_leads.output import ProportionalStateWriter
from tests.conftest import (
    capture_stdout,
    lead_bookmark,
    lead_partitions,
    parse_messages,
    state_with_partitions,
)


def _state_bookmarking_owners(count: int) -> StateMessage:
    """A STATE with a lead bookmark for each of owners 0 to ``count - 1``."""
    bookmarks = (lead_bookmark({"account_id": i}, "x" * 20) for i in range(count))
    return StateMessage(value=state_with_partitions(*bookmarks))


def _record(size: int) -> RecordMessage:
    return RecordMessage(stream="s", record={"id": 1, "blob": "y" * size})


def test_small_owners_do_not_get_a_growing_state_each() -> None:
    now = [0.0]
    with capture_stdout() as out:
        writer = ProportionalStateWriter(clock=lambda: now[0])
        for owner in range(1, 201):
            writer.write_message(_record(50))  # one small lead per owner
            writer.write_message(_state_bookmarking_owners(owner))
        writer.flush_pending_state()

    messages = parse_messages(out.getvalue())
    states = [m for m in messages if m["type"] == "STATE"]
    state_bytes = sum(len(json.dumps(m)) for m in states)
    # One state per owner would be about 200 * 100 * 60 bytes = 1.2 MB.
    assert state_bytes < 40_000
    assert len(lead_partitions(states[-1]["value"])) == 200, "the newest state"
    assert len([m for m in messages if m["type"] == "RECORD"]) == 200


def test_big_owners_get_a_state_after_each() -> None:
    with capture_stdout() as out:
        writer = ProportionalStateWriter(clock=lambda: 0.0)
        for owner in range(1, 6):
            writer.write_message(_record(20_000))
            writer.write_message(_state_bookmarking_owners(owner))

    states = [m for m in parse_messages(out.getvalue()) if m["type"] == "STATE"]
    assert len(states) == 5


def test_a_held_state_is_written_after_a_minute_or_at_flush() -> None:
    now = [0.0]
    with capture_stdout() as out:
        writer = ProportionalStateWriter(clock=lambda: now[0])
        writer.write_message(_state_bookmarking_owners(3))  # nothing written since the start: held
        held = parse_messages(out.getvalue())
        now[0] = 61.0
        writer.write_message(_state_bookmarking_owners(4))  # overdue: written
        writer.write_message(_state_bookmarking_owners(5))  # held again
        writer.flush_pending_state()

    assert held == []
    states = [lead_partitions(m["value"]) for m in parse_messages(out.getvalue())]
    assert [len(p) for p in states] == [4, 5]


def test_each_state_reaches_the_output_after_the_records_it_covers() -> None:
    # Records are held in a chunk; a STATE written (or flushed at the end) must follow them.
    with capture_stdout() as out:
        writer = ProportionalStateWriter(clock=lambda: 0.0)
        for owner in range(1, 4):
            writer.write_message(_record(5_000))
            writer.write_message(_state_bookmarking_owners(owner))
        writer.write_message(_record(50))
        writer.write_message(_state_bookmarking_owners(4))  # held back, then written by the flush
        writer.flush_pending_state()

    messages = parse_messages(out.getvalue())
    assert [m["type"] for m in messages] == ["RECORD", "STATE"] * 4
    assert [len(lead_partitions(m["value"])) for m in messages[1::2]] == [1, 2, 3, 4]
