"""The sandbox HTTP server: a local stand-in for LinkedIn's Marketing REST API.

:class:`SandboxServer` runs a :class:`http.server.ThreadingHTTPServer` on 127.0.0.1 in a
background thread and hands every request to :class:`~linkedin_sandbox.api.SandboxApi`.
It speaks HTTP/1.1 with keep-alive, so ``requests.Session`` connection reuse works, and it can
misbehave on purpose (dropped connections, truncated bodies, slow answers) for fault tests.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from linkedin_sandbox.api import Request, Response, SandboxApi
from linkedin_sandbox.data import SandboxData
from linkedin_sandbox.faults import Fault, FaultPlan
from linkedin_sandbox.oauth import TokenStore
from linkedin_sandbox.options import READ_AT_START, ServerOptions
from linkedin_sandbox.requestlog import RecordedRequest, RequestLog
from linkedin_sandbox.store import ms_to_iso

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from types import TracebackType

logger = logging.getLogger("linkedin_sandbox")

HOST = "127.0.0.1"


class _HTTPServer(ThreadingHTTPServer):
    """Threading server that remembers open connections so ``stop()`` can close them."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, api: SandboxApi, stopping: threading.Event) -> None:
        self.api = api
        self.stopping = stopping
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__((HOST, port), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Unblock handler threads waiting on idle keep-alive connections."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the peer
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:  # noqa: ARG002
        # Clients that hang up mid-response are expected in fault tests; keep stderr quiet.
        logger.debug("connection error from %s", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in one write without Nagle delays: otherwise every keep-alive
    # request waits ~40 ms for a delayed ACK.
    disable_nagle_algorithm = True
    wbufsize = 64 * 1024
    server: _HTTPServer

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch(send_body=False)

    def do_OPTIONS(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: ARG002
        # SandboxApi logs every request (redacted); the default would print tokens to stderr.
        return

    def _dispatch(self, *, send_body: bool = True) -> None:
        path, _, raw_query = self.path.partition("?")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        request = Request(self.command, path, raw_query, dict(self.headers.items()), body)
        try:
            response = self.server.api.handle(request)
        except Exception:  # a sandbox bug must not kill the connection silently
            logger.exception("sandbox failed on %s %s", self.command, path)
            response = Response(
                500,
                b'{"status":500,"message":"Sandbox internal error"}',
                {"Content-Type": "application/json"},
            )
        if response.delay > 0:
            self.server.stopping.wait(response.delay)
        if response.drop:
            self.close_connection = True
            return
        self._send(response, send_body=send_body)

    def _send(self, response: Response, *, send_body: bool) -> None:
        payload = response.body
        announced = len(payload)
        if response.truncate is not None:
            payload = payload[: len(payload) // 2]
            announced = len(response.body) if response.truncate.full_length else len(payload)
            self.close_connection = True
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(announced))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if send_body:
            self.wfile.write(payload)
        self.wfile.flush()


class SandboxServer:
    """A local LinkedIn Marketing API for tests, demos and benchmarks.

    Use as a context manager (``with SandboxServer(data) as server:``) or call
    :meth:`start` / :meth:`stop`. It binds 127.0.0.1 only; ``port=0`` picks a free port.
    """

    def __init__(
        self,
        data: SandboxData | None = None,
        options: ServerOptions | None = None,
        *,
        faults: Iterable[Fault] = (),
        port: int = 0,
        clock: Callable[[], float] | None = None,
    ) -> None:
        """Configure the server (it does not listen until :meth:`start`).

        Args:
            data: The data to serve (default: ``SandboxData.generate()``).
            options: How the API behaves and which credentials it accepts (default:
                ``ServerOptions()``, the sandbox's documented choices).
            faults: Faults to inject, in priority order.
            port: TCP port on 127.0.0.1; 0 picks a free one.
            clock: Time source in seconds (default ``time.time``), for token expiry.
        """
        self.data = data if data is not None else SandboxData.generate()
        self._options = options if options is not None else ServerOptions()
        self._clock = clock or time.time
        self.tokens = TokenStore(
            clock=self._clock,
            access_token_ttl=self._options.access_token_ttl,
            refresh_token_ttl=self._options.refresh_token_ttl,
            client_id=self._options.client_id,
            client_secret=self._options.client_secret,
            refresh_error_style=self._options.refresh_error_style,
            refresh_token=self._options.refresh_token,
            scope=",".join(self._options.granted_scopes),
        )
        self._faults = FaultPlan(list(faults))
        self._log = RequestLog(limit=self._options.request_log_limit)
        self._api = SandboxApi(
            self.data,
            options=self._options,
            tokens=self.tokens,
            faults=self._faults,
            log=self._log,
            clock=self._clock,
        )
        self._requested_port = port
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> SandboxServer:
        """Bind and serve in a background thread.

        Returns:
            self, so ``server = SandboxServer(data).start()`` works.

        Raises:
            RuntimeError: If already started.
        """
        if self._httpd is not None:
            msg = "sandbox server already started"
            raise RuntimeError(msg)
        self._stopping.clear()
        self._httpd = _HTTPServer(self._requested_port, self._api, self._stopping)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"linkedin-sandbox-{self.port}",
            daemon=True,
        )
        self._thread.start()
        logger.debug("sandbox listening on %s", self.url)
        return self

    def stop(self) -> None:
        """Stop serving, close open connections and release the port (idempotent)."""
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        httpd.close_connections()
        httpd.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> SandboxServer:
        """Start the server."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the server."""
        self.stop()

    # ------------------------------------------------------------------ addresses & config

    @property
    def port(self) -> int:
        """The bound port.

        Raises:
            RuntimeError: If the server is not running.
        """
        if self._httpd is None:
            msg = "sandbox server is not running; call start() first"
            raise RuntimeError(msg)
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://{HOST}:{self.port}"

    @property
    def options(self) -> ServerOptions:
        """Current behaviour switches."""
        return self._options

    def reconfigure(self, **changes: Any) -> None:
        """Change behaviour switches at runtime, e.g. ``live_versions={"202601"}``.

        Args:
            changes: :class:`ServerOptions` fields to replace.

        Raises:
            ValueError: For a field read only when the server is built (``READ_AT_START``).
        """
        fixed = sorted(READ_AT_START.intersection(changes))
        if fixed:
            msg = f"{', '.join(fixed)} can only be set when the server is built"
            raise ValueError(msg)
        self._options = dataclasses.replace(self._options, **changes)
        self._api.options = self._options

    @property
    def refresh_token(self) -> str:
        """The sandbox refresh token (as in :meth:`tap_config`)."""
        return self.tokens.refresh_token

    def tap_config(self) -> dict[str, str]:
        """The settings a tap needs to extract everything from this sandbox.

        Returns:
            ``api_url``, ``oauth_token_url``, ``client_id``, ``client_secret``,
            ``refresh_token``, ``start_date`` (covers all data) and ``api_version``.
        """
        return {
            "api_url": f"{self.url}/rest",
            "oauth_token_url": f"{self.url}/oauth/v2/accessToken",
            "client_id": self.tokens.client_id,
            "client_secret": self.tokens.client_secret,
            "refresh_token": self.tokens.refresh_token,
            "start_date": ms_to_iso(self.data.start_ms),
            "api_version": self._options.advertised_version,
        }

    # ------------------------------------------------------------------ tokens

    def issue_access_token(self, ttl: int | None = None) -> str:
        """Mint a valid access token directly (for access-token-only configs).

        Args:
            ttl: Lifetime in seconds (default: the server's access-token TTL).

        Returns:
            The token.
        """
        return self.tokens.issue_access_token(ttl)

    def issue_refresh_token(self, ttl: int) -> str:
        """Mint another refresh token, valid for ``ttl`` seconds from now."""
        return self.tokens.issue_refresh_token(ttl)

    def expire_access_tokens(self) -> None:
        """Expire every access token issued so far (401 EXPIRED_ACCESS_TOKEN until refresh)."""
        self.tokens.expire_all()

    def revoke(self, token: str | None = None) -> None:
        """Revoke an access or refresh token, or all access tokens when ``token`` is None.

        Revoked access tokens get 401 REVOKED_ACCESS_TOKEN; a revoked refresh token gets the
        token endpoint's invalid-grant answer.

        Raises:
            KeyError: If ``token`` was not issued by this server.
        """
        self.tokens.revoke(token)

    # ------------------------------------------------------------------ faults

    def add_fault(self, fault: Fault) -> None:
        """Schedule another fault; its call counter starts now."""
        self._faults.add(fault)

    def clear_faults(self, kind: str | None = None) -> None:
        """Remove every fault, or those of one kind (ends sticky ones like daily_limit)."""
        self._faults.clear(kind)

    @property
    def faults(self) -> list[Fault]:
        """The scheduled faults."""
        return self._faults.faults

    # ------------------------------------------------------------------ request log

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request so far (secrets redacted), oldest first."""
        return self._log.snapshot()

    def request_count(
        self, endpoint: str | None = None, *, method: str | None = None, status: int | None = None
    ) -> int:
        """Count logged requests, optionally by endpoint name, method and status."""
        return sum(
            1
            for r in self._log.snapshot()
            if (endpoint is None or r.endpoint == endpoint)
            and (method is None or r.method == method)
            and (status is None or r.status == status)
        )

    def clear_requests(self) -> None:
        """Forget the request log."""
        self._log.clear()
