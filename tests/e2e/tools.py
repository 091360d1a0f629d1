"""Tools the end-to-end tests install and run: cached venvs, tap | target pipes, Meltano."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import typing as t
from dataclasses import dataclass
from pathlib import Path

import yaml

if t.TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

REPO = Path(__file__).resolve().parents[2]
# Tool venvs are built once per Python version and requirement set, and kept (gitignored).
CACHE = Path(os.environ.get("TAP_LINKEDIN_LEADS_E2E_CACHE", REPO / ".cache" / "e2e"))
# The Meltano version scripts/demo.sh installs.
MELTANO_REQUIREMENT = "meltano==4.4.1"

# Keep Meltano on this machine: no usage statistics, no PyPI version check, and any Hub
# lookup fails at once on a closed local port instead of leaving the machine.
MELTANO_OFFLINE_ENV = {
    "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
    "MELTANO_DISABLE_TRACKING": "true",
    "MELTANO_CLI_DISABLE_VERSION_CHECK": "true",
    "MELTANO_SNOWPLOW_COLLECTOR_ENDPOINTS": "[]",
    "MELTANO_HUB_URL": "http://127.0.0.1:9",
    "MELTANO_HUB_API_ROOT": "http://127.0.0.1:9/meltano/api/v1",
}


def meltano_project() -> dict[str, t.Any]:
    """The repository's meltano.yml."""
    return t.cast("dict[str, t.Any]", yaml.safe_load((REPO / "meltano.yml").read_text()))


def meltano_plugin(plugin_type: str, name: str) -> dict[str, t.Any]:
    """A plugin's definition in the repository's meltano.yml."""
    return next(p for p in meltano_project()["plugins"][plugin_type] if p["name"] == name)


def environment_config(environment: str, plugin_type: str, name: str) -> dict[str, t.Any]:
    """A plugin's config in one of meltano.yml's environments."""
    env = next(e for e in meltano_project()["environments"] if e["name"] == environment)
    plugins = env["config"]["plugins"][plugin_type]
    return t.cast("dict[str, t.Any]", next(p for p in plugins if p["name"] == name)["config"])


def pip_requirements(plugin_type: str, name: str) -> list[str]:
    """The requirements in a plugin's ``pip_url`` (so tests install what Meltano installs)."""
    return str(meltano_plugin(plugin_type, name)["pip_url"]).split()


def _uv() -> str | None:
    """uv from the test venv (a test extra) or PATH; None to fall back to pip."""
    scripts = sysconfig.get_path("scripts")
    return shutil.which("uv", path=os.pathsep.join([scripts, os.environ.get("PATH", "")]))


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def tool_venv(name: str, requirements: Sequence[str]) -> Path:
    """A venv with ``requirements``, built once and cached under CACHE; returns its bin dir.

    Venvs cannot be moved, so one is built in place under a lock and marked complete at the
    end; an interrupted build is thrown away by the next session.
    """
    key = hashlib.sha256(json.dumps([sys.version, *requirements]).encode()).hexdigest()[:12]
    home = CACHE / f"{name}-{key}"
    done = home / ".complete"
    with _locked(CACHE / f".{name}-{key}.lock"):
        if done.is_file():
            return home / "bin"
        shutil.rmtree(home, ignore_errors=True)
        env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
        uv = _uv()
        if uv:
            commands = [
                [uv, "venv", "--quiet", "--python", sys.executable, str(home)],
                [uv, "pip", "install", "--quiet", "--python", str(home / "bin" / "python"),
                 *requirements],
            ]  # fmt: skip
        else:
            commands = [
                [sys.executable, "-m", "venv", str(home)],
                [str(home / "bin" / "python"), "-m", "pip", "install", "--quiet", *requirements],
            ]
        for command in commands:
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=900, env=env, check=False
            )
            if result.returncode != 0:
                msg = f"{' '.join(command)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
                raise RuntimeError(msg)
        done.write_text("\n".join(requirements) + "\n")
    return home / "bin"


def tail(text: str | bytes, size: int = 4000) -> str:
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return text[-size:]


def tap_command(config: Path, *extra: str) -> list[str]:
    """The tap as its own process, from the test venv (this checkout)."""
    return [sys.executable, "-m", "tap_linkedin_leads", "--config", str(config), *extra]


def write_json(path: Path, value: t.Any) -> Path:
    path.write_text(json.dumps(value))
    return path


@dataclass
class PipeRun:
    """What a ``tap | target`` run left behind."""

    target_stdout: str
    tap_stderr: str
    target_stderr: str

    @property
    def states(self) -> list[dict[str, t.Any]]:
        """The STATE values the target emitted once their records were loaded."""
        return [json.loads(line) for line in self.target_stdout.splitlines() if line.strip()]


def pipe(tap: Sequence[str], target: Sequence[str], *, timeout: float = 300) -> PipeRun:
    """Run ``tap | target`` as two processes joined by an OS pipe, as a shell would."""
    return _run_target(target, tap=tap, timeout=timeout)


def load_file(singer_output: Path, target: Sequence[str], *, timeout: float = 300) -> PipeRun:
    """Run ``target < singer_output``."""
    return _run_target(target, source=singer_output, timeout=timeout)


def _run_target(
    target: Sequence[str],
    *,
    tap: Sequence[str] | None = None,
    source: Path | None = None,
    timeout: float,
) -> PipeRun:
    with tempfile.TemporaryFile() as tap_err, tempfile.TemporaryFile() as target_err:
        producer = None
        if tap is not None:
            producer = subprocess.Popen(
                tap, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=tap_err
            )
            stdin: t.Any = producer.stdout
        else:
            assert source is not None
            stdin = source.open("rb")
        try:
            consumer = subprocess.Popen(
                target, stdin=stdin, stdout=subprocess.PIPE, stderr=target_err
            )
            stdin.close()  # the target holds the read end; the tap gets SIGPIPE if it dies
            try:
                out, _ = consumer.communicate(timeout=timeout)
                if producer is not None:
                    producer.wait(timeout=60)
            except subprocess.TimeoutExpired:
                consumer.kill()
                consumer.wait()
                raise
        finally:
            if producer is not None and producer.poll() is None:
                producer.kill()
                producer.wait()
        tap_err.seek(0)
        target_err.seek(0)
        run = PipeRun(out.decode(), tail(tap_err.read()), tail(target_err.read()))
    if producer is not None:
        assert producer.returncode == 0, f"tap exited {producer.returncode}:\n{run.tap_stderr}"
    assert consumer.returncode == 0, f"target exited {consumer.returncode}:\n{run.target_stderr}"
    return run


def meltano_env(project_sys_dir: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment for Meltano on the repository's meltano.yml, with ``.meltano/`` elsewhere."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MELTANO_", "TAP_LINKEDIN_LEADS_", "TARGET_"))
    }
    return {
        **env,
        **MELTANO_OFFLINE_ENV,
        "MELTANO_SYS_DIR_ROOT": str(project_sys_dir),
        "UV_PYTHON_DOWNLOADS": "never",
        **(extra or {}),
    }
