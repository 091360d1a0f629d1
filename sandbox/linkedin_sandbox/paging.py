"""Pagination models: withheld slots for offset finders and opaque cursor tokens.

Short pages
-----------
LinkedIn filters some finder results *after* it has cut the page window (privacy, deleted
members, permission checks), so a page can hold fewer than ``count`` elements while more
follow, and ``paging.total`` counts the filtered-out items too. A client must advance
``start`` by ``count`` (not by ``len(elements)``) and must not stop on a short page.

The sandbox models this with *withheld slots*. A query's result is laid out as a virtual list
of slots; some slots hold no lead. The page for ``start``/``count`` covers virtual slots
``[start, start + count)`` and returns the leads in them, in order. ``paging.total`` is the
number of slots. Every real lead sits in exactly one slot, so a client that walks
``start = 0, count, 2 * count, ...`` while ``start < total`` receives every lead exactly once.

* Periodic withholding (on by default): in every block of ``period`` slots, the slots at
  ``offsets`` are withheld. The offsets are not adjacent, so any window of two or more slots
  still holds a lead: no page is empty by accident. It applies only when ``count >= 2``.
* Empty page (off by default): the whole second page, slots ``[count, 2 * count)``, is
  withheld when the result needs more than one page, so a client that stops on an empty page
  loses everything after it.

The mapping is arithmetic, so a page costs O(count) whatever the size of the result.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from itertools import pairwise


@dataclass(frozen=True)
class ShortPagePlan:
    """Where the withheld slots go.

    Attributes:
        withhold: Enable periodic withholding (short pages mid-stream).
        period: Block length of the periodic pattern.
        offsets: Withheld positions inside each block (must not be adjacent).
        empty_page: Also withhold the entire second page.
    """

    withhold: bool = True
    period: int = 50
    offsets: tuple[int, ...] = (7, 19, 31)
    empty_page: bool = False
    _real_residues: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _rank: dict[int, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Validate the pattern and precompute residue tables."""
        offsets = sorted(set(self.offsets))
        if not offsets or offsets[0] < 0 or offsets[-1] >= self.period:
            msg = "offsets must be inside [0, period)"
            raise ValueError(msg)
        if any(b - a < 2 for a, b in pairwise(offsets)) or (
            offsets[0] == 0 and offsets[-1] == self.period - 1
        ):
            msg = "withheld offsets must not be adjacent (that could produce an empty page)"
            raise ValueError(msg)
        residues = tuple(r for r in range(self.period) if r not in offsets)
        object.__setattr__(self, "_real_residues", residues)
        object.__setattr__(self, "_rank", {r: i for i, r in enumerate(residues)})

    def _periodic(self, count: int) -> bool:
        return self.withhold and count >= 2

    def _base_length(self, n_real: int, count: int) -> int:
        if n_real == 0:
            return 0
        if not self._periodic(count):
            return n_real
        per_block = len(self._real_residues)
        last = n_real - 1
        return (last // per_block) * self.period + self._real_residues[last % per_block] + 1

    def _base_real(self, slot: int, count: int) -> int | None:
        if not self._periodic(count):
            return slot
        rank = self._rank.get(slot % self.period)
        if rank is None:
            return None
        return (slot // self.period) * len(self._real_residues) + rank

    def _gap(self, n_real: int, count: int) -> bool:
        return self.empty_page and count >= 1 and self._base_length(n_real, count) > count

    def total(self, n_real: int, count: int) -> int:
        """Number of slots (``paging.total``) for ``n_real`` leads paged by ``count``.

        Args:
            n_real: Leads that match the query.
            count: The page size the client asked for.

        Returns:
            The slot count; at least ``n_real``.
        """
        base = self._base_length(n_real, count)
        return base + count if self._gap(n_real, count) else base

    def page(self, start: int, count: int, n_real: int) -> list[int]:
        """Positions (0-based, in result order) of the leads on one page.

        Args:
            start: The page's first slot.
            count: The page size.
            n_real: Leads that match the query.

        Returns:
            Result positions, ascending; may be shorter than ``count`` or empty.
        """
        end = min(start + count, self.total(n_real, count))
        gap = self._gap(n_real, count)
        positions = []
        for slot in range(start, end):
            base_slot = slot
            if gap:
                if count <= slot < 2 * count:
                    continue
                if slot >= 2 * count:
                    base_slot = slot - count
            real = self._base_real(base_slot, count)
            if real is not None and real < n_real:
                positions.append(real)
        return positions


def encode_page_token(offset: int, fingerprint: str) -> str:
    """Opaque cursor for cursor-paginated finders (adAccounts search, adCampaigns).

    Args:
        offset: Index of the first element of the next page.
        fingerprint: Digest of the query the token belongs to.

    Returns:
        A URL-safe token without ``=`` padding (so it needs no encoding in a query string).
    """
    raw = f"{offset}:{fingerprint}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_page_token(token: str, fingerprint: str) -> int:
    """Read a token made by :func:`encode_page_token` for the same query.

    Args:
        token: The token the client sent.
        fingerprint: Digest of the current query.

    Returns:
        The offset it encodes.

    Raises:
        ValueError: If the token is malformed or belongs to a different query.
    """
    try:
        padded = token + "=" * (-len(token) % 4)
        text = base64.urlsafe_b64decode(padded.encode()).decode()
        offset_text, _, token_fingerprint = text.partition(":")
        offset = int(offset_text)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        msg = "malformed page token"
        raise ValueError(msg) from exc
    if token_fingerprint != fingerprint or offset < 0:
        msg = "page token does not belong to this query"
        raise ValueError(msg)
    return offset
