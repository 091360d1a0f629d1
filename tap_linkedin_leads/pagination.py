"""Paginators for LinkedIn's two collection styles.

Offset finders (``leadForms``, ``leadFormResponses``) return short pages in the middle of a
result set, so the next page is decided from ``paging.total`` and the offset always moves by
the page size LinkedIn reports, never by the number of elements received. Cursor finders
(``adAccounts`` search) hand back ``metadata.nextPageToken`` until the last page.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from singer_sdk.pagination import BaseAPIPaginator

from tap_linkedin_leads.payload import dig, json_int, payload_of

if t.TYPE_CHECKING:
    import requests

__all__ = ["CursorPaginator", "OffsetPaginator", "Paging", "read_paging"]


def _elements(payload: t.Any) -> list[t.Any]:
    elements = dig(payload, "elements")
    return elements if isinstance(elements, list) else []


@dataclass(frozen=True)
class Paging:
    """An offset page's ``paging`` block; a field is ``None`` where it is missing or no int."""

    start: int | None
    count: int | None
    total: int | None


def read_paging(payload: t.Any) -> Paging:
    """The ``paging`` block of an offset finder's answer."""
    paging = dig(payload, "paging")
    return Paging(
        json_int(dig(paging, "start")),
        json_int(dig(paging, "count")),
        json_int(dig(paging, "total")),
    )


class OffsetPaginator(BaseAPIPaginator[int]):
    """``start``/``count`` pagination that survives short and empty pages mid-stream."""

    def __init__(self, page_size: int) -> None:
        """Start at offset 0 asking for ``page_size`` elements a page."""
        super().__init__(0)
        self._page_size = page_size

    @property
    def page_size(self) -> int:
        """The ``count`` to send with each request."""
        return self._page_size

    def _paging(self, response: requests.Response) -> tuple[int, int, int | None]:
        """Return (offset of this page, step to the next, total or ``None``) from ``paging``."""
        paging = read_paging(payload_of(response))
        start = self.current_value if paging.start is None else paging.start
        # LinkedIn may cap ``count`` below what was asked for; its echo is the step that
        # neither skips nor repeats elements.
        step = paging.count if paging.count is not None and paging.count > 0 else self._page_size
        return start, step, paging.total

    def get_next(self, response: requests.Response) -> int | None:
        """Offset of the next page."""
        start, step, _ = self._paging(response)
        return start + step

    def offsets_after(self, response: requests.Response) -> range:
        """Offsets of the pages after ``response`` that ``paging.total`` announces.

        Only a forecast, for sending pages ahead: each page still decides the next one.
        Without a total nothing is forecast, as only an empty page marks the end then.
        """
        start, step, total = self._paging(response)
        return range(start + step, total if total is not None else 0, step)

    def has_more(self, response: requests.Response) -> bool:
        """More pages follow while the next offset is below ``total``.

        Without a ``total`` the only safe end marker is an empty page.
        """
        start, step, total = self._paging(response)
        if total is not None:
            return start + step < total
        return bool(_elements(payload_of(response)))

    def continue_if_empty(self, response: requests.Response) -> bool:
        """An empty page is not the end while ``total`` says more elements follow."""
        return self.has_more(response)


class CursorPaginator(BaseAPIPaginator[t.Optional[str]]):  # noqa: UP045 - runtime generic
    """``pageToken`` pagination: follow ``metadata.nextPageToken`` until there is none."""

    def __init__(self) -> None:
        """Start without a token."""
        super().__init__(None)

    def get_next(self, response: requests.Response) -> str | None:
        """The next page token, or ``None`` on the last page."""
        token = dig(payload_of(response), "metadata", "nextPageToken")
        return token if isinstance(token, str) and token else None

    def continue_if_empty(self, response: requests.Response) -> bool:
        """An empty page with a next token is not the end."""
        return self.get_next(response) is not None
