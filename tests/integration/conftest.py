"""Fixtures for tests that run the tap over real HTTP against the local sandbox."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import typing as t
from dataclasses import dataclass

import pytest
from linkedin_sandbox import SandboxData, SandboxServer, ServerOptions

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from pathlib import Path

    from linkedin_sandbox import Fault


@dataclass
class CliRun:
    returncode: int
    stdout: str
    stderr: str

    @property
    def messages(self) -> list[dict[str, t.Any]]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]

    def records(self, stream: str) -> list[dict[str, t.Any]]:
        return [
            m["record"] for m in self.messages if m["type"] == "RECORD" and m["stream"] == stream
        ]

    def lead_ids(self) -> list[str]:
        return [r["id"] for r in self.records("lead_form_responses")]

    @property
    def last_state(self) -> dict[str, t.Any] | None:
        states = [m["value"] for m in self.messages if m["type"] == "STATE"]
        return states[-1] if states else None


def iso_to_ms(value: str) -> int:
    """A setting's ISO 8601 date-time (``Z`` allowed on every Python) -> epoch milliseconds."""
    return int(datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)


def run_cli(
    tmp_path: Path,
    config: dict[str, t.Any],
    *,
    state: dict[str, t.Any] | None = None,
    catalog: dict[str, t.Any] | None = None,
    extra_args: list[str] | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> CliRun:
    """Run ``python -m tap_linkedin_leads`` as its own process, as Meltano would."""
    config_path = tmp_path / "config.json"
    config_path.write_text(json.dumps(config))
    args = [sys.executable, "-m", "tap_linkedin_leads", "--config", str(config_path)]
    if state is not None:
        state_path = tmp_path / "state.json"
        state_path.write_text(json.dumps(state))
        args += ["--state", str(state_path)]
    if catalog is not None:
        catalog_path = tmp_path / "catalog.json"
        catalog_path.write_text(json.dumps(catalog))
        args += ["--catalog", str(catalog_path)]
    args += extra_args or []
    result = subprocess.run(
        args,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, **(env or {})},
    )
    return CliRun(result.returncode, result.stdout, result.stderr)


@pytest.fixture
def sandbox() -> Iterator[Callable[..., SandboxServer]]:
    """Start sandboxes on ephemeral loopback ports; all are stopped after the test.

    ``sandbox(data, faults=[...], count_max=40)``: keywords other than ``faults`` are
    :class:`ServerOptions` fields.
    """
    servers: list[SandboxServer] = []

    def start(
        data: SandboxData | None = None, *, faults: Iterable[Fault] = (), **options: t.Any
    ) -> SandboxServer:
        server = SandboxServer(
            data or SandboxData.generate(seed=11), ServerOptions(**options), faults=faults
        ).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
