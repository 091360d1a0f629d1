"""Fixtures for the end-to-end tests: a real PostgreSQL, target-postgres and Meltano."""

from __future__ import annotations

import itertools
import re
import typing as t

import pytest
from linkedin_sandbox.oracle import expected_lead_ids

from tests.e2e.postgres import Postgres, running_postgres
from tests.e2e.tools import MELTANO_REQUIREMENT, pip_requirements, tool_venv
from tests.integration.conftest import sandbox

if t.TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from linkedin_sandbox import SandboxData

__all__ = ["sandbox"]  # the integration tests' sandbox fixture, shared

_database_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """One PostgreSQL server on 127.0.0.1 for the whole session."""
    with running_postgres() as server:
        yield server


@pytest.fixture
def database(postgres: Postgres, request: pytest.FixtureRequest) -> str:
    """A new, empty database for each test."""
    slug = re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())
    return postgres.create_database(f"e2e_{next(_database_numbers)}_{slug}"[:63])


@pytest.fixture(scope="session")
def target_postgres() -> Path:
    """The MeltanoLabs target-postgres, the version meltano.yml installs, in a cached venv."""
    return tool_venv("target-postgres", pip_requirements("loaders", "target-postgres")) / (
        "target-postgres"
    )


@pytest.fixture(scope="session")
def meltano() -> Path:
    """Meltano in a cached venv."""
    return tool_venv("meltano", [MELTANO_REQUIREMENT]) / "meltano"


def expected_leads(data: SandboxData, organization_ids: list[int] | None = None) -> set[str]:
    """Ground truth: what the tap must deliver with its default settings.

    Sponsored leads of the readable accounts (the integration tests' helper), plus the
    organic leads of ``organization_ids`` for every organic lead type; no test leads.
    """
    organic = {
        lead["id"]
        for lead in data.leads
        if not lead["testLead"]
        and lead["owner"].get("organization")
        in {f"urn:li:organization:{org}" for org in organization_ids or []}
    }
    return expected_lead_ids(data) | organic
