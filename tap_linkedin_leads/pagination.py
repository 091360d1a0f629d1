"""Paginators for LinkedIn's two collection styles.

Offset finders (``leadForms``, ``leadFormResponses``) return short pages in the middle of a
result set, so the next page is decided from ``paging.total`` and the offset always moves by
the page size LinkedIn reports, never by the number of elements received. Cursor finders
(``adAccounts`` search) hand back ``metadata.nextPageToken`` until the last page.
"""

from __future__ import annotations

import typing as t

from singer_sdk.pagination import BaseAPIPaginator

from tap_linkedin_leads.payload import payload_of

if t.TYPE_CHECKING:
    import requests

__all__ = ["CursorPaginator", "OffsetPaginator"]


def _elements(payload: t.Any) -> list[t.Any]:
    elements = payload.get("elements") if isinstance(payload, dict) else None
    return elements if isinstance(elements, list) else []


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

    def _paging(self, response: requests.Response) -> tuple[int, int | None]:
        """Return (offset of the next page, total or ``None``) from the ``paging`` block."""
        payload = payload_of(response)
        paging = payload.get("paging") if isinstance(payload, dict) else None
        paging = paging if isinstance(paging, dict) else {}
        start = paging.get("start")
        count = paging.get("count")
        total = paging.get("total")
        start = (
            start if isinstance(start, int) and not isinstance(start, bool) else self.current_value
        )
        # LinkedIn may cap ``count`` below what was asked for; its echo is the step that
        # neither skips nor repeats elements.
        step = (
            count
            if isinstance(count, int) and not isinstance(count, bool) and count > 0
            else self._page_size
        )
        total = total if isinstance(total, int) and not isinstance(total, bool) else None
        return start + step, total

    def get_next(self, response: requests.Response) -> int | None:
        """Offset of the next page."""
        next_start, _ = self._paging(response)
        return next_start

    def has_more(self, response: requests.Response) -> bool:
        """More pages follow while the next offset is below ``total``.

        Without a ``total`` the only safe end marker is an empty page.
        """
        next_start, total = self._paging(response)
        if total is not None:
            return next_start < total
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
        payload = payload_of(response)
        metadata = payload.get("metadata") if isinstance(payload, dict) else None
        token = metadata.get("nextPageToken") if isinstance(metadata, dict) else None
        return token if isinstance(token, str) and token else None

    def continue_if_empty(self, response: requests.Response) -> bool:
        """An empty page with a next token is not the end."""
        return self.get_next(response) is not None
