"""Serve a sandbox data set on 127.0.0.1 in its own process, for the benchmark.

The benchmark's clients (the tap, the baseline client) run in other processes, so the
server's CPU never shares a GIL with them. ``benchmarks/run.py`` starts this script and
talks to it over stdin/stdout, one JSON line per answer:

* On start it prints ``{"config": {...tap settings...}, "port": P, "leads": N, ...}``.
* ``drain`` answers with the requests served since the previous ``drain`` (method, path,
  raw query, status, endpoint, response body bytes) and the CPU seconds and peak RSS of this
  process, then forgets those requests. The sandbox's request log is capped
  (``--log-limit``), so memory stays flat however many runs are served; ``log_full`` says
  when the cap was reached and the list is therefore incomplete.
* ``quit`` (or end of input) stops the server.

Run by hand::

    python benchmarks/serve.py --leads 100000 --accounts 10
    python benchmarks/serve.py --accounts 200 --leads-per-form 3 --forms-per-owner 1
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import typing as t

from linkedin_sandbox import SandboxData, SandboxServer, ServerOptions

if t.TYPE_CHECKING:
    from collections.abc import Sequence

SPONSORED = "SPONSORED"


def build_data(args: argparse.Namespace) -> SandboxData:
    """The data set the arguments describe (deterministic for the same arguments)."""
    if args.leads is not None:
        return SandboxData.benchmark(args.leads, seed=args.seed, accounts=args.accounts)
    return SandboxData.generate(
        args.seed,
        accounts=args.accounts,
        organizations=0,
        forms_per_owner=args.forms_per_owner,
        leads_per_form=args.leads_per_form,
    )


def warm_up(data: SandboxData) -> None:
    """Build the per-account lead indexes and the lead id map now, so no client pays for them."""
    for account_id in data.visible_account_ids:
        data.lead_window(f"urn:li:sponsoredAccount:{account_id}", SPONSORED, test=False)
    data.lead_index_by_id("")  # Leads read by id (one per older form version).


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _write(payload: dict[str, t.Any]) -> None:
    sys.stdout.write(json.dumps(payload, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def drain(server: SandboxServer, log_limit: int, cpu_before: float) -> dict[str, t.Any]:
    """Requests served since the last drain (then forgotten), with this process's usage.

    Called only while no client is running, so no request can slip in between reading
    the log and clearing it.
    """
    recorded = server.requests
    server.clear_requests()
    return {
        "requests": [
            [r.method, r.path, r.raw_query, r.status, r.endpoint, r.response_bytes]
            for r in recorded
        ],
        "log_full": len(recorded) >= log_limit,
        "cpu_s": round(_cpu_seconds() - cpu_before, 3),
        "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def build_parser() -> argparse.ArgumentParser:
    """Command-line arguments."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0 = free)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--accounts", type=int, default=10)
    parser.add_argument(
        "--leads",
        type=int,
        help="about this many leads over the accounts' forms (SandboxData.benchmark)",
    )
    parser.add_argument(
        "--leads-per-form",
        type=int,
        default=3,
        help="without --leads: leads per published form (SandboxData.generate)",
    )
    parser.add_argument("--forms-per-owner", type=int, default=1, help="without --leads")
    parser.add_argument(
        "--log-limit",
        type=int,
        default=4000,
        help="requests kept between two drains (memory stays flat)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until ``quit`` or end of input."""
    args = build_parser().parse_args(argv)
    data = build_data(args)
    warm_up(data)
    server = SandboxServer(data, ServerOptions(request_log_limit=args.log_limit), port=args.port)
    with server:
        config = server.tap_config()
        _write(
            {
                "config": config,
                "port": server.port,
                "end_ms": data.end_ms,
                "leads": data.lead_count,
                "accounts": len(data.accounts),
                "forms": len(data.forms),
            }
        )
        cpu_mark = _cpu_seconds()
        for line in sys.stdin:
            command = line.strip()
            if command == "drain":
                _write(drain(server, args.log_limit, cpu_mark))
                cpu_mark = _cpu_seconds()
            elif command == "quit":
                break
            elif command:
                _write({"error": f"unknown command {command!r}"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
