"""Access and refresh tokens for the sandbox's OAuth 2.0 refresh-token grant.

Mirrors LinkedIn's programmatic refresh tokens: refreshing mints a new access
token with a fixed lifetime, returns the *same* refresh token, and does not extend the refresh
token's own lifetime — ``refresh_token_expires_in`` counts down from the refresh token's
creation.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from linkedin_sandbox import errors
from linkedin_sandbox.options import DEFAULT_SCOPES

if TYPE_CHECKING:
    from collections.abc import Callable

    from linkedin_sandbox.errors import JsonDict
    from linkedin_sandbox.options import RefreshErrorStyle

TokenState = Literal["valid", "invalid", "expired", "revoked"]


@dataclass
class _AccessToken:
    expires_at: float
    created_at: float
    scope: str
    revoked: bool = False


@dataclass
class _RefreshToken:
    created_at: float
    ttl: int
    revoked: bool = False


class TokenStore:
    """Issues and checks tokens; thread-safe.

    Attributes:
        client_id: The sandbox app's client id.
        client_secret: The sandbox app's client secret.
        refresh_token: The refresh token handed out in ``tap_config()``.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float],
        access_token_ttl: int,
        refresh_token_ttl: int,
        client_id: str,
        client_secret: str,
        refresh_error_style: RefreshErrorStyle = "invalid_request",
        refresh_token: str | None = None,
        scope: str = ",".join(DEFAULT_SCOPES),
    ) -> None:
        """Create the store and its initial refresh token.

        Args:
            clock: Returns the current time in seconds (injectable for tests).
            access_token_ttl: Lifetime of each access token, seconds.
            refresh_token_ttl: Lifetime of the refresh token from its creation, seconds.
            client_id: Expected client id.
            client_secret: Expected client secret.
            refresh_error_style: Which of the two reported bodies a bad refresh token gets.
            refresh_token: Value for the initial refresh token (default: random).
            scope: Scopes granted to every token, comma-separated as LinkedIn writes them.
        """
        self._clock = clock
        self._lock = threading.Lock()
        self.access_token_ttl = access_token_ttl
        self.client_id = client_id
        self.client_secret = client_secret
        self.refresh_error_style: RefreshErrorStyle = refresh_error_style
        self.scope = scope
        self._access: dict[str, _AccessToken] = {}
        self._refresh: dict[str, _RefreshToken] = {}
        self.refresh_token = self.issue_refresh_token(refresh_token_ttl, value=refresh_token)

    def issue_refresh_token(self, ttl: int, *, value: str | None = None) -> str:
        """Mint another refresh token valid for ``ttl`` seconds from now.

        Args:
            ttl: Lifetime in seconds.
            value: The token text (default: random).

        Returns:
            The token.
        """
        token = value or "AQW" + secrets.token_urlsafe(48)
        with self._lock:
            self._refresh[token] = _RefreshToken(self._clock(), ttl)
        return token

    def issue_access_token(self, ttl: int | None = None) -> str:
        """Mint an access token valid for ``ttl`` (default: the store's TTL) seconds."""
        token = "AQV" + secrets.token_urlsafe(64)
        lifetime = self.access_token_ttl if ttl is None else ttl
        with self._lock:
            now = self._clock()
            self._access[token] = _AccessToken(now + lifetime, now, self.scope)
        return token

    def scopes_of(self, token: str) -> frozenset[str]:
        """The scopes an access token was granted (empty for an unknown token)."""
        with self._lock:
            record = self._access.get(token)
        return frozenset(record.scope.split(",")) if record else frozenset()

    def check(self, token: str) -> TokenState:
        """Classify an access token."""
        with self._lock:
            return self._state(self._access.get(token))

    def _state(self, record: _AccessToken | None) -> TokenState:
        # The caller holds the lock.
        if record is None:
            return "invalid"
        if record.revoked:
            return "revoked"
        if self._clock() >= record.expires_at:
            return "expired"
        return "valid"

    def expire_all(self) -> None:
        """Expire every access token issued so far (new ones are unaffected)."""
        with self._lock:
            now = self._clock()
            for record in self._access.values():
                record.expires_at = min(record.expires_at, now)

    def revoke(self, token: str | None = None) -> None:
        """Revoke one access or refresh token, or every access token when None.

        Raises:
            KeyError: If ``token`` is not a token this store issued.
        """
        with self._lock:
            if token is None:
                for access in self._access.values():
                    access.revoked = True
            elif token in self._access:
                self._access[token].revoked = True
            elif token in self._refresh:
                self._refresh[token].revoked = True
            else:
                msg = "unknown token"
                raise KeyError(msg)

    def refresh(self, form: dict[str, str]) -> JsonDict:
        """Handle a ``grant_type=refresh_token`` request body.

        Args:
            form: The decoded form fields.

        Returns:
            The success body.

        Raises:
            ApiError: With LinkedIn's OAuth error bodies.
        """
        self._require(form, "grant_type")
        if form["grant_type"] != "refresh_token":
            raise errors.oauth_error(
                400, "unsupported_grant_type", "The sandbox supports grant_type=refresh_token only"
            )
        self._authenticate_client(form)
        if not form.get("refresh_token"):
            raise errors.oauth_error(
                400, "invalid_request", 'A required parameter "refresh_token" is missing'
            )
        with self._lock:
            record = self._refresh.get(form["refresh_token"])
            now = self._clock()
            remaining = 0 if record is None else int(record.created_at + record.ttl - now)
            usable = record is not None and not record.revoked and remaining > 0
        if not usable:
            raise self._bad_refresh_token()
        return {
            "access_token": self.issue_access_token(),
            "expires_in": self.access_token_ttl,
            "refresh_token": form["refresh_token"],
            "refresh_token_expires_in": remaining,
            "scope": self.scope,
        }

    def introspect(self, form: dict[str, str]) -> JsonDict:
        """Handle ``POST /oauth/v2/introspectToken`` (``client_id``, ``client_secret``, ``token``).

        Args:
            form: The decoded form fields.

        Returns:
            LinkedIn's introspection body; ``{"active": false}`` for a token it never issued.

        Raises:
            ApiError: With LinkedIn's OAuth error bodies.
        """
        self._require(form, "token")
        self._authenticate_client(form)
        with self._lock:  # One look at the token: its state and fields agree.
            record = self._access.get(form["token"])
            state = self._state(record)
        if record is None:
            return {"active": False}
        return {
            "active": state == "valid",
            "client_id": self.client_id,
            "authorized_at": int(record.created_at),
            "created_at": int(record.created_at),
            "status": "active" if state == "valid" else state,
            "expires_at": int(record.expires_at),
            "scope": record.scope,
            "auth_type": "3L",
        }

    @staticmethod
    def _require(form: dict[str, str], *names: str) -> None:
        for name in (*names, "client_id", "client_secret"):
            if not form.get(name):
                raise errors.oauth_error(
                    400, "invalid_request", f'A required parameter "{name}" is missing'
                )

    def _authenticate_client(self, form: dict[str, str]) -> None:
        if form["client_id"] != self.client_id or form["client_secret"] != self.client_secret:
            raise errors.oauth_error(401, "invalid_client", "Client authentication failed")

    def _bad_refresh_token(self) -> errors.ApiError:
        # Sources disagree on the body; both are selectable.
        if self.refresh_error_style == "invalid_grant":
            return errors.oauth_error(400, "invalid_grant", "Token has been expired or revoked.")
        return errors.oauth_error(
            400,
            "invalid_request",
            "The provided authorization grant or refresh token is invalid, expired or revoked",
        )
