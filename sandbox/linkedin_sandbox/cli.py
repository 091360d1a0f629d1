"""``tap-linkedin-leads-sandbox``: run the sandbox LinkedIn API from the command line.

On start it prints one line of JSON (the tap config to use) and one human-readable line to
stdout, then serves until SIGINT or SIGTERM. Data is fully determined by the seed and sizes;
``--extra-leads N`` adds N leads newer than the seeded data, so a second demo run with the
option shows an incremental sync picking up only the new leads.

Example::

    tap-linkedin-leads-sandbox --port 8787 --seed 7 --extra-leads 25
    tap-linkedin-leads-sandbox --fault rate_limit:endpoint=leadFormResponses,at_call=2
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from typing import TYPE_CHECKING

from linkedin_sandbox.data import SandboxData
from linkedin_sandbox.faults import Fault
from linkedin_sandbox.options import DEFAULT_SCOPES, SKIPPED_VERSIONS, month_range
from linkedin_sandbox.server import SandboxServer

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import FrameType


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and ``--help``)."""
    parser = argparse.ArgumentParser(
        prog="tap-linkedin-leads-sandbox",
        description="Serve a deterministic fake LinkedIn Marketing API on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=8787, help="TCP port (0 = any free port)")
    data = parser.add_argument_group("data")
    data.add_argument("--seed", type=int, default=7)
    data.add_argument("--accounts", type=int, default=3)
    data.add_argument("--organizations", type=int, default=1)
    data.add_argument("--forms-per-owner", type=int, default=2)
    data.add_argument("--leads-per-form", type=int, default=40)
    data.add_argument("--campaigns-per-account", type=int, default=3)
    data.add_argument("--start", help="start of the lead window (ISO 8601 or epoch ms)")
    data.add_argument(
        "--end",
        "--now",
        dest="end",
        help="end of the lead window, exclusive (ISO 8601 or epoch ms; default 2026-11-01)",
    )
    data.add_argument(
        "--extra-leads",
        type=int,
        default=0,
        metavar="N",
        help="add N leads newer than the seeded data (for incremental demos)",
    )
    behaviour = parser.add_argument_group("behaviour")
    behaviour.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="KIND[:key=value,...]",
        help="inject a fault, e.g. server_error:endpoint=leadForms,status=503 (repeatable)",
    )
    behaviour.add_argument(
        "--live-versions",
        help="accepted LinkedIn-Version values, comma-separated; FIRST-LAST for a range "
        "(default 202401-202612 without 202512)",
    )
    behaviour.add_argument(
        "--skipped-versions",
        default=",".join(sorted(SKIPPED_VERSIONS)),
        help="months LinkedIn never released a version for, comma-separated (default %(default)s)",
    )
    behaviour.add_argument(
        "--scopes",
        default=",".join(DEFAULT_SCOPES),
        help="OAuth scopes granted to tokens, comma-separated (r_ads alone: no leads, 403)",
    )
    behaviour.add_argument("--api-version", help="version to advertise in the tap config")
    behaviour.add_argument(
        "--refresh-token", help="fixed refresh token value (default: a random one per run)"
    )
    behaviour.add_argument("--access-token-ttl", type=int, default=5_184_000)
    behaviour.add_argument("--refresh-token-ttl", type=int, default=31_536_000)
    behaviour.add_argument("--page-size-max", type=int, default=1000)
    behaviour.add_argument("--count-max", type=int, default=1000)
    behaviour.add_argument(
        "--no-short-pages", action="store_true", help="never withhold slots in lead pages"
    )
    behaviour.add_argument(
        "--empty-page", action="store_true", help="return an empty lead page mid-stream"
    )
    behaviour.add_argument("--omit-total", action="store_true", help="omit paging.total")
    behaviour.add_argument(
        "--false-means-all",
        action="store_true",
        help="limitedToTestLeads=false returns test leads too",
    )
    behaviour.add_argument(
        "--refresh-error-style", choices=("invalid_request", "invalid_grant"), default=None
    )
    parser.add_argument(
        "--log-level", default="WARNING", help="logging level (DEBUG logs every request)"
    )
    return parser


def _time_arg(value: str | None) -> int | str | None:
    if value is None:
        return None
    return int(value) if value.isdigit() else value


def _versions(text: str) -> list[str]:
    """``202510,202511`` or ``202510-202602`` (a range of months) into a list."""
    versions: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        first, _, last = part.partition("-")
        versions.extend(month_range(first, last) if last else [first] if first else [])
    return versions


def main(argv: Sequence[str] | None = None) -> int:
    """Run the sandbox until SIGINT/SIGTERM.

    Args:
        argv: Arguments (default: ``sys.argv[1:]``).

    Returns:
        Process exit code.
    """
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr)
    try:
        faults = [Fault.parse(spec) for spec in args.fault]
    except (TypeError, ValueError) as exc:
        build_parser().error(f"--fault: {exc}")
    data = SandboxData.generate(
        args.seed,
        accounts=args.accounts,
        organizations=args.organizations,
        forms_per_owner=args.forms_per_owner,
        leads_per_form=args.leads_per_form,
        campaigns_per_account=args.campaigns_per_account,
        start=_time_arg(args.start),
        end=_time_arg(args.end),
    )
    if args.extra_leads:
        data.add_leads(args.extra_leads)
    live = _versions(args.live_versions) if args.live_versions else None
    server = SandboxServer(
        data,
        port=args.port,
        live_versions=live,
        skipped_versions=_versions(args.skipped_versions),
        granted_scopes=[s.strip() for s in args.scopes.split(",") if s.strip()],
        api_version=args.api_version,
        faults=faults,
        access_token_ttl=args.access_token_ttl,
        refresh_token_ttl=args.refresh_token_ttl,
        page_size_max=args.page_size_max,
        count_max=args.count_max,
        short_pages=not args.no_short_pages,
        empty_page=args.empty_page,
        omit_paging_total=args.omit_total,
        false_means_all=args.false_means_all,
        refresh_error_style=args.refresh_error_style or "invalid_request",
        refresh_token=args.refresh_token,
        request_log_limit=10_000,
    )
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:  # noqa: ARG001
        stop.set()

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    with server:
        sys.stdout.write(json.dumps(server.tap_config()) + "\n")
        sys.stdout.write(
            f"LinkedIn sandbox on {server.url}: {len(data.accounts)} accounts, "
            f"{len(data.forms)} forms, {data.lead_count} leads; Ctrl-C to stop\n"
        )
        sys.stdout.flush()
        while not stop.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
