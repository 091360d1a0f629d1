"""The benchmark's harness: the sandbox process, client processes, and what they cost.

The sandbox (``benchmarks/serve.py``) runs in its own process, and so does each client, so
no two share a GIL. A client's stdout goes through a pipe into this process, which counts
RECORD lines per stream and STATE bytes (C-speed ``bytes.count`` over 1 MiB reads) and keeps
the last STATE; it can also copy the output to a file, to compare two clients' records
afterwards. Wall time runs from spawn to exit; CPU time (user + sys) comes from ``os.wait4`` for
the child alone. Peak RSS is the child's ``VmHWM`` from ``/proc/<pid>/status``, read while
it runs: ``wait4``'s ``ru_maxrss`` would also count this process's own memory, which the
child shares between ``fork`` and ``exec``. Requests and response bytes come from the sandbox's
request log, drained after each client.
"""

from __future__ import annotations

import collections
import contextlib
import fcntl
import hashlib
import json
import os
import subprocess
import sys
import time
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

import msgspec
from linkedin_sandbox.oracle import request_label

if t.TYPE_CHECKING:
    from collections.abc import Iterator

REPO = Path(__file__).resolve().parent.parent
SERVE = REPO / "benchmarks" / "serve.py"
BASELINE = REPO / "benchmarks" / "baseline_client.py"
LEADS_STREAM = "lead_form_responses"
READ_CHUNK = 1 << 20
READ_PAUSE_S = 0.005

#: The clients' environment: the caller's, without switches that change how they run
#: (``PYTHONDONTWRITEBYTECODE`` would make every run compile its imports again).
CHILD_ENV = {
    k: v
    for k, v in os.environ.items()
    if k not in {"PYTHONUNBUFFERED", "PYTHONDEVMODE", "PYTHONDONTWRITEBYTECODE"}
}

#: The derived fields the same-output baseline must produce exactly as the tap does (all but
#: ``lead_urn`` and ``campaign_name``, which it does not write).
READABLE_FIELDS = (
    "answers",
    "contact",
    "consents",
    "hidden_fields",
    "form_name",
    "form_id",
    "form_version",
    "campaign_id",
    "submitted_at",
    "account_id",
    "organization_id",
    "creative_id",
)
#: JSON with every object's keys sorted: equal readable fields give equal bytes.
_CANONICAL = msgspec.json.Encoder(order="sorted")


