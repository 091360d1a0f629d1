"""The Singer SDK's standard tap tests, over real HTTP against the local sandbox.

The suite builds its tap, and so needs the config with the sandbox's URL, when the class is
created; the sandbox therefore starts when this module is imported, on a free loopback port,
and stops when the class's tests are done.
"""

from __future__ import annotations

import typing as t

import pytest
from linkedin_sandbox import SandboxData, SandboxServer
from singer_sdk.testing import SuiteConfig, get_tap_test_class

from tap_linkedin_leads.tap import TapLinkedInLeads

if t.TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.e2e


def _with_every_optional_field(data: SandboxData) -> SandboxData:
    """Give one account and one campaign the optional fields the sandbox leaves out.

    The suite warns (an error here) about schema properties no record carries. LinkedIn sends
    these only for some accounts and campaigns; the generated data happens to have none.
    """
    account = data.accounts[0]
    account["totalBudgetEndsAt"] = account["changeAuditStamps"]["created"]["time"] + 86_400_000
    campaign = data.campaigns[0]
    campaign["format"] = "STANDARD_UPDATE"
    campaign["locale"] = {"country": "US", "language": "en"}
    created = campaign["changeAuditStamps"]["created"]["time"]
    campaign["runSchedule"] = {"start": created, "end": created + 30 * 86_400_000}
    return data


DATA = _with_every_optional_field(
    SandboxData.generate(seed=13, accounts=3, organizations=1, leads_per_form=15)
)
SERVER = SandboxServer(DATA).start()

_SuiteBase = get_tap_test_class(
    TapLinkedInLeads,
    config={
        **SERVER.tap_config(),
        "organization_ids": DATA.organization_ids,
        "retry_backoff_seconds": 0,
    },
    suite_config=SuiteConfig(max_records_limit=None),
    parse_env_config=False,
)


class TestTapLinkedInLeadsAgainstSandbox(_SuiteBase):  # type: ignore[misc, valid-type]
    """SDK suite over loopback HTTP: CLI, discovery, sync, schema conformance, keys."""

    @pytest.fixture(scope="class", autouse=True)
    @classmethod
    def linkedin(cls) -> Iterator[SandboxServer]:
        yield SERVER
        # Every test of the class ran against the sandbox, over HTTP.
        assert SERVER.request_count("leadFormResponses", status=200) > 0
        SERVER.stop()
