"""LinkedIn OAuth 2.0: refresh-token flow or a plain access token.

One authenticator serves every stream of a tap run, so the refresh happens once per process
(and once more if LinkedIn reports the token expired mid-run). It is a plain
``requests.auth.AuthBase`` on purpose: the SDK's stock authenticators rebuild the query
string and would break Rest.li's literal ``(``, ``)``, ``:`` and ``,``.
"""

from __future__ import annotations

import datetime
import threading
import time
import typing as t
from dataclasses import dataclass

import backoff
import requests
from requests.auth import AuthBase

from tap_linkedin_leads.errors import AuthenticationError, LinkedInTapError

if t.TYPE_CHECKING:
    import logging
    from collections.abc import Callable, Mapping

__all__ = ["LinkedInAuthenticator", "introspection_url", "redact"]

#: Refresh this long before LinkedIn's stated expiry (capped at a tenth of the lifetime).
REFRESH_MARGIN_SECONDS = 300
#: Warn when the refresh token has fewer days than this left.
REFRESH_TOKEN_WARNING_DAYS = 30

_REAUTHORIZE = (
    "Re-authorize the app through LinkedIn's OAuth consent flow and set `refresh_token` "
    "to the new refresh token (refresh tokens live 365 days from consent and refreshing "
    "does not extend them)."
)


class _RetriableTokenError(Exception):
    """The token endpoint failed in a way worth retrying (429, 5xx)."""


def introspection_url(token_url: str) -> str:
    """LinkedIn's ``introspectToken`` endpoint, beside ``oauth_token_url``'s ``accessToken``."""
    base, _, last = token_url.rstrip("/").rpartition("/")
    return f"{base}/introspectToken" if last == "accessToken" else f"{token_url}/introspectToken"


def _scope_set(value: object) -> frozenset[str] | None:
    """LinkedIn's comma-separated ``scope`` (spaces tolerated), or ``None`` if absent."""
    if not isinstance(value, str):
        return None
    return frozenset(part.strip() for part in value.replace(" ", ",").split(",") if part.strip())