class Sandbox:
    """``benchmarks/serve.py`` in a child process, driven over its stdin/stdout."""

    def __init__(self, args: list[str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(SERVE), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env=CHILD_ENV,
        )
        self.info: dict[str, t.Any] = self._read()
        self.config: dict[str, t.Any] = self.info["config"]

    def _read(self) -> dict[str, t.Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            msg = f"the sandbox process exited (code {self.process.wait()})"
            raise RuntimeError(msg)
        answer: dict[str, t.Any] = json.loads(line)
        return answer

    def drain(self) -> dict[str, t.Any]:
        """Requests served since the previous drain, and the server's CPU seconds for them."""
        assert self.process.stdin is not None
        self.process.stdin.write("drain\n")
        self.process.stdin.flush()
        answer = self._read()
        if answer.get("log_full"):
            msg = "the sandbox request log overflowed; raise --log-limit in serve.py"
            raise RuntimeError(msg)
        return answer

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.write("quit\n")
            self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class OutputCounter:
    """Counts Singer messages in a byte stream without decoding the records.

    Relies on the compact form every client writes: each line starts with
    ``{"type":"<TYPE>"`` and RECORD lines continue with ``,"stream":"<name>"``.
    """

    records: collections.Counter[str] = field(default_factory=collections.Counter)
    state_messages: int = 0
    state_bytes: int = 0
    total_bytes: int = 0
    last_state: bytes | None = None
    _carry: bytes = b""

    _RECORD = b'{"type":"RECORD","stream":"'
    _STATE = b'{"type":"STATE"'

    def feed(self, chunk: bytes) -> None:
        """Count the complete lines in ``chunk`` (plus what was left of the previous one)."""
        self.total_bytes += len(chunk)
        buffer = self._carry + chunk
        cut = buffer.rfind(b"\n") + 1
        self._carry = buffer[cut:]
        if cut:
            self._count(buffer[:cut])

    def finish(self) -> None:
        """Count a last line without a newline, if any."""
        if self._carry:
            self._count(self._carry + b"\n")
            self._carry = b""

    def _count(self, lines: bytes) -> None:
        total = lines.count(b"\n" + self._RECORD) + lines.startswith(self._RECORD)
        counted = sum(self._add(name, lines) for name in list(self.records))
        if counted < total:
            for start in self._starts(lines, self._RECORD):
                name_start = start + len(self._RECORD)
                name = lines[name_start : lines.index(b'"', name_start)].decode()
                if name not in self.records:
                    self.records[name] = 0
                    counted += self._add(name, lines)
                    if counted >= total:
                        break
        self._count_states(lines)

    def _add(self, name: str, lines: bytes) -> int:
        pattern = self._RECORD + name.encode() + b'"'
        found = lines.count(b"\n" + pattern) + lines.startswith(pattern)
        self.records[name] += found
        return found

    @staticmethod
    def _starts(lines: bytes, prefix: bytes) -> Iterator[int]:
        if lines.startswith(prefix):
            yield 0
        position = lines.find(b"\n" + prefix)
        while position >= 0:
            yield position + 1
            position = lines.find(b"\n" + prefix, position + 1)

    def _count_states(self, lines: bytes) -> None:
        for start in self._starts(lines, self._STATE):
            end = lines.index(b"\n", start)
            self.state_messages += 1
            self.state_bytes += end - start + 1
            self.last_state = lines[start:end]

    @property
    def state_value(self) -> dict[str, t.Any] | None:
        """The ``value`` of the last STATE message."""
        if self.last_state is None:
            return None
        value: dict[str, t.Any] = json.loads(self.last_state)["value"]
        return value

    @property
    def final_state_bytes(self) -> int:
        """Size of the last STATE line (newline included)."""
        return 0 if self.last_state is None else len(self.last_state) + 1


@dataclass
class ClientRun:
    """One client process: what it cost and what it did."""

    name: str
    returncode: int
    wall_s: float
    cpu_s: float
    maxrss_kb: int
    output: OutputCounter
    #: ``[method, path, raw query, status, endpoint, response bytes]`` per request served.
    requests: list[list[t.Any]]
    server_cpu_s: float
    stderr_path: Path
    copy_path: Path | None = None

    @property
    def leads(self) -> int:
        """Lead records written."""
        return self.output.records.get(LEADS_STREAM, 0)

    @property
    def leads_per_s(self) -> float:
        """Lead records per second of wall time."""
        return self.leads / self.wall_s if self.wall_s else 0.0

    @property
    def calls(self) -> collections.Counter[str]:
        """Requests by label (:func:`linkedin_sandbox.oracle.request_label`)."""
        counts: collections.Counter[str] = collections.Counter()
        for method, _path, raw_query, status, endpoint, _size in self.requests:
            counts[request_label(method, endpoint, raw_query)] += 1
            if status != 200:
                counts["failed"] += 1
        return counts

    @property
    def request_total(self) -> int:
        """Requests served."""
        return len(self.requests)

    @property
    def response_mb(self) -> float:
        """Response bodies the sandbox sent, in MB (10**6 bytes)."""
        return sum(int(r[5]) for r in self.requests) / 1e6

    def check(self) -> None:
        """Stop the benchmark if the client failed."""
        if self.returncode != 0:
            tail = self.stderr_path.read_text(errors="replace")[-3000:]
            msg = f"{self.name} exited with {self.returncode}:\n{tail}"
            raise RuntimeError(msg)


def _enlarge_pipe(fd: int) -> None:
    """Use a 1 MiB pipe buffer (Linux) so the writer rarely blocks on the reader."""
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if set_size is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, set_size, READ_CHUNK)


def peak_rss_kb(pid: int) -> int:
    """The process's peak resident set so far (``VmHWM``), 0 once it has exited."""
    try:
        with Path(f"/proc/{pid}/status").open() as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_client(
    name: str,
    command: list[str],
    sandbox: Sandbox,
    stderr_path: Path,
    *,
    copy_to: Path | None = None,
) -> ClientRun:
    """Run ``command`` to completion, measuring it, and collect the server's request log.

    ``copy_to`` also writes the client's stdout to that file (for comparing records).
    """
    output = OutputCounter()
    with stderr_path.open("wb") as stderr, contextlib.ExitStack() as stack:
        copy = stack.enter_context(copy_to.open("wb")) if copy_to is not None else None
        started = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=stderr, cwd=REPO, env=CHILD_ENV
        )
        assert process.stdout is not None
        fd = process.stdout.fileno()
        _enlarge_pipe(fd)
        peak_kb = peak_rss_kb(process.pid)
        while chunk := os.read(fd, READ_CHUNK):
            peak_kb = max(peak_kb, peak_rss_kb(process.pid))
            output.feed(chunk)
            if copy is not None:
                copy.write(chunk)
            if len(chunk) < READ_CHUNK // 4:
                # Let output pile up in the pipe: a reader that wakes for every line costs
                # the writer a wake-up per line.
                time.sleep(READ_PAUSE_S)
        output.finish()
        peak_kb = max(peak_kb, peak_rss_kb(process.pid))
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        process.stdout.close()
    served = sandbox.drain()
    run = ClientRun(
        name=name,
        returncode=process.returncode,
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        maxrss_kb=peak_kb,
        output=output,
        requests=served["requests"],
        server_cpu_s=float(served["cpu_s"]),
        stderr_path=stderr_path,
        copy_path=copy_to,
    )
    run.check()
    return run


