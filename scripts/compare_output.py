"""Sync the same sandbox scenarios with the tap from two source trees and compare the output.

For refactors that must not change what a sync writes: each scenario starts one sandbox,
runs ``python -m tap_linkedin_leads`` from each tree (its working directory decides which
package is imported), then again from the first run's last STATE, and compares stdout byte
for byte with ``time_extracted`` removed.

    python scripts/compare_output.py /path/to/old/clone /path/to/new/clone

Exits 1 if any scenario differs. The sandbox comes from the interpreter's environment.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import typing as t
from pathlib import Path

from linkedin_sandbox import SandboxData, SandboxServer, ServerOptions

_TIME_EXTRACTED = re.compile(rb'"time_extracted":"[^"]*",?')

#: name -> (tap settings, ``ServerOptions`` fields): each exercises another path of the sync.
SCENARIOS: dict[str, tuple[dict[str, t.Any], dict[str, t.Any]]] = {
    "default": ({}, {}),
    "serial, short pages, test leads included": (
        {"max_parallel_requests": 1, "page_size": 7, "test_leads": "include"},
        {"false_means_all": True},
    ),
    "8 in flight, spans split, inclusive bounds": (
        {"max_parallel_requests": 8, "page_size": 50},
        {"max_time_range_days": 40, "time_range_bounds": "[]"},
    ),
    "count refused, test leads only": (
        {"page_size": 1000, "test_leads": "only"},
        {"count_max": 300},
    ),
    "older form versions refused": ({}, {"lead_get_refusal": 400}),
}


def sync(tree: Path, config: dict[str, t.Any], state: dict[str, t.Any] | None) -> bytes:
    """The tap's stdout from ``tree``, without ``time_extracted``."""
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
        return _TIME_EXTRACTED.sub(b"", done.stdout)


def last_state(output: bytes) -> dict[str, t.Any]:
    """The value of the last STATE message in ``output``."""
    states = [json.loads(line) for line in output.splitlines() if b'"type":"STATE"' in line]
    return t.cast("dict[str, t.Any]", states[-1]["value"])


def main(old: Path, new: Path) -> int:
    """Compare every scenario; print one line each; 1 if any differs."""
    differing = 0
    for name, (settings, options) in SCENARIOS.items():
        data = SandboxData.generate(seed=7, accounts=4, organizations=1, leads_per_form=60)
        with SandboxServer(data, ServerOptions(**options)) as server:
            config = {
                **server.tap_config(),
                "organization_ids": data.organization_ids,
                **settings,
            }
            first = [sync(tree, config, None) for tree in (old, new)]
            resumed = [sync(tree, config, last_state(first[0])) for tree in (old, new)]
        same = first[0] == first[1] and resumed[0] == resumed[1]
        differing += not same
        records = first[0].count(b'"type":"RECORD"')
        print(
            f"{name}: {'identical' if same else 'DIFFERENT'} ({len(first[0])} bytes, "
            f"{records} records; the run from its last STATE: {len(resumed[0])} bytes)"
        )
    return 1 if differing else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