def redact(text: str, secrets: t.Iterable[str | None]) -> str:
    """Replace every secret value in ``text`` with ``***``."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


@dataclass
class _Token:
    value: str
    #: Epoch seconds after which the token should be refreshed; ``None`` if unknown.
    refresh_after: float | None
    #: Minted by a refresh forced by an EXPIRED_ACCESS_TOKEN answer.
    forced: bool = False
    #: At least one API call has succeeded with it.
    proven: bool = False


class LinkedInAuthenticator(AuthBase):
    """Adds ``Authorization: Bearer …`` to each request, refreshing the token when due."""

    def __init__(
        self,
        *,
        logger: logging.Logger,
        token_url: str,
        client_id: str | None = None,
        client_secret: str | None = None,
        refresh_token: str | None = None,
        access_token: str | None = None,
        timeout: float = 60,
        user_agent: str | None = None,
        max_tries: int = 5,
        backoff_factor: float = 2,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Configure either the refresh-token flow or a fixed access token."""
        self._logger = logger
        self._token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._refresh_token = refresh_token
        self._timeout = timeout
        self._user_agent = user_agent
        self._max_tries = max(1, max_tries)
        self._backoff_factor = backoff_factor
        self._clock = clock
        self._session = requests.Session()
        # Requests in flight together share the token: one refresh at a time, and a
        # request that met an expiry someone else already refreshed just retries.
        self._lock = threading.RLock()
        self._refresh_warned = False
        self._token: _Token | None = None
        #: Scopes LinkedIn says the token has: from the refresh answer or introspection.
        self._scopes: frozenset[str] | None = None
        self._introspected = False
        if not self.uses_refresh:
            if not access_token:
                msg = (
                    "Configure `access_token`, or `client_id`, `client_secret` and `refresh_token`."
                )
                raise AuthenticationError(msg)
            self._token = _Token(access_token, refresh_after=None)

    @classmethod
    def from_config(
        cls,
        config: Mapping[str, t.Any],
        logger: logging.Logger,
    ) -> LinkedInAuthenticator:
        """Build the authenticator from the tap's settings."""
        return cls(
            logger=logger,
            token_url=config["oauth_token_url"],
            client_id=config.get("client_id"),
            client_secret=config.get("client_secret"),
            refresh_token=config.get("refresh_token"),
            access_token=config.get("access_token"),
            # Config files are read with decimals for floats; ``time.sleep`` wants a float.
            timeout=float(config["request_timeout"]),
            user_agent=config.get("user_agent"),
            max_tries=int(config["max_retries"]) + 1,
            backoff_factor=float(config["retry_backoff_seconds"]),
        )

    @property
    def uses_refresh(self) -> bool:
        """Whether this authenticator mints its own tokens from a refresh token."""
        return bool(self._refresh_token)

    @property
    def secrets(self) -> tuple[str | None, ...]:
        """Every secret this authenticator holds, for redaction."""
        current = self._token.value if self._token else None
        return (self._client_secret, self._refresh_token, current)

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        """Set the bearer header; leaves the URL untouched."""
        request.headers["Authorization"] = f"Bearer {self.access_token()}"
        return request

    def granted_scopes(self) -> frozenset[str] | None:
        """The token's scopes; ``None`` if LinkedIn did not say and cannot be asked.

        The refresh answer carries them. Otherwise, with the app's client credentials, one
        token introspection per run asks LinkedIn, only when an error needs the answer.
        """
        if self._scopes is None and not self._introspected and self._token is not None:
            self._introspected = True
            if self._client_id and self._client_secret:
                self._scopes = self._introspect(self._token.value)
        return self._scopes

    def _introspect(self, token: str) -> frozenset[str] | None:
        url = introspection_url(self._token_url)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if self._user_agent:
            headers["User-Agent"] = self._user_agent
        try:
            response = self._session.post(
                url,
                data={
                    "client_id": self._client_id,
                    "client_secret": self._client_secret,
                    "token": token,
                },
                headers=headers,
                timeout=self._timeout,
            )
            body = response.json() if response.status_code == 200 else None
        except (requests.exceptions.RequestException, ValueError) as exc:
            self._logger.info(
                "Could not ask LinkedIn for the token's scopes (%s).", type(exc).__name__
            )
            return None
        scopes = _scope_set(body.get("scope")) if isinstance(body, dict) else None
        if scopes is None:
            self._logger.info(
                "LinkedIn's token introspection did not name the token's scopes (HTTP %d).",
                response.status_code,
            )
        return scopes

    def access_token(self) -> str:
        """Return a token that is valid for a while yet, refreshing first if needed."""
        with self._lock:
            token = self._token
            if token is None or (
                token.refresh_after is not None and self._clock() >= token.refresh_after
            ):
                token = self._refresh(forced=False)
            return token.value

    def note_success(self) -> None:
        """Record that the current token worked, so a later expiry may be refreshed again."""
        with self._lock:
            if self._token is not None:
                self._token.proven = True

    def handle_rejected(self, code: str | None, authorization: str | None) -> None:
        """React to a 401 from the API for the request sent with ``authorization``.

        Returns normally when a retry can succeed (the token was or will be refreshed);
        raises :class:`AuthenticationError` when the user has to act.
        """
        with self._lock:
            token = self._token
            sent = (authorization or "").removeprefix("Bearer ")
            if token is not None and sent and sent != token.value:
                return  # Another request refreshed meanwhile; retry with the new token.
            if code == "EXPIRED_ACCESS_TOKEN" and self.uses_refresh:
                if token is not None and token.forced and not token.proven:
                    msg = (
                        "LinkedIn reports the freshly refreshed access token as expired. "
                        f"Check the machine's clock; if it is right, {_REAUTHORIZE}"
                    )
                    raise AuthenticationError(msg)
                self._logger.info("LinkedIn reports the access token expired; refreshing it once.")
                self._token = None
                self._refresh(forced=True)
                return
            raise AuthenticationError(self._rejection_message(code))

    def _rejection_message(self, code: str | None) -> str:
        what = {
            "EXPIRED_ACCESS_TOKEN": "has expired",
            "REVOKED_ACCESS_TOKEN": "has been revoked",
        }.get(code or "", "was rejected as invalid")
        if self.uses_refresh:
            return (
                f"The access token obtained with `refresh_token` {what} ({code or '401'}). "
                f"{_REAUTHORIZE}"
            )
        return (
            f"The configured `access_token` {what} ({code or '401'}). LinkedIn access tokens "
            "live 60 days: generate a new one, or set `client_id`, `client_secret` and "
            "`refresh_token` so the tap refreshes it automatically."
        )

    def _refresh(self, *, forced: bool) -> _Token:
        if not self.uses_refresh:
            raise AuthenticationError(self._rejection_message("EXPIRED_ACCESS_TOKEN"))
        post = backoff.on_exception(
            lambda: backoff.expo(factor=self._backoff_factor),
            (
                _RetriableTokenError,
                requests.exceptions.ConnectionError,
                requests.exceptions.Timeout,
            ),
            max_tries=self._max_tries,
            jitter=None,
            logger=None,
            on_backoff=self._log_backoff,
        )(self._post_refresh)
        try:
            body = post()
        except (_RetriableTokenError, requests.exceptions.RequestException) as exc:
            msg = (
                f"Could not refresh the LinkedIn access token at `oauth_token_url` after "
                f"{self._max_tries} attempts: {type(exc).__name__}: "
                f"{redact(str(exc), self.secrets)}"
            )
            raise LinkedInTapError(msg) from None
        return self._accept(body, forced=forced)

    def _log_backoff(self, details: t.Any) -> None:
        self._logger.warning(
            "Token refresh failed (attempt %d); retrying in %.1f s.",
            details.get("tries", 0),
            details.get("wait", 0.0),
        )

    def _post_refresh(self) -> dict[str, t.Any]:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if self._user_agent:
            headers["User-Agent"] = self._user_agent
        response = self._session.post(
            self._token_url,
            data={
                "grant_type": "refresh_token",
                "refresh_token": self._refresh_token,
                "client_id": self._client_id,
                "client_secret": self._client_secret,
            },
            headers=headers,
            timeout=self._timeout,
        )
        status = response.status_code
        if status == 429 or status >= 500:
            msg = f"token endpoint answered {status}"
            raise _RetriableTokenError(msg)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            if status == 200:
                msg = "token endpoint sent an unreadable body"
                raise _RetriableTokenError(msg)
            body = {}
        if status != 200 or "access_token" not in body:
            raise AuthenticationError(self._refresh_failure_message(status, body))
        return body

    def _refresh_failure_message(self, status: int, body: Mapping[str, t.Any]) -> str:
        error = str(body.get("error") or status)
        description = redact(str(body.get("error_description") or ""), self.secrets)
        detail = f"{error}: {description}" if description else error
        if error == "invalid_client" or status == 401:
            return (
                f"LinkedIn rejected the app credentials ({detail}). Check `client_id` and "
                "`client_secret` against the app's Auth tab in the LinkedIn Developer Portal."
            )
        return f"LinkedIn refused to refresh the access token ({detail}). {_REAUTHORIZE}"

    def _accept(self, body: Mapping[str, t.Any], *, forced: bool) -> _Token:
        now = self._clock()
        expires_in = _as_seconds(body.get("expires_in"))
        refresh_after = None
        if expires_in is not None:
            margin = min(REFRESH_MARGIN_SECONDS, expires_in / 10)
            refresh_after = now + expires_in - margin
        token = _Token(str(body["access_token"]), refresh_after=refresh_after, forced=forced)
        self._token = token
        if new_refresh := body.get("refresh_token"):
            self._refresh_token = str(new_refresh)
        self._scopes = _scope_set(body.get("scope"))
        self._introspected = False
        lifetime = f"{expires_in / 86400:.1f} days" if expires_in is not None else "unknown"
        self._logger.info("Obtained a LinkedIn access token (valid for %s).", lifetime)
        self._warn_if_refresh_token_ending(_as_seconds(body.get("refresh_token_expires_in")), now)
        return token

    def _warn_if_refresh_token_ending(self, seconds_left: float | None, now: float) -> None:
        if seconds_left is None or self._refresh_warned:
            return
        if seconds_left >= REFRESH_TOKEN_WARNING_DAYS * 86400:
            return
        self._refresh_warned = True
        dies = datetime.datetime.fromtimestamp(now + seconds_left, tz=datetime.timezone.utc)
        self._logger.warning(
            "The LinkedIn refresh token expires on %s (%d days left); the tap stops working "
            "then. %s",
            dies.strftime("%Y-%m-%d %H:%M UTC"),
            int(seconds_left // 86400),
            _REAUTHORIZE,
        )


def _as_seconds(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        return float(value)
    except ValueError:
        return None
