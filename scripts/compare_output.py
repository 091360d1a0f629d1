"""Sync the same sandbox scenarios with the tap from two source trees and compare the output.

For refactors that must not change what a sync writes: each scenario starts one sandbox,
runs ``python -m tap_linkedin_leads`` from each tree (its working directory decides which
package is imported), then again from the first run's last STATE, and compares stdout byte
for byte with ``time_extracted`` removed. It also prints the CPU seconds (user + system) of
each tree's first sync: the median of alternating runs in the larger scenario, one run
elsewhere (start-up dominates those).

    python scripts/compare_output.py /path/to/old/clone /path/to/new/clone

Exits 1 if any scenario differs. The sandbox comes from the interpreter's environment.
"""

from __future__ import annotations

import json
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import typing as t
from pathlib import Path

from linkedin_sandbox import SandboxData, SandboxServer, ServerOptions

_TIME_EXTRACTED = re.compile(rb'"time_extracted":"[^"]*",?')


class Scenario(t.NamedTuple):
    """Tap settings and ``ServerOptions`` fields that exercise one path of the sync."""

    settings: dict[str, t.Any]
    options: dict[str, t.Any]
    leads_per_form: int = 60
    #: Alternating first syncs per tree (the CPU figure is their median).
    repeat: int = 1


SCENARIOS: dict[str, Scenario] = {
    "default": Scenario({}, {}),
    "serial, short pages, test leads included": Scenario(
        {"max_parallel_requests": 1, "page_size": 7, "test_leads": "include"},
        {"false_means_all": True},
    ),
    "8 in flight, spans split, inclusive bounds": Scenario(
        {"max_parallel_requests": 8, "page_size": 50},
        {"max_time_range_days": 40, "time_range_bounds": "[]"},
    ),
    "count refused, test leads only": Scenario(
        {"page_size": 1000, "test_leads": "only"},
        {"count_max": 300},
    ),
    "older form versions refused": Scenario({}, {"lead_get_refusal": 400}),
    "25k leads, serial": Scenario({"max_parallel_requests": 1}, {}, 3000, repeat=5),
}


def sync(tree: Path, config: dict[str, t.Any], state: dict[str, t.Any] | None) -> bytes:
    """The tap's stdout from ``tree``, without ``time_extracted``."""
    return timed_sync(tree, config, state)[0]


def timed_sync(
    tree: Path, config: dict[str, t.Any], state: dict[str, t.Any] | None
) -> tuple[bytes, float]:
    """The tap's stdout from ``tree`` without ``time_extracted``, and its CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as tmp:
        config_file = Path(tmp, "config.json")
        config_file.write_text(json.dumps(config))
        args = [sys.executable, "-m", "tap_linkedin_leads", "--config", str(config_file)]
        if state is not None:
            state_file = Path(tmp, "state.json")
            state_file.write_text(json.dumps(state))
            args += ["--state", str(state_file)]
        done = subprocess.run(args, cwd=tree, capture_output=True, check=False)  # noqa: S603
        if done.returncode:
            sys.exit(f"{tree}: the tap failed:\n{done.stderr.decode()[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return _TIME_EXTRACTED.sub(b"", done.stdout), cpu


def last_state(output: bytes) -> dict[str, t.Any]:
    """The value of the last STATE message in ``output``."""
    states = [json.loads(line) for line in output.splitlines() if b'"type":"STATE"' in line]
    return t.cast("dict[str, t.Any]", states[-1]["value"])


def main(old: Path, new: Path) -> int:
    """Compare every scenario; print one line each; 1 if any differs."""
    differing = 0
    for name, scenario in SCENARIOS.items():
        data = SandboxData.generate(
            seed=7, accounts=4, organizations=1, leads_per_form=scenario.leads_per_form
        )
        with SandboxServer(data, ServerOptions(**scenario.options)) as server:
            config = {
                **server.tap_config(),
                "organization_ids": data.organization_ids,
                **scenario.settings,
            }
            outputs: dict[Path, set[bytes]] = {old: set(), new: set()}
            cpu: dict[Path, list[float]] = {old: [], new: []}
            for _ in range(scenario.repeat):
                for tree in (old, new):
                    output, seconds = timed_sync(tree, config, None)
                    outputs[tree].add(output)
                    cpu[tree].append(seconds)
            first = next(iter(outputs[old]))
            resumed = [sync(tree, config, last_state(first)) for tree in (old, new)]
        same = outputs[old] == outputs[new] == {first} and resumed[0] == resumed[1]
        differing += not same
        records = first.count(b'"type":"RECORD"')
        print(
            f"{name}: {'identical' if same else 'DIFFERENT'} ({len(first)} bytes, "
            f"{records} records; the run from its last STATE: {len(resumed[0])} bytes); "
            f"CPU s old {statistics.median(cpu[old]):.2f}, new {statistics.median(cpu[new]):.2f}"
        )
    return 1 if differing else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
