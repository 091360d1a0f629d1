"""The benchmark's experiments: the three clients per data size, and STATE growth.

Per data size, one sandbox process serves every run. The clients run one after the other,
their order rotating from one repetition to the next (raw, same output, tap; then same
output, tap, raw; ...), so a slower or busier moment of a shared machine does not always
fall on the same client. Each figure is the median over the repetitions, and the ratios
compare those medians. What each client must ask for comes from the sandbox's oracle
(:mod:`linkedin_sandbox.oracle`), computed from the data set.
"""

from __future__ import annotations

import collections
import datetime
import json
import statistics
import sys
import time
import typing as t
from dataclasses import dataclass

from baseline_client import epoch_ms
from harness import (
    ClientRun,
    Sandbox,
    baseline_command,
    compare_readable,
    run_client,
    tap_command,
)
from linkedin_sandbox import SandboxData
from linkedin_sandbox.oracle import MinimalSync

if t.TYPE_CHECKING:
    import argparse
    from pathlib import Path

#: Client names, in the order of the first repetition.
CLIENTS = ("raw", "same output", "tap")
#: What the baselines ask for, out of what the tap must ask for.
RAW_CALLS = ("token", "adAccounts", "leadFormResponses")
SAME_OUTPUT_CALLS = (*RAW_CALLS, "leadForms", "leadFormResponses by id")
PAGE_SIZE = 1000
LOOKBACK_DAYS = 1


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _write_json(path: Path, value: object) -> Path:
    path.write_text(json.dumps(value))
    return path


@dataclass
class ClientResult:
    """A client's runs at one size, summarised by medians."""

    name: str
    runs: list[ClientRun]

    def _median(self, value: t.Callable[[ClientRun], float]) -> float:
        return float(statistics.median(value(run) for run in self.runs))

    @property
    def leads(self) -> int:
        return self.runs[0].leads

    @property
    def wall_s(self) -> float:
        return self._median(lambda r: r.wall_s)

    @property
    def leads_per_s(self) -> float:
        return self._median(lambda r: r.leads_per_s)

    @property
    def cpu_s(self) -> float:
        return self._median(lambda r: r.cpu_s)

    @property
    def maxrss_mb(self) -> float:
        return self._median(lambda r: r.maxrss_kb / 1024)

    @property
    def response_mb(self) -> float:
        return self._median(lambda r: r.response_mb)

    @property
    def requests(self) -> int:
        return int(self._median(lambda r: r.request_total))

    @property
    def calls(self) -> collections.Counter[str]:
        return self.runs[0].calls

    @property
    def server_cpu_s(self) -> float:
        return self._median(lambda r: r.server_cpu_s)


@dataclass
class SizeResult:
    """Everything measured for one data size."""

    leads_requested: int
    accounts: int
    truth_leads: int
    #: Client name -> the requests the oracle says it must make.
    expected_calls: dict[str, collections.Counter[str]]
    expected_incremental_calls: collections.Counter[str]
    clients: dict[str, ClientResult]
    incremental: ClientRun | None
    #: (leads compared, leads whose readable fields differ), or None when not checked.
    readable_check: tuple[int, int] | None

    @property
    def tap(self) -> ClientResult:
        return self.clients["tap"]

    def ratio(self, baseline: str, value: t.Callable[[ClientResult], float]) -> float:
        """tap / baseline for one measure."""
        reference = value(self.clients[baseline])
        return value(self.tap) / reference if reference else float("nan")


@dataclass
class StateResult:
    """STATE output of one full sync over many small accounts."""

    accounts: int
    run: ClientRun


