"""The sandbox's request log, with secrets redacted before anything is stored.

Tests read :class:`RecordedRequest` objects to assert what a client put on the wire (the raw
query string exactly as sent, headers, token-call bodies). Access tokens, refresh tokens and
client secrets never reach the log: ``Authorization`` becomes ``Bearer <redacted>`` and secret
form fields become ``<redacted>``.
"""

from __future__ import annotations

import re
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

REDACTED = "<redacted>"
SECRET_FIELDS = frozenset(
    {"client_secret", "refresh_token", "access_token", "code", "token", "oauth2_access_token"}
)
_SECRET_QUERY = re.compile(r"(?i)((?:^|&)(?:oauth2_access_token|access_token)=)[^&]*")


def redact_headers(headers: dict[str, str]) -> dict[str, str]:
    """Copy headers, replacing the Authorization value.

    Args:
        headers: Request headers.

    Returns:
        The redacted copy.
    """
    redacted = {}
    for name, value in headers.items():
        if name.lower() == "authorization":
            scheme = value.split(" ", 1)[0] if value else ""
            redacted[name] = f"{scheme} {REDACTED}" if scheme else REDACTED
        else:
            redacted[name] = value
    return redacted


def redact_form(form: dict[str, str]) -> dict[str, str]:
    """Copy a decoded form body, replacing secret fields."""
    return {k: (REDACTED if k in SECRET_FIELDS and v else v) for k, v in form.items()}


def redact_query(raw_query: str) -> str:
    """Remove access tokens a client put in the query string."""
    return _SECRET_QUERY.sub(lambda m: m.group(1) + REDACTED, raw_query)


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the sandbox saw it (secrets redacted).

    Attributes:
        method: HTTP method (the effective one for tunnelled queries).
        path: URL path without the query string.
        raw_query: Query string exactly as sent (from the body for tunnelled requests).
        query: The query parsed as Rest.li 2.0 (empty if it did not parse).
        headers: Request headers, ``Authorization`` redacted.
        body: Decoded form body of token calls (secrets redacted), else None.
        status: HTTP status answered, or None when the connection was dropped.
        endpoint: Endpoint name (``token``, ``adAccounts``, ...) or None for unknown paths.
        tunneled: True for ``POST`` + ``X-HTTP-Method-Override: GET``.
        fault: Kind of the fault that shaped the answer, if any.
        timestamp: Server clock when the request was handled.
        response_bytes: Length of the response body the sandbox built (0 when dropped).
    """

    method: str
    path: str
    raw_query: str
    query: dict[str, Any]
    headers: dict[str, str]
    body: dict[str, str] | None
    status: int | None
    endpoint: str | None
    tunneled: bool = False
    fault: str | None = None
    timestamp: float = 0.0
    response_bytes: int = 0

    def __getitem__(self, key: str) -> Any:
        """Dict-style access (``record["status"]``) for convenience."""
        if key not in self.__dataclass_fields__:
            raise KeyError(key)
        return getattr(self, key)

    def to_dict(self) -> dict[str, Any]:
        """A plain-dict copy."""
        return asdict(self)

    def header(self, name: str) -> str | None:
        """A request header by case-insensitive name."""
        lowered = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == lowered), None)


@dataclass
class RequestLog:
    """Thread-safe list of recorded requests with an optional size cap.

    Attributes:
        limit: Keep at most this many (oldest dropped first); None keeps everything.
    """

    limit: int | None = None
    _items: list[RecordedRequest] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def append(self, record: RecordedRequest) -> None:
        """Store a record."""
        with self._lock:
            self._items.append(record)
            if self.limit is not None and len(self._items) > self.limit:
                del self._items[: len(self._items) - self.limit]

    def snapshot(self) -> list[RecordedRequest]:
        """A copy of the records, oldest first."""
        with self._lock:
            return list(self._items)

    def clear(self) -> None:
        """Forget every record."""
        with self._lock:
            self._items.clear()
