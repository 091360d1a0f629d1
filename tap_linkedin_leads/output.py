"""Singer output: msgspec-encoded messages, with STATE messages kept in proportion.

The SDK emits the whole state after every owner (ad account, organization). The state holds
one bookmark per owner, so with many owners those messages would grow with the square of
the owner count. This writer holds a STATE back until the records written since the last
one outweigh it (or a minute has passed), and always writes the newest one at the end.
Holding a STATE back is safe: it only ever describes records already written before it.

Other messages are written in chunks rather than flushed one by one (a system call per
record costs more than encoding it). Every STATE flushes the records before it first, so a
target never sees a STATE before the records it covers; records lost in a chunk when the
process is killed come again from the last STATE.

When the target stops reading (a broken pipe), the writer raises one
:class:`~tap_linkedin_leads.errors.OutputClosedError` and writes nothing more.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
import typing as t

from singer_sdk.contrib.msgspec import MsgSpecWriter
from singer_sdk.singerlib import StateMessage
from typing_extensions import override

from tap_linkedin_leads.errors import OutputClosedError

if t.TYPE_CHECKING:
    from collections.abc import Callable

    from singer_sdk.singerlib.encoding.simple import Message

__all__ = ["ProportionalStateWriter"]


class ProportionalStateWriter(MsgSpecWriter):
    """Writes RECORD/SCHEMA at once and STATE when the output since the last one warrants."""

    #: A STATE is written once the records since the previous one are this many times its size.
    RECORD_BYTES_PER_STATE_BYTE = 10
    #: ... or once this many seconds have passed, so slow syncs still checkpoint.
    MAX_SECONDS_BETWEEN_STATES = 60.0
    #: Records and schemas reach stdout in chunks of about this size (or with a STATE).
    CHUNK_BYTES = 256 * 1024

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        """Start with nothing written and nothing held."""
        super().__init__()
        self._clock = clock
        self._bytes_since_state = 0
        self._last_state_at = clock()
        self._pending: bytes | None = None
        self._chunk = bytearray()
        self._closed = False

    @override
    def write_message(self, message: Message) -> None:
        # The SDK encodes every message into the same buffer: copied once, into the chunk
        # or, for a STATE, into bytes of its own (it may be held back).
        encoded = self.format_message(message)
        if not isinstance(message, StateMessage):
            self._bytes_since_state += len(encoded)
            self._chunk += encoded
            if len(self._chunk) >= self.CHUNK_BYTES:
                self.flush()
            return
        line = bytes(encoded)
        due = self._bytes_since_state >= self.RECORD_BYTES_PER_STATE_BYTE * len(line)
        overdue = self._clock() - self._last_state_at >= self.MAX_SECONDS_BETWEEN_STATES
        if due or overdue:
            self._write_state(line)
        else:
            self._pending = line

    def flush_pending_state(self) -> None:
        """Write the records and the newest held STATE (at the end of a run, or on failing)."""
        if self._closed:
            return
        if self._pending is not None:
            self._write_state(self._pending)
        else:
            self.flush()

    def flush(self) -> None:
        """Write the records held in the current chunk."""
        if self._closed:
            raise OutputClosedError
        try:
            if self._chunk:
                sys.stdout.buffer.write(self._chunk)
                self._chunk.clear()
            sys.stdout.flush()
        except BrokenPipeError:
            self._closed = True
            _discard_stdout()
            raise OutputClosedError from None

    def _write_state(self, line: bytes) -> None:
        self._pending = None
        self._bytes_since_state = 0
        self._last_state_at = self._clock()
        self._chunk += line
        self.flush()


def _discard_stdout() -> None:
    """Point stdout at the null device, so Python's own flush at exit cannot fail again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
