"""Deterministic fault injection for the sandbox server.

A :class:`Fault` says *what* goes wrong and *when*: on which endpoint, from which matching call
(``at_call``, 1-based), for how many consecutive matching calls (``times``) or on every n-th one
(``every``). Each fault counts the calls that match its endpoint on its own, so two faults on
the same endpoint do not disturb each other's schedule. Every request counts, including ones
that were answered with an error.

Kinds:

* ``rate_limit`` — 429 with ``Retry-After: <retry_after>``.
* ``rate_limit_no_header`` — 429 without ``Retry-After`` (LinkedIn's use of it is UNCONFIRMED).
* ``daily_limit`` — 429 with the "APPLICATION AND MEMBER DAY limit" body; once it fires it
  answers every later matching call until :meth:`FaultPlan.clear`.
* ``server_error`` — ``status`` 500, 502, 503 or 504.
* ``drop_connection`` — the socket is closed without any response.
* ``truncated_body`` — the normal response with its body cut in half; ``Content-Length``
  matches what is sent unless ``full_length`` is set (then the client sees an incomplete read).
* ``slow`` — wait ``seconds`` before answering normally (for read-timeout tests).
* ``expire_token`` — every access token issued so far expires just before the call is
  authenticated, so the call (and later ones with the same token) get 401
  EXPIRED_ACCESS_TOKEN until the client refreshes. ``endpoint=None`` means any ``/rest`` call.
* ``forbid_account`` — from the firing call on, ``account_id`` answers 403 ACCESS_DENIED on
  matching calls until cleared (works for organization ids too).

CLI syntax: ``kind:key=value,key=value``, e.g.
``rate_limit:endpoint=leadFormResponses,at_call=2,times=2,retry_after=1``.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field

KINDS = frozenset(
    {
        "rate_limit",
        "rate_limit_no_header",
        "daily_limit",
        "server_error",
        "drop_connection",
        "truncated_body",
        "slow",
        "expire_token",
        "forbid_account",
    }
)
ENDPOINTS = frozenset(
    {"token", "introspect", "adAccounts", "adCampaigns", "leadForms", "leadFormResponses", "api"}
)
"""Endpoint names for targeting; ``api`` means any ``/rest`` endpoint."""

STICKY_KINDS = frozenset({"daily_limit", "forbid_account"})
SERVER_ERROR_STATUSES = frozenset({500, 502, 503, 504})


@dataclass
class Fault:
    """One scheduled fault.

    Attributes:
        kind: What goes wrong (see the module docstring).
        endpoint: Endpoint name it targets (``token``, ``adAccounts``, ``adCampaigns``,
            ``leadForms``, ``leadFormResponses``, ``api`` = any /rest call), or None = any.
        at_call: 1-based index of the first matching call it fires on.
        times: How many consecutive matching calls it fires on (ignored with ``every``).
        every: Fire on every n-th matching call from ``at_call`` on, indefinitely.
        retry_after: ``Retry-After`` seconds for ``rate_limit``.
        status: HTTP status for ``server_error``.
        seconds: Delay for ``slow``.
        full_length: For ``truncated_body``, announce the full body's Content-Length.
        account_id: Account (or organization) id for ``forbid_account``.
    """

    kind: str
    endpoint: str | None = None
    at_call: int = 1
    times: int = 1
    every: int | None = None
    retry_after: int = 1
    status: int = 500
    seconds: float = 1.0
    full_length: bool = False
    account_id: int | None = None

    def __post_init__(self) -> None:
        """Validate the fault so a typo fails loudly instead of never firing."""
        problems = []
        if self.kind not in KINDS:
            problems.append(f"unknown kind {self.kind!r} (known: {', '.join(sorted(KINDS))})")
        if self.endpoint is not None and self.endpoint not in ENDPOINTS:
            problems.append(
                f"unknown endpoint {self.endpoint!r} (known: {', '.join(sorted(ENDPOINTS))})"
            )
        if self.at_call < 1 or self.times < 1 or (self.every is not None and self.every < 1):
            problems.append("at_call, times and every must be >= 1")
        if self.kind == "server_error" and self.status not in SERVER_ERROR_STATUSES:
            problems.append("server_error status must be one of 500, 502, 503, 504")
        if self.kind == "forbid_account" and self.account_id is None:
            problems.append("forbid_account needs account_id")
        if self.seconds < 0 or self.retry_after < 0:
            problems.append("seconds and retry_after must not be negative")
        if problems:
            raise ValueError("; ".join(problems))

    @classmethod
    def parse(cls, spec: str) -> Fault:
        """Parse the CLI form ``kind:key=value,...``.

        Args:
            spec: e.g. ``server_error:endpoint=leadForms,status=503,times=2``.

        Returns:
            The fault.

        Raises:
            ValueError: On unknown keys or bad values.
        """
        kind, _, rest = spec.partition(":")
        kwargs: dict[str, object] = {}
        types = {f.name: f.type for f in dataclasses.fields(cls)}
        for item in filter(None, rest.split(",")):
            key, sep, raw = item.partition("=")
            key = key.strip()
            raw = raw.strip()
            if not sep or key not in types or key == "kind":
                msg = f"bad fault option {item!r} in {spec!r}"
                raise ValueError(msg)
            type_name = str(types[key])
            value: object
            if raw.lower() in {"none", "null", ""} and "None" in type_name:
                value = None
            elif type_name.startswith("bool"):
                if raw.lower() not in {"true", "false", "1", "0", "yes", "no"}:
                    msg = f"{key} must be true or false, got {raw!r}"
                    raise ValueError(msg)
                value = raw.lower() in {"true", "1", "yes"}
            elif type_name.startswith("int"):
                value = int(raw)
            elif type_name.startswith("float"):
                value = float(raw)
            else:
                value = raw
            kwargs[key] = value
        return cls(kind.strip(), **kwargs)  # type: ignore[arg-type]

    def matches_endpoint(self, endpoint: str | None) -> bool:
        """Whether a call to ``endpoint`` counts towards this fault's schedule."""
        target = self.endpoint
        if target is None and self.kind == "expire_token":
            target = "api"
        if target is None:
            return True
        if target == "api":
            return endpoint is not None and endpoint not in {"token", "introspect"}
        return endpoint == target

    def fires_on(self, n: int) -> bool:
        """Whether the n-th matching call (1-based) triggers the fault."""
        if n < self.at_call:
            return False
        if self.every is not None:
            return (n - self.at_call) % self.every == 0
        return n < self.at_call + self.times


