"""A minimal LinkedIn client for the sandbox tests, and Rest.li ``owner`` values.

The client builds URLs as plain strings, so the query reaches the server exactly as written
in the test (requests leaves ``( ) : ,`` and existing ``%XX`` escapes of a string URL alone).
"""

from __future__ import annotations

import typing as t
from urllib.parse import quote

if t.TYPE_CHECKING:
    import requests
    from linkedin_sandbox import SandboxServer

VERSION = "202401"


def account_owner(account_id: int) -> str:
    """``owner`` value for an ad account, Rest.li 2.0 encoded."""
    return f"(sponsoredAccount:{quote(f'urn:li:sponsoredAccount:{account_id}', safe='')})"


def org_owner(org_id: int) -> str:
    """``owner`` value for an organization, Rest.li 2.0 encoded."""
    return f"(organization:{quote(f'urn:li:organization:{org_id}', safe='')})"


class Api:
    """A minimal LinkedIn client for tests: raw query strings, standard headers."""

    def __init__(self, server: SandboxServer, session: requests.Session) -> None:
        self.server = server
        self.session = session
        self.token = server.issue_access_token()
        self.version = VERSION

    def headers(self, **overrides: str | None) -> dict[str, str]:
        headers: dict[str, str | None] = {
            "Authorization": f"Bearer {self.token}",
            "LinkedIn-Version": self.version,
            "X-Restli-Protocol-Version": "2.0.0",
        }
        headers.update(overrides)
        return {k: v for k, v in headers.items() if v is not None}

    def get(
        self, path: str, query: str = "", *, timeout: float = 10, **headers: str | None
    ) -> requests.Response:
        url = f"{self.server.url}/rest/{path}" + (f"?{query}" if query else "")
        return self.session.get(url, headers=self.headers(**headers), timeout=timeout)

    def leads(self, owner: str, extra: str = "", *, start: int = 0, count: int = 10) -> t.Any:
        query = f"q=owner&owner={owner}&leadType=(leadType:SPONSORED)&start={start}&count={count}"
        response = self.get("leadFormResponses", query + extra)
        assert response.status_code == 200, response.text
        return response.json()

    def refresh(self, **form: str) -> requests.Response:
        body = {
            "grant_type": "refresh_token",
            "refresh_token": self.server.refresh_token,
            "client_id": self.server.tokens.client_id,
            "client_secret": self.server.tokens.client_secret,
        }
        body.update(form)
        return self.session.post(f"{self.server.url}/oauth/v2/accessToken", data=body, timeout=10)
