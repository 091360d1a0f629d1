"""Rerunnable latency benchmark: how much of LinkedIn's round-trip time the tap hides.

The sandbox (in this process, on 127.0.0.1) delays every answer by ``--latency`` seconds,
as a distant API does. The tap's CLI then syncs ``--accounts`` ad accounts as its own
process once per ``max_parallel_requests`` value. For each run it reports:

* the wall time from spawn to exit;
* the calls the sandbox answered, and the serial floor: calls x latency, what any client
  that sends one request at a time must wait at least;
* floor / wall: how many round trips the tap overlapped on average;
* the response body bytes of those calls, from the sandbox's request log;
* the lead records written, checked against the sandbox's ground truth.

All runs use the same data and the same server, one after the other, so the ratios come
from one sitting. Usage::

    python benchmarks/latency.py                       # 42 accounts, 250 ms, 1/4/8
    python benchmarks/latency.py --parallel 1 2 4 8 16 --latency 0.1
    python benchmarks/latency.py --write               # also update docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import typing as t
from dataclasses import dataclass
from pathlib import Path

from harness import REPO, tap_command
from linkedin_sandbox import Fault, SandboxData, SandboxServer
from linkedin_sandbox.oracle import expected_lead_ids
from report import DOC, write_doc

if t.TYPE_CHECKING:
    from collections.abc import Sequence

BEGIN = "<!-- latency:start -->"
END = "<!-- latency:end -->"


@dataclass
class LatencyRun:
    """One sync of the tap against the delayed sandbox."""

    parallel: int
    wall_s: float
    calls: int
    response_bytes: int
    leads: int

    def floor_s(self, latency: float) -> float:
        """What one-at-a-time requests must wait at least: calls x latency."""
        return self.calls * latency


def run_tap(server: SandboxServer, parallel: int, workdir: Path) -> tuple[float, list[str]]:
    """Sync everything once; return the wall time and the lead ids written."""
    config = {**server.tap_config(), "max_parallel_requests": parallel}
    config_path = workdir / f"config-{parallel}.json"
    config_path.write_text(json.dumps(config))
    started = time.perf_counter()
    result = subprocess.run(
        tap_command(config_path),
        capture_output=True,
        check=False,
        cwd=REPO,
    )
    wall = time.perf_counter() - started
    if result.returncode != 0:
        sys.stderr.write(result.stderr.decode()[-3000:])
        msg = f"the tap failed with max_parallel_requests={parallel}"
        raise SystemExit(msg)
    leads = []
    for line in result.stdout.splitlines():
        message = json.loads(line)
        if message["type"] == "RECORD" and message["stream"] == "lead_form_responses":
            leads.append(message["record"]["id"])
    return wall, leads


def measure(args: argparse.Namespace) -> tuple[SandboxData, list[LatencyRun]]:
    """Every ``--parallel`` value against one delayed sandbox, one after the other."""
    data = SandboxData.generate(
        seed=args.seed,
        accounts=args.accounts,
        organizations=0,
        forms_per_owner=2,
        leads_per_form=args.leads_per_form,
        max_versions=args.max_versions,
    )
    truth = expected_lead_ids(data)
    delay = Fault("slow", endpoint=None, every=1, seconds=args.latency)
    runs = []
    with SandboxServer(data, faults=[delay]) as server, tempfile.TemporaryDirectory() as tmp:
        for parallel in args.parallel:
            server.clear_requests()
            wall, leads = run_tap(server, parallel, Path(tmp))
            logged = server.requests
            if sorted(leads) != sorted(truth):
                msg = f"max_parallel_requests={parallel} wrote the wrong leads"
                raise SystemExit(msg)
            body_bytes = sum(r.response_bytes for r in logged)
            runs.append(LatencyRun(parallel, wall, len(logged), body_bytes, len(leads)))
            print(
                f"max_parallel_requests={parallel}: {wall:.2f} s for {len(logged)} calls",
                file=sys.stderr,
            )
    return data, runs


def render(data: SandboxData, runs: list[LatencyRun], args: argparse.Namespace) -> str:
    """The results as a markdown section."""
    latency_ms = round(args.latency * 1000)
    command = " ".join(["python benchmarks/latency.py", *_shown(args)])
    lines = [
        f"Every answer delayed by {latency_ms} ms; {len(data.visible_account_ids)} ad accounts "
        f"(one of them forbidden), {len(expected_lead_ids(data))} leads to sync. Command: "
        f"`{command}`.",
        f"Machine: {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {platform.machine()}.",
        "",
        "| max_parallel_requests | wall s | calls | serial floor s (calls x latency) "
        "| floor / wall | response MB | leads |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        floor = run.floor_s(args.latency)
        lines.append(
            f"| {run.parallel} | {run.wall_s:.2f} | {run.calls} | {floor:.2f} "
            f"| {floor / run.wall_s:.2f} | {run.response_bytes / 1e6:.2f} | {run.leads} |"
        )
    return "\n".join(lines)


def _shown(args: argparse.Namespace) -> list[str]:
    shown = []
    defaults = build_parser().parse_args([])
    for name in ("accounts", "leads_per_form", "max_versions", "latency", "seed"):
        if getattr(args, name) != getattr(defaults, name):
            shown += [f"--{name.replace('_', '-')}", str(getattr(args, name))]
    if args.parallel != defaults.parallel:
        shown += ["--parallel", *map(str, args.parallel)]
    return shown


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--accounts", type=int, default=42, help="ad accounts (default 42)")
    parser.add_argument("--leads-per-form", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.25, help="seconds per answer")
    parser.add_argument("--parallel", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument(
        "--max-versions",
        type=int,
        default=3,
        help="versions per form (1: every lead on its form's latest version, so no lead is "
        "read alone for an older version)",
    )
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the table, and write it into the docs if asked."""
    args = build_parser().parse_args(argv)
    data, runs = measure(args)
    section = render(data, runs, args)
    print(section)
    if args.write:
        write_doc(f"{section}\n", DOC, start=BEGIN, end=END)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
