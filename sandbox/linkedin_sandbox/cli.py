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
import dataclasses
import json
import logging
import signal
import sys
import threading
import typing as t

from linkedin_sandbox.data import SandboxData
from linkedin_sandbox.faults import Fault
from linkedin_sandbox.options import ServerOptions, month_range
from linkedin_sandbox.paging import ShortPagePlan
from linkedin_sandbox.server import SandboxServer

if t.TYPE_CHECKING:
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
    behaviour = parser.add_argument_group("behaviour (ServerOptions)")
    behaviour.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="KIND[:key=value,...]",
        help="inject a fault, e.g. server_error:endpoint=leadForms,status=503 (repeatable)",
    )
    # ServerOptions.short_pages, a ShortPagePlan, as its two switches.
    behaviour.add_argument(
        "--no-short-pages", action="store_true", help="never withhold slots in lead pages"
    )
    behaviour.add_argument(
        "--empty-page", action="store_true", help="return an empty lead page mid-stream"
    )
    for option in dataclasses.fields(ServerOptions):
        if option.metadata["cli"]:
            _add_option_flag(behaviour, option, _OPTION_TYPES[option.name])
    # A long-running sandbox keeps a bounded request log.
    parser.set_defaults(request_log_limit=10_000)
    parser.add_argument(
        "--log-level", default="WARNING", help="logging level (DEBUG logs every request)"
    )
    return parser


#: ServerOptions' field types, resolved (the module's annotations are strings).
_OPTION_TYPES = t.get_type_hints(ServerOptions)


def _add_option_flag(
    group: argparse._ArgumentGroup, option: dataclasses.Field[t.Any], kind: t.Any
) -> None:
    """One flag for one :class:`ServerOptions` field, read from its type and metadata.

    Flags are left out of the namespace unless given (``argparse.SUPPRESS``), so the dataclass
    keeps the only copy of each default.
    """
    name = option.name.replace("_", "-")
    default = option.default if option.default is not dataclasses.MISSING else None
    help_text = option.metadata["help"]
    common: dict[str, t.Any] = {"dest": option.name, "default": argparse.SUPPRESS}
    if kind is bool:
        flag = option.metadata["flag"] or (f"--no-{name}" if default else f"--{name}")
        action = "store_false" if default else "store_true"
        help_text = f"turn off (on by default): {help_text}" if default else help_text
        group.add_argument(flag, action=action, help=help_text, **common)
        return
    flag = option.metadata["flag"] or f"--{name}"
    values = [a for a in t.get_args(kind) if a is not type(None)]
    if t.get_origin(kind) is t.Literal:
        group.add_argument(flag, choices=t.get_args(kind), help=help_text, **common)
    elif t.get_origin(kind) in (frozenset, tuple):
        split = _months if option.metadata["months"] else _names
        group.add_argument(flag, type=split, metavar="A,B,...", help=help_text, **common)
    elif kind in (int, str) or values in ([int], [str]):
        scalar = kind if kind in (int, str) else values[0]
        if default is not None:
            help_text = f"{help_text} (default {default})"
        group.add_argument(flag, type=scalar, help=help_text, **common)
    else:  # a new field of another type needs a parser here, or cli=False
        msg = f"ServerOptions.{option.name}: no command-line form for {kind}"
        raise TypeError(msg)


def options_from_args(args: argparse.Namespace) -> ServerOptions:
    """The :class:`ServerOptions` the parsed flags ask for; defaults for the flags not given."""
    given = {
        option.name: getattr(args, option.name)
        for option in dataclasses.fields(ServerOptions)
        if hasattr(args, option.name)
    }
    plan = ShortPagePlan(withhold=not args.no_short_pages, empty_page=args.empty_page)
    return ServerOptions(short_pages=plan, **given)


def _time_arg(value: str | None) -> int | str | None:
    if value is None:
        return None
    return int(value) if value.isdigit() else value


def _names(text: str) -> tuple[str, ...]:
    """``r_ads,r_organization_admin`` into its names."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _months(text: str) -> tuple[str, ...]:
    """``202510,202511`` or ``202510-202602`` (a range of months) into its months."""
    versions: list[str] = []
    for part in _names(text):
        first, _, last = part.partition("-")
        versions.extend(month_range(first, last) if last else [first])
    return tuple(versions)


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
    server = SandboxServer(data, options_from_args(args), faults=faults, port=args.port)
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
