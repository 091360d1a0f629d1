"""Rerunnable memory benchmark: the tap's peak RSS as the sync grows.

The tap's CLI syncs the benchmark's sandbox (``serve.py``, the same data sets as
``run.py``) once per size, alone: no baseline runs, so a 1M-lead size takes minutes rather
than half an hour. Peak RSS is the tap's ``VmHWM``, read by the harness while it runs.
Memory must be bounded by the pages in flight (``max_parallel_requests``), not by the
number of leads, so the figure should not grow from one size to the next. Usage::

    python benchmarks/memory.py                          # 100k and 1M leads, default setting
    python benchmarks/memory.py --leads 100000 --parallel 1 4 8
"""

from __future__ import annotations

import argparse
import datetime
import json
import tempfile
import typing as t
from pathlib import Path

from harness import Sandbox, run_client, tap_command

if t.TYPE_CHECKING:
    from collections.abc import Sequence


def measure(leads: int, parallel: int | None, seed: int, accounts: int, workdir: Path) -> str:
    """One tap run at ``leads``; its table row."""
    log_limit = leads // 400 + 2000
    serve_args = ["--leads", str(leads), "--accounts", str(accounts), "--seed", str(seed)]
    with Sandbox([*serve_args, "--log-limit", str(log_limit)]) as sandbox:
        end_ms = int(sandbox.info["end_ms"])
        end = datetime.datetime.fromtimestamp(end_ms / 1000, tz=datetime.timezone.utc)
        # A fixed end keeps the URLs the same whatever day it runs (as run.py does).
        config: dict[str, t.Any] = {
            **sandbox.config,
            "end_date": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        if parallel is not None:
            config["max_parallel_requests"] = parallel
        config_path = workdir / f"config-{leads}-{parallel}.json"
        config_path.write_text(json.dumps(config))
        run = run_client("tap", tap_command(config_path), sandbox, workdir / "tap.log")
    setting = "default (4)" if parallel is None else str(parallel)
    return (
        f"| {run.leads:,} | {setting} | {run.maxrss_kb / 1024:.1f} | {run.wall_s:.1f} "
        f"| {run.cpu_s:.1f} | {run.request_total} | {run.response_mb:.1f} |"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run every size and setting, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--leads", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument(
        "--parallel", type=int, nargs="+", default=None, help="default: the tap's default"
    )
    parser.add_argument("--accounts", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7, help="the same data as run.py's")
    args = parser.parse_args(argv)
    print(
        "| Leads | max_parallel_requests | Peak RSS MB | Wall s | CPU s | Requests | Response MB |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for leads in args.leads:
            for parallel in args.parallel or [None]:
                print(measure(leads, parallel, args.seed, args.accounts, Path(tmp)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
