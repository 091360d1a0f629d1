"""Versions with a skipped month, granted scopes and token introspection."""

from __future__ import annotations

import typing as t

from linkedin_sandbox import SandboxData, SandboxServer, ServerOptions
from linkedin_sandbox.cli import build_parser, options_from_args
from linkedin_sandbox.options import LIVE_VERSIONS_2026_12, month_range
from sandbox_client import Api, account_owner

if t.TYPE_CHECKING:
    import requests


def _leads(api: Api, data: SandboxData) -> requests.Response:
    owner = account_owner(data.visible_account_ids[0])
    return api.get("leadFormResponses", f"q=owner&owner={owner}&leadType=(leadType:SPONSORED)")


def test_a_skipped_month_is_refused_like_a_retired_version(
    data: SandboxData, session: requests.Session
) -> None:
    with SandboxServer(
        data, ServerOptions(live_versions=month_range("202510", "202602"))
    ) as server:
        api = Api(server, session)
        answers = {}
        for version in ("202509", "202510", "202511", "202512", "202601", "202602", "202603"):
            api.version = version
            answers[version] = api.get("adAccounts", "q=search").status_code
        refused = api.get("adAccounts", "q=search", **{"LinkedIn-Version": "202512"}).json()
    assert answers == {
        "202509": 426,
        "202510": 200,
        "202511": 200,
        "202512": 426,  # listed in the range, but LinkedIn never released it
        "202601": 200,
        "202602": 200,
        "202603": 426,
    }
    assert refused == {
        "status": 426,
        "code": "NONEXISTENT_VERSION",
        "message": "Requested version 20251201 is not active",
    }


def test_default_versions_skip_202512_and_december_2026_matches_linkedin() -> None:
    server = SandboxServer(SandboxData.generate(seed=1, accounts=1, organizations=0))
    assert not server.options.serves("202512")
    assert server.options.serves("202511")
    assert server.options.advertised_version == "202612"
    assert LIVE_VERSIONS_2026_12[0] == "202601"
    assert LIVE_VERSIONS_2026_12[-1] == "202611"


def test_cli_version_ranges_and_scopes() -> None:
    args = build_parser().parse_args(
        ["--live-versions", "202401,202510-202511", "--scopes", "r_ads",
         "--skipped-versions", "202512,202604"]
    )  # fmt: skip
    options = options_from_args(args)
    assert options.live_versions == {"202401", "202510", "202511"}
    assert options.granted_scopes == ("r_ads",)
    assert options.skipped_versions == {"202512", "202604"}
    ranged = options_from_args(build_parser().parse_args(["--live-versions", "202511-202602"]))
    assert ranged.live_versions == {"202511", "202512", "202601", "202602"}
    defaults = options_from_args(build_parser().parse_args([]))
    assert defaults.granted_scopes == ("r_ads", "r_marketing_leadgen_automation")
    assert defaults.skipped_versions == {"202512"}


def test_r_ads_alone_reads_accounts_and_forms_but_not_leads(
    data: SandboxData, session: requests.Session
) -> None:
    with SandboxServer(data, ServerOptions(granted_scopes=["r_ads"])) as server:
        api = Api(server, session)
        accounts = api.get("adAccounts", "q=search")
        owner = account_owner(data.visible_account_ids[0])
        forms = api.get("leadForms", f"q=owner&owner={owner}")
        leads = _leads(api, data)
    assert accounts.status_code == 200
    assert forms.status_code == 200
    assert leads.status_code == 403
    assert leads.json() == {
        "status": 403,
        "serviceErrorCode": 100,
        "code": "ACCESS_DENIED",
        "message": "Not enough permissions to access: leadFormResponses.FINDER-owner.20240101",
    }


def test_refresh_and_introspection_report_the_granted_scopes(
    data: SandboxData, session: requests.Session
) -> None:
    with SandboxServer(
        data, ServerOptions(granted_scopes=["r_ads", "r_organization_admin"])
    ) as server:
        config = server.tap_config()
        credentials = {"client_id": config["client_id"], "client_secret": config["client_secret"]}
        refreshed = session.post(
            config["oauth_token_url"],
            data={
                "grant_type": "refresh_token",
                "refresh_token": config["refresh_token"],
                **credentials,
            },
            timeout=5,
        ).json()
        introspect_url = f"{server.url}/oauth/v2/introspectToken"
        known = session.post(
            introspect_url, data={**credentials, "token": refreshed["access_token"]}, timeout=5
        )
        unknown = session.post(introspect_url, data={**credentials, "token": "AQVnope"}, timeout=5)
        wrong_secret = session.post(
            introspect_url,
            data={**credentials, "client_secret": "x", "token": refreshed["access_token"]},
            timeout=5,
        )
        logged = [r.body for r in server.requests if r.endpoint == "introspect"]
    assert refreshed["scope"] == "r_ads,r_organization_admin"
    body = known.json()
    assert known.status_code == 200
    assert body["active"] is True
    assert body["status"] == "active"
    assert body["scope"] == "r_ads,r_organization_admin"
    assert body["client_id"] == config["client_id"]
    assert isinstance(body["expires_at"], int)
    assert body["auth_type"] == "3L"
    assert unknown.json() == {"active": False}
    assert wrong_secret.status_code == 401
    assert wrong_secret.json()["error"] == "invalid_client"
    assert refreshed["access_token"] not in str(logged)
