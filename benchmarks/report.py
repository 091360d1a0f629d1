"""The benchmark's report: markdown tables, the targets, and the machine they ran on."""

from __future__ import annotations

import datetime
import json
import math
import os
import platform
import re
import subprocess
import typing as t
from importlib import metadata
from pathlib import Path

from experiments import CLIENTS, LOOKBACK_DAYS, ClientResult, SizeResult, StateResult
from harness import REPO

if t.TYPE_CHECKING:
    import collections

DOC = REPO / "docs" / "benchmarks.md"
MARK_START = "<!-- benchmark-results:start -->"
MARK_END = "<!-- benchmark-results:end -->"
#: Request labels, in table order.
LABELS = (
    "token",
    "adAccounts",
    "adCampaigns",
    "leadForms",
    "leadFormResponses",
    "leadFormResponses by id",
    "failed",
)
#: The measures compared as tap / baseline ratios: (heading, value, higher is better).
MEASURES: tuple[tuple[str, t.Callable[[ClientResult], float], bool], ...] = (
    ("leads/s", lambda c: c.leads_per_s, True),
    ("CPU s", lambda c: c.cpu_s, False),
    ("response MB", lambda c: c.response_mb, False),
    ("requests", lambda c: float(c.requests), False),
    ("peak RSS MB", lambda c: c.maxrss_mb, False),
)


def machine() -> dict[str, str]:
    """CPU model, cores, memory, Python and library versions, commit."""
    cpu = "unknown"
    with Path("/proc/cpuinfo").open() as stream:
        for line in stream:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with Path("/proc/meminfo").open() as stream:
        for line in stream:
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
                break
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": str(len(os.sched_getaffinity(0))),
        "memory": memory,
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "singer-sdk": metadata.version("singer-sdk"),
        "commit": commit or "unknown",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _calls(counts: collections.Counter[str]) -> str:
    return " / ".join(str(counts.get(label, 0)) for label in LABELS)


def size_label(leads: int) -> str:
    if leads >= 1_000_000 and leads % 1_000_000 == 0:
        return f"{leads // 1_000_000}M"
    if leads >= 1000 and leads % 1000 == 0:
        return f"{leads // 1000}k"
    return str(leads)


def _pick(results: list[SizeResult], leads: int) -> SizeResult:
    """The result for ``leads``, or the largest one."""
    return next((r for r in results if r.leads_requested == leads), results[-1])


def evaluate(
    results: list[SizeResult], states: list[StateResult]
) -> list[tuple[str, str, bool | None]]:
    """The targets: (target, measured, holds)."""
    rows: list[tuple[str, str, bool | None]] = []
    at = _pick(results, 100_000)
    size = size_label(at.leads_requested)
    for baseline in ("raw", "same output"):
        ratio = at.ratio(baseline, lambda c: c.leads_per_s)
        rows.append((f"leads/s ≥ 0.6x {baseline} at {size}", f"{ratio:.2f}x", ratio >= 0.6))
    bytes_ratio = at.ratio("raw", lambda c: c.response_mb)
    rows.append((f"response bytes ≤ 1.1x raw at {size}", f"{bytes_ratio:.2f}x", bytes_ratio <= 1.1))
    rows.append(
        (
            f"peak RSS < 200 MB at {size}",
            f"{at.tap.maxrss_mb:.0f} MB",
            at.tap.maxrss_mb < 200,
        )
    )
    if len(results) >= 2 and results[-1].leads_requested > at.leads_requested:
        big = results[-1]
        growth = big.tap.maxrss_mb / at.tap.maxrss_mb
        rows.append(
            (
                f"peak RSS at {size_label(big.leads_requested)} ≤ 1.25x {size}",
                f"{big.tap.maxrss_mb:.0f} MB / {at.tap.maxrss_mb:.0f} MB = {growth:.2f}x",
                growth <= 1.25,
            )
        )
    rows.append(
        (
            "requests = raw's + campaign and form reads per owner + one per older form version "
            "(each client exactly at the oracle's minimum)",
            "; ".join(
                f"{size_label(r.leads_requested)}: tap {r.tap.requests} = raw "
                f"{r.clients['raw'].requests} + {r.tap.requests - r.clients['raw'].requests}"
                for r in results
            ),
            all(
                r.clients[name].calls == r.expected_calls[name] for r in results for name in CLIENTS
            ),
        )
    )
    incremental = [r for r in results if r.incremental is not None]
    if incremental:
        rows.append(
            (
                "incremental run, no new leads: one leadFormResponses call per owner",
                ", ".join(
                    f"{size_label(r.leads_requested)}: "
                    f"{r.incremental.calls['leadFormResponses']} for {r.accounts} owners"
                    for r in incremental
                    if r.incremental is not None
                ),
                all(
                    r.incremental is not None
                    and r.incremental.calls == r.expected_incremental_calls
                    for r in incremental
                ),
            )
        )
    if len(states) >= 2:
        few, many = states[-2], states[-1]
        slope = state_slope(few, many)
        rows.append(
            (
                f"STATE bytes from {few.accounts} to {many.accounts} accounts grow with "
                "exponent ≤ 1.5 (linear 1, quadratic 2)",
                f"{slope:.2f} ({few.run.output.state_bytes:,} → {many.run.output.state_bytes:,} B)",
                slope <= 1.5,
            )
        )
    return rows