def tap_command(config_path: Path, state_path: Path | None = None) -> list[str]:
    """The tap's CLI as Meltano would call it (all streams selected by default)."""
    command = [sys.executable, "-m", "tap_linkedin_leads", "--config", str(config_path)]
    if state_path is not None:
        command += ["--state", str(state_path)]
    return command


def baseline_command(config_path: Path, output: str) -> list[str]:
    """A baseline client: ``raw`` or ``readable`` output."""
    return [sys.executable, str(BASELINE), "--config", str(config_path), "--output", output]


def readable_digests(path: Path) -> dict[str, bytes]:
    """Lead id -> a digest of the readable fields of each lead record in a Singer output file.

    A 16-byte BLAKE2b digest of the fields as JSON with sorted keys stands for them, so
    two outputs of a million leads compare in a few hundred MB instead of holding every
    record's fields (about 3 KB a lead) twice. Equal digests mean equal JSON.
    """
    digests: dict[str, bytes] = {}
    with path.open("rb") as lines:
        for line in lines:
            if b'"stream":"lead_form_responses"' not in line[:60]:
                continue
            message = json.loads(line)
            if message.get("type") == "RECORD":
                record = message["record"]
                fields = {name: record.get(name) for name in READABLE_FIELDS}
                digest = hashlib.blake2b(_CANONICAL.encode(fields), digest_size=16)
                digests[record["id"]] = digest.digest()
    return digests


def compare_readable(tap: Path, baseline: Path) -> tuple[int, int]:
    """(leads compared, leads that differ or are missing on either side)."""
    ours, theirs = readable_digests(tap), readable_digests(baseline)
    differing = sum(1 for lead_id, digest in ours.items() if theirs.get(lead_id) != digest)
    return len(ours), differing + len(theirs.keys() - ours.keys())
