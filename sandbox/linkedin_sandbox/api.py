"""The sandbox's request pipeline, independent of sockets.

:meth:`SandboxApi.handle` takes a :class:`Request` and returns a :class:`Response` (plus
transport directives such as "drop the connection" for fault injection). The order of checks:

1. Query tunnelling: ``POST`` + ``X-HTTP-Method-Override: GET`` reads the query from the body.
2. Routing: unknown path -> 404.
3. Faults scheduled for this endpoint (429, 5xx, dropped connection, delay, ...).
4. Method -> 405.
5. OAuth endpoints: refresh grant, token introspection.
6. ``/rest``: query length (414), ``Authorization`` (401), ``LinkedIn-Version`` (400/426),
   ``X-Restli-Protocol-Version`` (400), Rest.li query parsing (400), the token's scopes (403),
   then the resource handler (403/404/400/200).

Every request is recorded (secrets redacted) before its response is written, so a test that
inspects the log right after the client returns always finds it.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote

from linkedin_sandbox import endpoints, errors
from linkedin_sandbox.requestlog import (
    RecordedRequest,
    RequestLog,
    redact_form,
    redact_headers,
    redact_query,
)
from linkedin_sandbox.restli_parse import RestliSyntaxError, parse_query

if TYPE_CHECKING:
    from linkedin_sandbox.data import SandboxData
    from linkedin_sandbox.faults import Fault, FaultPlan
    from linkedin_sandbox.oauth import TokenStore
    from linkedin_sandbox.options import ServerOptions

logger = logging.getLogger("linkedin_sandbox")

TOKEN_PATH = "/oauth/v2/accessToken"  # noqa: S105 - a path, not a secret
INTROSPECT_PATH = "/oauth/v2/introspectToken"
#: Any one of these scopes opens an endpoint (LinkedIn's Lead Sync permissions table: ``r_ads``
#: reads ad accounts and their forms, but leads need ``r_marketing_leadgen_automation``).
ENDPOINT_SCOPES = {
    "adAccounts": frozenset({"r_ads", "rw_ads"}),
    "adCampaigns": frozenset({"r_ads", "rw_ads"}),
    "leadForms": frozenset({"r_ads", "rw_ads", "r_marketing_leadgen_automation"}),
    "leadFormResponses": frozenset({"r_marketing_leadgen_automation"}),
}
_VERSION = re.compile(r"\d{6}")

Handler = Callable[..., dict[str, Any]]


@dataclass
class Request:
    """A request as read off the socket.

    Attributes:
        method: HTTP method.
        path: URL path (still percent-encoded).
        raw_query: Query string exactly as sent, without ``?``.
        headers: Request headers (names in the case the client sent).
        body: Request body bytes.
    """

    method: str
    path: str
    raw_query: str
    headers: dict[str, str]
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """Header value by case-insensitive name."""
        lowered = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == lowered), None)


@dataclass
class Response:
    """What to send back.

    Attributes:
        status: HTTP status.
        body: Body bytes.
        headers: Response headers (Content-Length is added by the server).
        drop: Close the connection without sending anything.
        truncate: Send only half the body (see ``Fault.full_length``).
        delay: Seconds to wait before sending.
    """

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    truncate: Fault | None = None
    delay: float = 0.0


@dataclass
class _Route:
    endpoint: str
    methods: frozenset[str]
    handler: Handler | None
    path_args: tuple[str, ...] = ()


def _encode(body: dict[str, Any]) -> bytes:
    # Python's json writes ints exactly, so 19-digit ids survive (no float conversion).
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


_GET = frozenset({"GET"})
_SEGMENT = "([^/]+)"
_ROUTES: tuple[tuple[re.Pattern[str], str, Handler], ...] = tuple(
    (re.compile(pattern.replace("{}", _SEGMENT)), endpoint, handler)
    for pattern, endpoint, handler in (
        ("adAccounts", "adAccounts", endpoints.ad_accounts),
        ("adAccounts/{}", "adAccounts", endpoints.ad_account),
        ("adAccounts/{}/adCampaigns", "adCampaigns", endpoints.ad_campaigns),
        ("adAccounts/{}/adCampaigns/{}", "adCampaigns", endpoints.ad_campaign),
        ("leadForms", "leadForms", endpoints.lead_forms),
        ("leadForms/{}", "leadForms", endpoints.lead_form),
        ("leadFormResponses", "leadFormResponses", endpoints.lead_form_responses),
        ("leadFormResponses/{}", "leadFormResponses", endpoints.lead_form_response),
    )
)


def _route(path: str) -> _Route | None:
    if path == TOKEN_PATH:
        return _Route("token", frozenset({"POST"}), None)
    if path == INTROSPECT_PATH:
        return _Route("introspect", frozenset({"POST"}), None)
    if not path.startswith("/rest/"):
        return None
    rest = path[len("/rest/") :]
    for pattern, endpoint, handler in _ROUTES:
        match = pattern.fullmatch(rest)
        if match:
            # Resource keys in the path are fully percent-encoded (Rest.li 2.0 rule for keys).
            args = tuple(unquote(group) for group in match.groups())
            return _Route(endpoint, _GET, handler, args)
    return None


class SandboxApi:
    """Routes, authenticates, validates and answers requests."""

    def __init__(
        self,
        data: SandboxData,
        *,
        options: ServerOptions,
        tokens: TokenStore,
        faults: FaultPlan,
        log: RequestLog,
        clock: Callable[[], float],
    ) -> None:
        """Wire the pipeline.

        Args:
            data: The data set.
            options: Behaviour switches.
            tokens: The token store.
            faults: The fault plan.
            log: Where requests are recorded.
            clock: Time source (seconds).
        """
        self.data = data
        self.options = options
        self.tokens = tokens
        self.faults = faults
        self.log = log
        self.clock = clock

    def handle(self, request: Request) -> Response:
        """Answer one request and record it.

        Args:
            request: The request.

        Returns:
            The response (possibly a drop/truncate/delay directive).
        """
        method = request.method
        raw_query = request.raw_query
        tunneled = False
        override = request.header("X-HTTP-Method-Override")
        if method == "POST" and override and request.path.startswith("/rest/"):
            # Query tunnelling: the real method is in the header, the query in the body.
            method = override.upper()
            raw_query = request.body.decode("utf-8", errors="replace")
            tunneled = True
        route = _route(request.path)
        endpoint = route.endpoint if route else None
        effects = self.faults.evaluate(endpoint)
        form_body: dict[str, str] | None = None
        fault_kind: str | None = None
        response: Response
        if effects.expire_tokens:
            self.tokens.expire_all()
        try:
            if effects.response is not None:
                fault_kind = effects.response.kind
                response = self._fault_response(effects.response)
            elif route is None:
                raise errors.no_resource()
            elif method not in route.methods:
                raise errors.method_not_allowed(method)
            elif route.endpoint == "token":
                form_body = self._read_form(request)
                response = self._json(200, self.tokens.refresh(form_body), token=True)
            elif route.endpoint == "introspect":
                form_body = self._read_form(request)
                response = self._json(200, self.tokens.introspect(form_body), token=True)
            else:
                response = self._rest(
                    request, route, raw_query=raw_query, forbidden=frozenset(effects.forbidden_ids)
                )
        except errors.ApiError as exc:
            oauth = endpoint in {"token", "introspect"}
            response = self._json(exc.status, exc.body, token=oauth)
            response.headers.update(exc.headers)
        response.delay = effects.delay
        if effects.truncate is not None and not response.drop:
            response.truncate = effects.truncate
            fault_kind = fault_kind or "truncated_body"
        self._record(
            request,
            response,
            method=method,
            raw_query=raw_query,
            endpoint=endpoint,
            form_body=form_body,
            tunneled=tunneled,
            fault_kind=fault_kind,
        )
        return response

    # ------------------------------------------------------------------ pieces

    def _fault_response(self, fault: Fault) -> Response:
        if fault.kind == "drop_connection":
            return Response(0, b"", drop=True)
        if fault.kind == "rate_limit":
            raise errors.throttled(fault.retry_after)
        if fault.kind == "rate_limit_no_header":
            raise errors.throttled(None)
        if fault.kind == "daily_limit":
            raise errors.daily_limit()
        raise errors.server_error(fault.status)

    def _read_form(self, request: Request) -> dict[str, str]:
        content_type = (request.header("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            raise errors.oauth_error(
                400,
                "invalid_request",
                "Content-Type must be application/x-www-form-urlencoded",
            )
        parsed = parse_qs(request.body.decode("utf-8", errors="replace"), keep_blank_values=True)
        return {key: values[0] for key, values in parsed.items()}

    def _authenticate(self, request: Request) -> str:
        header = request.header("Authorization")
        if not header:
            raise errors.empty_access_token()
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise errors.invalid_access_token()
        state = self.tokens.check(token.strip())
        if state == "invalid":
            raise errors.invalid_access_token()
        if state == "expired":
            raise errors.expired_access_token()
        if state == "revoked":
            raise errors.revoked_access_token()
        return token.strip()

    def _version(self, request: Request) -> str:
        value = request.header("LinkedIn-Version")
        if value is None or not value.strip():
            raise errors.version_missing()
        value = value.strip()
        if not _VERSION.fullmatch(value):
            raise errors.invalid_version(value)
        if not self.options.serves(value):
            raise errors.nonexistent_version(value)
        return value

    def _rest(
        self, request: Request, route: _Route, *, raw_query: str, forbidden: frozenset[int]
    ) -> Response:
        if len(raw_query) > self.options.max_query_length:
            raise errors.uri_too_long()
        token = self._authenticate(request)
        version = self._version(request)
        protocol = request.header("X-Restli-Protocol-Version")
        if self.options.require_protocol_header and (protocol or "").strip() != "2.0.0":
            raise errors.protocol_required(protocol)
        try:
            query = parse_query(raw_query)
        except RestliSyntaxError as exc:
            raise errors.invalid_query(str(exc)) from exc
        needed = ENDPOINT_SCOPES.get(route.endpoint, frozenset())
        if needed and not needed & self.tokens.scopes_of(token):
            finder = query.get("q")
            method = f"FINDER-{finder}" if isinstance(finder, str) else "GET"
            raise errors.access_denied(route.endpoint, method, version)
        call = endpoints.Call(
            data=self.data,
            options=self.options,
            query=query,
            version=version,
            forbidden=forbidden | frozenset(self.data.forbidden_account_ids),
        )
        assert route.handler is not None  # only the token route has none
        return self._json(200, route.handler(call, *route.path_args))

    def _json(self, status: int, body: dict[str, Any], *, token: bool = False) -> Response:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Cache-Control"] = "no-store"
        else:
            headers["X-RestLi-Protocol-Version"] = "2.0.0"
            headers["x-li-uuid"] = base64.b64encode(os.urandom(16)).decode()
        return Response(status, _encode(body), headers)

    def _record(
        self,
        request: Request,
        response: Response,
        *,
        method: str,
        raw_query: str,
        endpoint: str | None,
        form_body: dict[str, str] | None,
        tunneled: bool,
        fault_kind: str | None,
    ) -> None:
        safe_query = redact_query(raw_query)
        try:
            parsed: dict[str, Any] = parse_query(safe_query)
        except RestliSyntaxError:
            parsed = {}
        if endpoint in {"token", "introspect"} and form_body is None and request.body:
            try:
                form_body = {
                    k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()
                }
            except ValueError:
                form_body = None
        status = None if response.drop else response.status
        record = RecordedRequest(
            method=method,
            path=request.path,
            raw_query=safe_query,
            query=parsed,
            headers=redact_headers(request.headers),
            body=redact_form(form_body) if form_body is not None else None,
            status=status,
            endpoint=endpoint,
            tunneled=tunneled,
            fault=fault_kind,
            timestamp=self.clock(),
            response_bytes=0 if response.drop else len(response.body),
        )
        self.log.append(record)
        logger.debug(
            "%s %s%s -> %s [%s]%s",
            method,
            request.path,
            f"?{safe_query}" if safe_query else "",
            "dropped" if status is None else status,
            endpoint or "-",
            f" fault={fault_kind}" if fault_kind else "",
        )
