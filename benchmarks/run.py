"""Rerunnable benchmark: the tap against two baselines over loopback HTTP.

For each data size, ``benchmarks/serve.py`` serves the sandbox LinkedIn API in its own
process, and three clients sync the same data, each as its own process:

* **raw** (``baseline_client.py --output raw``): ``requests`` + ``json``, the ad account
  search, then the ``leadFormResponses`` finder per account with no ``fields`` projection,
  ``count=1000``, offset paging to ``paging.total``; raw leads out.
* **same output** (``baseline_client.py --output readable``): also reads ``leadForms`` for
  the latest form versions, one lead per older version with its form embedded, and resolves
  every lead; its readable fields are checked equal to the tap's on every lead.
* **tap**: ``python -m tap_linkedin_leads --config ...``, every stream selected.

Modules: ``harness.py`` (processes, output counting, request log), ``experiments.py`` (the
runs), ``report.py`` (tables and targets), this file (the command line).

Usage::

    python benchmarks/run.py                  # 10k, 100k, 1M leads; writes docs/benchmarks.md
    python benchmarks/run.py --quick          # 2k and 20k leads, 1 run each; writes nothing
    python benchmarks/run.py --leads 100000 --repeat 3 --no-write
    python benchmarks/run.py --profile 100000 --leads 10000 --no-write
"""

from __future__ import annotations

import argparse
import pstats
import sys
import tempfile
import time
import typing as t
from pathlib import Path

from experiments import measure_size, measure_state, profile_tap, progress
from report import DOC, machine, render, results_json, write_doc

if t.TYPE_CHECKING:
    from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Benchmark the tap against a raw and a same-output baseline client."
    )
    parser.add_argument(
        "--leads",
        type=int,
        nargs="+",
        default=[10_000, 100_000, 1_000_000],
        help="data sizes (approximate lead counts), smallest first",
    )
    parser.add_argument("--accounts", type=int, default=5, help="ad accounts per data set")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per client below --large leads (median)"
    )
    parser.add_argument(
        "--large", type=int, default=1_000_000, help="sizes from this many leads are large"
    )
    parser.add_argument("--large-repeat", type=int, default=1, help="runs per client, large")
    parser.add_argument(
        "--verify-up-to",
        type=int,
        default=1_000_000,
        metavar="LEADS",
        help="compare the same-output client's readable fields with the tap's on every lead "
        "up to this size (the first run's output is kept on disk meanwhile)",
    )
    parser.add_argument(
        "--state-accounts",
        type=int,
        nargs="*",
        default=[1, 20, 200],
        help="account counts for the STATE-size experiment (empty: skip it)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="2k and 20k leads, one run per client, STATE for 1/4/40 accounts; writes nothing",
    )
    parser.add_argument(
        "--profile",
        type=int,
        metavar="LEADS",
        help="also run the tap under cProfile at this size and print the top functions",
    )
    parser.add_argument("--write", type=Path, help=f"markdown file to update (default {DOC})")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--workdir", type=Path, help="where configs and logs go (default: temp)")
    return parser


def _shown(argv: list[str]) -> str:
    """The command line worth repeating in the report (no local paths)."""
    shown: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in {"--workdir", "--write"}:
            skip = True
        elif not arg.startswith(("--workdir=", "--write=")):
            shown.append(arg)
    return " ".join(["python benchmarks/run.py", *shown])


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    if args.quick:
        args.leads = [2_000, 20_000]
        args.repeat = 1
        args.state_accounts = [1, 4, 40]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="tap-linkedin-leads-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    progress(f"work directory: {workdir}")
    started = time.perf_counter()
    results = [measure_size(n, args, workdir) for n in sorted(args.leads)]
    states = [measure_state(n, args, workdir) for n in sorted(args.state_accounts)]
    markdown = render(results, states, machine(), _shown(argv))
    print(markdown)
    (workdir / "results.json").write_text(results_json(results))
    if args.profile:
        profile = profile_tap(args.profile, args, workdir)
        stats = pstats.Stats(str(profile))
        stats.strip_dirs().sort_stats("tottime").print_stats(30)
    target = args.write or (None if args.quick else DOC)
    if target is not None and not args.no_write:
        write_doc(markdown, target)
        progress(f"wrote {target}")
    progress(f"done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
