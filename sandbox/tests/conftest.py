"""Fixtures for the sandbox tests: a small data set, a running server and an API client
(:class:`sandbox_client.Api`)."""

from __future__ import annotations

import typing as t

import pytest
import requests
from linkedin_sandbox import SandboxData, SandboxServer
from sandbox_client import Api


@pytest.fixture(scope="session")
def data() -> SandboxData:
    """The default small data set (read-only: do not add leads to it)."""
    return SandboxData.generate(seed=7, accounts=3, organizations=1, forms_per_owner=2,
                                leads_per_form=40)  # fmt: skip


@pytest.fixture(scope="module")
def shared_server(data: SandboxData) -> t.Iterator[SandboxServer]:
    """A server for read-only tests (no faults, no token changes)."""
    with SandboxServer(data) as server:
        yield server


@pytest.fixture
def server(data: SandboxData) -> t.Iterator[SandboxServer]:
    """A fresh server per test, for tests that change tokens, faults or options."""
    with SandboxServer(data) as server:
        yield server


@pytest.fixture
def session() -> t.Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


@pytest.fixture
def api(shared_server: SandboxServer, session: requests.Session) -> Api:
    return Api(shared_server, session)


@pytest.fixture
def fresh_api(server: SandboxServer, session: requests.Session) -> Api:
    return Api(server, session)
