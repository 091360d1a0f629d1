"""``meltano run`` with the repository's own meltano.yml (sandbox environment), as a user runs it.

Meltano installs the plugins itself (the tap from this checkout, ``pip_url: -e .``), into a
temporary MELTANO_SYS_DIR_ROOT so nothing is written into the repository, and keeps the state
between runs in its system database.
"""

from __future__ import annotations

import json
import subprocess
import typing as t
from datetime import datetime
from pathlib import Path

import pytest
from linkedin_sandbox import SandboxData

from tests.e2e.conftest import expected_leads
from tests.e2e.tools import REPO, environment_config, meltano_env, tail

if t.TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.e2e.postgres import Postgres

pytestmark = pytest.mark.e2e

ENVIRONMENT = "sandbox"
LOAD_SCHEMA = "tap_linkedin_leads"  # the extractor's namespace, the targets' default schema
LEAD_QUERY = f"select id from {LOAD_SCHEMA}.lead_form_responses"


class Project:
    """The repository's Meltano project with its own system directory."""

    def __init__(self, meltano: Path, sys_dir: Path) -> None:
        self.meltano = meltano
        self.sys_dir = sys_dir

    def __call__(
        self, *args: str, env: dict[str, str], timeout: float = 600, succeeds: bool = True
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(self.meltano), "--environment", ENVIRONMENT, *args],
            cwd=REPO, env=meltano_env(self.sys_dir, env), stdin=subprocess.DEVNULL,
            capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
        if succeeds:
            assert result.returncode == 0, f"meltano {' '.join(args)}:\n{tail(result.stderr)}"
        return result

    def plugin_python(self, plugin_type: str, name: str) -> Path:
        return self.sys_dir / plugin_type / name / "venv" / "bin" / "python"