def measure_size(leads: int, args: argparse.Namespace, workdir: Path) -> SizeResult:
    """The three clients, ``repeat`` times each, alternating; then one incremental tap run."""
    data = SandboxData.benchmark(leads, seed=args.seed, accounts=args.accounts)
    repeat = args.repeat if leads < args.large else args.large_repeat
    # The sandbox serves the same data set (same seed and sizes), so its window is this one.
    oracle = MinimalSync(
        data, data.start_ms, data.end_ms, page_size=PAGE_SIZE, lookback_days=LOOKBACK_DAYS
    )
    full = oracle.calls()
    # The request log keeps one full run (the most any client makes) between two drains.
    per_run = sum(full.values())
    serve_args = ["--leads", str(leads), "--accounts", str(args.accounts)]
    serve_args += ["--seed", str(args.seed), "--log-limit", str(2 * per_run + 1000)]
    tag = str(leads)
    with Sandbox(serve_args) as sandbox:
        end_ms = int(sandbox.info["end_ms"])
        assert end_ms == data.end_ms, "the sandbox serves another data set than the oracle's"
        assert epoch_ms(sandbox.config["start_date"]) == data.start_ms
        end = datetime.datetime.fromtimestamp(end_ms / 1000, tz=datetime.timezone.utc)
        # A fixed end keeps the URLs (and so the run) the same whatever day it runs.
        config = {**sandbox.config, "end_date": end.strftime("%Y-%m-%dT%H:%M:%SZ")}
        config_path = _write_json(workdir / f"config-{tag}.json", config)
        commands = {
            "raw": baseline_command(config_path, "raw"),
            "same output": baseline_command(config_path, "readable"),
            "tap": tap_command(config_path),
        }
        runs: dict[str, list[ClientRun]] = {name: [] for name in CLIENTS}
        verify = leads <= args.verify_up_to
        copies = {name: workdir / f"{name.replace(' ', '-')}-{tag}.jsonl" for name in CLIENTS}
        for attempt in range(repeat):
            order = CLIENTS[attempt % 3 :] + CLIENTS[: attempt % 3]
            for name in order:
                progress(f"{leads:>9,} leads: {name} ({attempt + 1}/{repeat})")
                copy = copies[name] if verify and attempt == 0 and name != "raw" else None
                runs[name].append(
                    run_client(
                        name,
                        commands[name],
                        sandbox,
                        workdir / f"{name.replace(' ', '-')}-{tag}-{attempt}.stderr",
                        copy_to=copy,
                    )
                )
        readable_check = None
        if verify:
            readable_check = compare_readable(copies["tap"], copies["same output"])
            for path in copies.values():
                path.unlink(missing_ok=True)
        incremental = None
        expected_incremental: collections.Counter[str] = collections.Counter()
        state = runs["tap"][0].output.state_value
        if state is not None:
            progress(f"{leads:>9,} leads: tap (incremental)")
            state_path = _write_json(workdir / f"state-{tag}.json", state)
            incremental = run_client(
                "tap incremental",
                tap_command(config_path, state_path),
                sandbox,
                workdir / f"tap-incremental-{tag}.stderr",
            )
            expected_incremental = oracle.calls(state)
    return SizeResult(
        leads_requested=leads,
        accounts=len(data.visible_account_ids),
        truth_leads=oracle.lead_count(),
        expected_calls={
            "raw": collections.Counter({k: full[k] for k in RAW_CALLS if full[k]}),
            "same output": collections.Counter({k: full[k] for k in SAME_OUTPUT_CALLS if full[k]}),
            "tap": full,
        },
        expected_incremental_calls=expected_incremental,
        clients={name: ClientResult(name, runs[name]) for name in CLIENTS},
        incremental=incremental,
        readable_check=readable_check,
    )


def measure_state(accounts: int, args: argparse.Namespace, workdir: Path) -> StateResult:
    """One full tap sync over ``accounts`` accounts with a few leads each."""
    serve_args = ["--accounts", str(accounts), "--seed", str(args.seed)]
    serve_args += ["--leads-per-form", "3", "--forms-per-owner", "1"]
    serve_args += ["--log-limit", str(10 * accounts + 1000)]
    with Sandbox(serve_args) as sandbox:
        config_path = _write_json(workdir / f"config-state-{accounts}.json", sandbox.config)
        progress(f"STATE: {accounts} accounts")
        run = run_client(
            "tap", tap_command(config_path), sandbox, workdir / f"tap-state-{accounts}.stderr"
        )
    return StateResult(accounts, run)


def profile_tap(leads: int, args: argparse.Namespace, workdir: Path) -> Path:
    """The tap's full sync under cProfile; returns the profile file (pstats format)."""
    serve_args = ["--leads", str(leads), "--accounts", str(args.accounts), "--seed", str(args.seed)]
    profile_path = workdir / f"tap-{leads}.prof"
    with Sandbox(serve_args) as sandbox:
        config_path = _write_json(workdir / f"config-profile-{leads}.json", sandbox.config)
        command = [sys.executable, "-m", "cProfile", "-o", str(profile_path)]
        command += tap_command(config_path)[1:]
        progress(f"profile: tap at {leads:,} leads")
        run_client("tap (cProfile)", command, sandbox, workdir / f"profile-{leads}.stderr")
    return profile_path