def state_slope(few: StateResult, many: StateResult) -> float:
    """Exponent k in ``bytes ~ accounts**k`` between two runs."""
    small, large = few.run.output.state_bytes, many.run.output.state_bytes
    return math.log(large / small) / math.log(many.accounts / few.accounts)


def render(
    results: list[SizeResult],
    states: list[StateResult],
    host: dict[str, str],
    command: str,
) -> str:
    """The results as markdown."""
    repeats = sorted({len(r.tap.runs) for r in results})
    lines = [
        f"Run `{command}` on {host['date']}, commit `{host['commit']}`.",
        "",
        f"Machine: {host['cpu']}, {host['cores']} cores, {host['memory']} RAM, "
        f"{host['os']}, Python {host['python']}, singer-sdk {host['singer-sdk']}.",
        "",
        "**Full sync**, medians of "
        + " or ".join(str(n) for n in repeats)
        + " runs per client, the clients alternating (leads/s = `lead_form_responses` "
        "RECORD lines on the client's stdout ÷ wall time from spawn to exit; CPU of the client "
        "process from `wait4`, peak RSS its `VmHWM`; response MB = bodies the sandbox sent to that "
        "client, from its request log; requests = "
        f"{' / '.join(LABELS)}):",
        "",
        "| Leads | Client | Wall s | Leads/s | CPU s | Response MB | Requests | Peak RSS MB "
        "| Server CPU s |",
        "|---:|---|---:|---:|---:|---:|---|---:|---:|",
    ]
    for r in results:
        for name in CLIENTS:
            c = r.clients[name]
            lines.append(
                f"| {r.truth_leads:,} | {name} | {c.wall_s:.1f} | {c.leads_per_s:,.0f} | "
                f"{c.cpu_s:.1f} | {c.response_mb:.1f} | {c.requests} ({_calls(c.calls)}) | "
                f"{c.maxrss_mb:.0f} | {c.server_cpu_s:.1f} |"
            )
    lines += [
        "",
        "**Ratios**, tap ÷ baseline (leads/s: higher is better for the tap; the others: lower "
        "is better):",
        "",
        "| Leads | Baseline | " + " | ".join(m[0] for m in MEASURES) + " |",
        "|---:|---|" + "---:|" * len(MEASURES),
    ]
    for r in results:
        for baseline in ("raw", "same output"):
            cells = [f"{r.ratio(baseline, value):.2f}x" for _, value, _ in MEASURES]
            lines.append(f"| {r.truth_leads:,} | {baseline} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "**Incremental run** of the tap with the full run's STATE and no new leads (default "
        f"`lookback_window_days` = {LOOKBACK_DAYS}, so the last day is read again):",
        "",
        "| Leads | Owners | Wall s | Leads re-sent | Requests | Minimum |",
        "|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        if r.incremental is not None:
            lines.append(
                f"| {r.truth_leads:,} | {r.accounts} | {r.incremental.wall_s:.1f} | "
                f"{r.incremental.leads:,} | {_calls(r.incremental.calls)} | "
                f"{_calls(r.expected_incremental_calls)} |"
            )
    if states:
        lines += [
            "",
            "**STATE output** of a full tap sync, 3 leads per account (one form each):",
            "",
            "| Accounts | STATE messages | STATE bytes | Last STATE bytes | Other bytes |",
            "|---:|---:|---:|---:|---:|",
        ]
        for s in states:
            out = s.run.output
            lines.append(
                f"| {s.accounts} | {out.state_messages} | {out.state_bytes:,} | "
                f"{out.final_state_bytes:,} | {out.total_bytes - out.state_bytes:,} |"
            )
    checks = []
    for r in results:
        counts = {r.clients[name].leads for name in CLIENTS}
        check = (
            f"{size_label(r.leads_requested)}: every client's leads "
            f"{'=' if counts == {r.truth_leads} else '≠'} ground truth ({r.truth_leads:,})"
        )
        if r.readable_check is not None:
            compared, differing = r.readable_check
            check += (
                f", same-output readable fields equal to the tap's on {compared - differing:,} "
                f"of {compared:,} leads"
            )
        checks.append(check)
    lines += ["", "Checks: " + "; ".join(checks) + ".", ""]
    lines += ["**Targets**", "", "| Target | Measured | Holds |", "|---|---|---|"]
    for target, measured, holds in evaluate(results, states):
        verdict = "—" if holds is None else ("yes" if holds else "**no**")
        lines.append(f"| {target} | {measured} | {verdict} |")
    return "\n".join(lines) + "\n"


def results_json(results: list[SizeResult]) -> str:
    """The medians per size and client, for reading by other tools."""
    return json.dumps(
        {
            str(r.leads_requested): {
                name: {
                    "leads": c.leads,
                    "leads_per_s": round(c.leads_per_s),
                    "cpu_s": round(c.cpu_s, 2),
                    "response_mb": round(c.response_mb, 2),
                    "requests": c.requests,
                    "peak_rss_mb": round(c.maxrss_mb, 1),
                }
                for name, c in r.clients.items()
            }
            for r in results
        }
    )


def write_doc(markdown: str, path: Path, start: str = MARK_START, end: str = MARK_END) -> None:
    """Replace the text between the ``start`` and ``end`` markers of ``path``."""
    text = path.read_text()
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.DOTALL)
    if not pattern.search(text):
        msg = f"{path} has no {start} ... {end} block"
        raise RuntimeError(msg)
    path.write_text(pattern.sub(lambda _: f"{start}\n{markdown}{end}", text))


__all__ = ["DOC", "machine", "render", "results_json", "write_doc"]