@dataclass
class FaultEffects:
    """What the faults decided for one request.

    Attributes:
        response: The fault whose error response replaces the normal one, if any.
        truncate: A ``truncated_body`` fault to apply to the response, if any.
        delay: Seconds to wait before answering.
        expire_tokens: Expire all access tokens before authenticating.
        forbidden_ids: Account/organization ids that must answer 403 for this request.
    """

    response: Fault | None = None
    truncate: Fault | None = None
    delay: float = 0.0
    expire_tokens: bool = False
    forbidden_ids: set[int] = field(default_factory=set)


@dataclass
class _Scheduled:
    fault: Fault
    calls: int = 0
    latched: bool = False


class FaultPlan:
    """Thread-safe runtime state of the configured faults."""

    def __init__(self, faults: list[Fault] | tuple[Fault, ...] = ()) -> None:
        """Start with the given faults (their call counters at zero).

        Args:
            faults: Faults in priority order (the first response-replacing one wins).
        """
        self._lock = threading.Lock()
        self._scheduled = [_Scheduled(f) for f in faults]

    @property
    def faults(self) -> list[Fault]:
        """The configured faults."""
        with self._lock:
            return [s.fault for s in self._scheduled]

    def add(self, fault: Fault) -> None:
        """Add a fault; its call counter starts now."""
        with self._lock:
            self._scheduled.append(_Scheduled(fault))

    def clear(self, kind: str | None = None) -> None:
        """Remove all faults, or only those of one kind (also ends sticky ones)."""
        with self._lock:
            self._scheduled = [
                s for s in self._scheduled if kind is not None and s.fault.kind != kind
            ]

    def evaluate(self, endpoint: str | None) -> FaultEffects:
        """Count one call to ``endpoint`` and decide which faults fire on it.

        Args:
            endpoint: The endpoint name of the request (None for unknown paths).

        Returns:
            The combined effects.
        """
        effects = FaultEffects()
        with self._lock:
            for scheduled in self._scheduled:
                fault = scheduled.fault
                if not fault.matches_endpoint(endpoint):
                    continue
                scheduled.calls += 1
                fired = scheduled.latched or fault.fires_on(scheduled.calls)
                if not fired:
                    continue
                if fault.kind in STICKY_KINDS:
                    scheduled.latched = True
                if fault.kind == "slow":
                    effects.delay += fault.seconds
                elif fault.kind == "expire_token":
                    effects.expire_tokens = True
                elif fault.kind == "forbid_account" and fault.account_id is not None:
                    effects.forbidden_ids.add(fault.account_id)
                elif fault.kind == "truncated_body":
                    effects.truncate = effects.truncate or fault
                elif effects.response is None:
                    effects.response = fault
        return effects