@pytest.fixture(scope="module")
def project(meltano: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """The plugins installed once by ``meltano install``; meltano.yml must stay unchanged."""
    before = (REPO / "meltano.yml").read_bytes()
    project = Project(meltano, tmp_path_factory.mktemp("meltano") / ".meltano")
    project("install", "tap-linkedin-leads", "target-postgres", "target-duckdb", env={})
    yield project
    assert (REPO / "meltano.yml").read_bytes() == before, "Meltano rewrote meltano.yml"


def _sandbox_for_meltano_yml(sandbox: t.Any) -> tuple[SandboxData, t.Any, dict[str, str]]:
    """A sandbox with the data and credentials meltano.yml's sandbox environment expects.

    The sandbox runs on a free port; the shell's TAP_LINKEDIN_LEADS_* variables override the
    environment's 127.0.0.1:8787 URLs, as scripts/demo.sh does.
    """
    settings = environment_config(ENVIRONMENT, "extractors", "tap-linkedin-leads")
    data = SandboxData.generate()  # the CLI's default data set (--seed 7)
    assert data.organization_ids == settings["organization_ids"]
    server = sandbox(data, refresh_token=settings["refresh_token"])
    assert (server.tokens.client_id, server.tokens.client_secret) == (
        settings["client_id"],
        settings["client_secret"],
    )
    env = {
        "TAP_LINKEDIN_LEADS_API_URL": f"{server.url}/rest",
        "TAP_LINKEDIN_LEADS_OAUTH_TOKEN_URL": f"{server.url}/oauth/v2/accessToken",
    }
    return data, server, env


def test_the_tap_plugin_is_this_checkout(project: Project) -> None:
    where = subprocess.run(
        [str(project.plugin_python("extractors", "tap-linkedin-leads")), "-c",
         "import tap_linkedin_leads; print(tap_linkedin_leads.__file__)"],
        capture_output=True, text=True, timeout=60, check=True,
    ).stdout.strip()  # fmt: skip
    assert Path(where).resolve() == REPO / "tap_linkedin_leads" / "__init__.py"


def test_meltano_run_into_postgres_twice_loads_only_new_leads_the_second_time(
    project: Project, sandbox: t.Any, postgres: Postgres, database: str
) -> None:
    data, server, env = _sandbox_for_meltano_yml(sandbox)
    env |= {"TARGET_POSTGRES_PORT": str(postgres.port), "TARGET_POSTGRES_DATABASE": database}

    project("run", "tap-linkedin-leads", "target-postgres", env=env)
    truth = expected_leads(data, data.organization_ids)
    first = postgres.column(LEAD_QUERY, database)
    assert sorted(first) == sorted(truth)
    state = json.loads(
        project(
            "state", "get", f"{ENVIRONMENT}:tap-linkedin-leads-to-target-postgres", env=env
        ).stdout
    )["singer_state"]
    bookmarks = {
        json.dumps(p["context"], sort_keys=True): p["replication_key_value"]
        for p in state["bookmarks"]["lead_form_responses"]["partitions"]
        if "replication_key_value" in p
    }
    assert len(bookmarks) >= len(data.visible_account_ids)

    new = {lead["id"] for lead in data.add_leads(5)}
    server.clear_requests()
    project("run", "tap-linkedin-leads", "target-postgres", env=env)
    second = postgres.column(LEAD_QUERY, database)
    assert len(second) == len(set(second)), "no lead twice"
    assert set(second) - set(first) == new
    assert set(second) == truth | new

    # Meltano handed run 1's state to the tap: each account was asked only for the window
    # from its bookmark minus the one-day lookback, not from start_date.
    windows = [
        r.query["submittedAtTimeRange"]
        for r in server.requests
        if r.endpoint == "leadFormResponses" and "sponsoredAccount" in r.query.get("owner", {})
    ]
    assert windows
    earliest_bookmark = min(
        value for context, value in bookmarks.items() if "account_id" in context
    )
    one_day_ms = 86_400_000
    from_ms = _iso_to_ms(earliest_bookmark) - one_day_ms
    assert all(int(window["start"]) >= from_ms for window in windows)


def test_a_bookmark_from_meltanos_state_backend_that_cannot_be_read_is_one_line(
    project: Project, sandbox: t.Any, tmp_path: Path
) -> None:
    # Meltano writes the stored state to a file and hands it to the tap with --state: the
    # same checks apply, before any API call.
    data, server, env = _sandbox_for_meltano_yml(sandbox)
    env |= {"TARGET_DUCKDB_PATH": str(tmp_path / "leads.duckdb")}
    account_id = data.visible_account_ids[0]
    partition = {
        "context": {"account_id": account_id},
        "replication_key": "submitted_at",
        "replication_key_value": "garbage",
    }
    singer_state = {"bookmarks": {"lead_form_responses": {"partitions": [partition]}}}
    state_id = f"{ENVIRONMENT}:tap-linkedin-leads-to-target-duckdb"
    project("state", "set", "--force", state_id, json.dumps({"singer_state": singer_state}),
            env=env)  # fmt: skip
    try:
        run = project("run", "tap-linkedin-leads", "target-duckdb", env=env, succeeds=False)
    finally:  # the other tests of this module use the same state ID
        project("state", "clear", "--force", state_id, env=env)

    output = run.stdout + run.stderr
    assert run.returncode != 0
    lines = [line for line in output.splitlines() if "that cannot be read" in line]
    assert len(lines) == 1, tail(output)
    assert "The --state file " in lines[0]
    assert (
        f"has a bookmark for lead_form_responses, ad account {account_id} that cannot be read: "
        '"garbage" is not an ISO 8601 date-time' in lines[0]
    )
    assert "Traceback" not in output
    assert server.requests == [], "stopped before any API call"


def _iso_to_ms(value: str) -> int:
    return int(datetime.fromisoformat(value).timestamp() * 1000)


def test_meltano_run_into_duckdb_loads_every_lead_with_exact_ids(
    project: Project, sandbox: t.Any, tmp_path: Path
) -> None:
    data, _server, env = _sandbox_for_meltano_yml(sandbox)
    database = tmp_path / "leads.duckdb"
    project("run", "tap-linkedin-leads", "target-duckdb", env={**env,
            "TARGET_DUCKDB_PATH": str(database)})  # fmt: skip

    query = f"""
import json, sys
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(json.dumps({{
    "leads": [r[0] for r in con.sql("{LEAD_QUERY}").fetchall()],
    "organic_form_ids": sorted(str(r[0]) for r in con.sql(
        "select id from {LOAD_SCHEMA}.lead_forms where organization_id is not null").fetchall()),
}}))
"""
    loaded = json.loads(
        subprocess.run(
            [str(project.plugin_python("loaders", "target-duckdb")), "-c", query, str(database)],
            capture_output=True, text=True, timeout=60, check=True,
        ).stdout
    )  # fmt: skip
    # Every lead, none twice: target-duckdb with a duckdb of 1.3 or newer would lose the
    # first row of every batch (the reason for the pin in meltano.yml).
    assert sorted(loaded["leads"]) == sorted(expected_leads(data, data.organization_ids))
    assert loaded["organic_form_ids"] == sorted(
        str(f["id"]) for f in data.forms if "organization" in f["owner"]
    )
    assert all(len(form_id) == 19 for form_id in loaded["organic_form_ids"])
