"""Bad input gets one clear line: mangled state, unreadable bookmarks, bad settings, closed output.

Each case runs the CLI as its own process against the sandbox and checks the exit code, that
no traceback is printed and the words of the line. Input problems stop the tap before any
API call: the sandbox's request log stays empty.
"""

from __future__ import annotations

import json
import subprocess
import sys
import typing as t

import pytest
from linkedin_sandbox import Fault, SandboxData

from tests.conftest import lead_bookmark, lead_partitions, state_with_partitions
from tests.integration.conftest import CliRun, run_cli

if t.TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from linkedin_sandbox import SandboxServer

    StartSandbox = Callable[..., SandboxServer]

BOOKMARK = "2026-10-31T09:05:14.025+00:00"


@pytest.fixture(scope="module")
def data() -> SandboxData:
    return SandboxData.generate(seed=15, accounts=2, organizations=1, leads_per_form=6)


def _config(server: SandboxServer, **settings: t.Any) -> dict[str, t.Any]:
    return {
        **server.tap_config(),
        "organization_ids": server.data.organization_ids,
        "organic_lead_types": ["COMPANY", "EVENT"],
        **settings,
    }


def _run_with_state_text(tmp_path: Path, config: dict[str, t.Any], text: str) -> CliRun:
    """Run the CLI with ``text`` as the ``--state`` file, byte for byte."""
    state_path = tmp_path / "mangled-state.json"
    state_path.write_text(text)
    return run_cli(tmp_path, config, extra_args=["--state", str(state_path)])


def _lines(stderr: str, level: str) -> list[str]:
    return [line for line in stderr.splitlines() if f"| {level}" in line]


def _assert_one_clear_error(run: CliRun, *words: str) -> str:
    """Exit 1, nothing synced, no traceback, exactly one ERROR line, holding ``words``."""
    assert run.returncode == 1, run.stderr[-2000:]
    assert "Traceback" not in run.stderr
    assert run.stdout == "", "nothing is synced"
    errors = _lines(run.stderr, "ERROR")
    assert len(errors) == 1, errors
    for word in words:
        assert word in errors[0]
    return errors[0]


# --state files the SDK cannot use


STATE_REMEDY = (
    "delete the file",
    "`meltano state clear <state_id>`",
    "start again from `start_date`",
)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        pytest.param("not json {", ["is not valid JSON (line 1, column 1"], id="not-json"),
        pytest.param("", ["is empty"], id="empty"),
        pytest.param("[1, 2]", ["holds a JSON array, not an object"], id="array"),
        pytest.param(
            '{"singer_state": {"bookmarks": {}}}',
            ["Meltano's wrapper", "use the object inside `singer_state`"],
            id="meltano-wrapper",
        ),
    ],
)
def test_a_state_file_that_is_not_a_state_object_is_named_before_any_api_call(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData, text: str, words: list[str]
) -> None:
    server = sandbox(data)

    run = _run_with_state_text(tmp_path, _config(server), text)

    path = str(tmp_path / "mangled-state.json")
    _assert_one_clear_error(run, f"The --state file {path} ", "Fix the file", *words, *STATE_REMEDY)
    assert server.requests == [], "stopped before any API call"


@pytest.mark.parametrize(
    ("state", "words"),
    [
        pytest.param(
            {"bookmarks": 5},
            ["has `bookmarks` that is a JSON number, not an object of streams"],
            id="bookmarks-number",
        ),
        pytest.param(
            {"bookmarks": {"lead_form_responses": "x"}},
            ["has `bookmarks.lead_form_responses` that is a JSON string, not an object"],
            id="stream-state-string",
        ),
        pytest.param(
            {"bookmarks": {"lead_form_responses": {"partitions": {"account_id": 1}}}},
            ["`bookmarks.lead_form_responses.partitions` that is a JSON object, not an array"],
            id="partitions-object",
        ),
        pytest.param(
            {"bookmarks": {"lead_forms": {"partitions": [7]}}},
            ["`bookmarks.lead_forms.partitions[0]` that is a JSON number, not an object"],
            id="partition-number",
        ),
        pytest.param(
            state_with_partitions(
                {"replication_key": "submitted_at", "replication_key_value": BOOKMARK}
            ),
            ["`bookmarks.lead_form_responses.partitions[0]` without a `context` object"],
            id="partition-without-context",
        ),
        pytest.param(
            state_with_partitions({"context": {"account_id": "512345678"}}),
            [
                '`bookmarks.lead_form_responses.partitions[0].context` {"account_id": '
                '"512345678"}, which names no owner',
                '{"account_id": 512345678}',
                "(ids are numbers)",
            ],
            id="context-naming-no-owner",
        ),
    ],
)
def test_a_state_the_sdk_cannot_use_stops_with_the_entry_named_before_any_api_call(
    tmp_path: Path,
    sandbox: StartSandbox,
    data: SandboxData,
    state: dict[str, t.Any],
    words: list[str],
) -> None:
    server = sandbox(data)

    run = _run_with_state_text(tmp_path, _config(server), json.dumps(state))

    path = str(tmp_path / "mangled-state.json")
    _assert_one_clear_error(
        run, f"The --state file {path} ", "Fix that entry", *words, *STATE_REMEDY
    )
    assert server.requests == [], "stopped before any API call"


# Bookmarks


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        pytest.param("garbage", '"garbage"', id="typo"),
        pytest.param(1730365514025, "1730365514025", id="epoch-milliseconds"),
        pytest.param("2026-31-10", '"2026-31-10"', id="day-and-month-swapped"),
    ],
)
def test_an_unreadable_bookmark_names_stream_owner_value_and_format(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData, value: object, shown: str
) -> None:
    server = sandbox(data)
    account_id = data.visible_account_ids[0]

    state = state_with_partitions(lead_bookmark({"account_id": account_id}, value))

    run = run_cli(tmp_path, _config(server), state=state)

    _assert_one_clear_error(
        run,
        f"has a bookmark for lead_form_responses, ad account {account_id} that cannot be read",
        f"{shown} is not an ISO 8601 date-time such as {BOOKMARK}",
        "Fix that entry",
    )
    assert server.requests == [], "stopped before any API call"


def test_an_unreadable_organization_bookmark_names_the_organization_and_lead_type(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData
) -> None:
    server = sandbox(data)
    organization_id = data.organization_ids[0]
    state = state_with_partitions(
        lead_bookmark({"organization_id": organization_id, "leadType": "EVENT"}, "yesterday")
    )

    run = run_cli(tmp_path, _config(server), state=state)

    _assert_one_clear_error(
        run,
        f"lead_form_responses, organization {organization_id}, EVENT leads that cannot be read",
        '"yesterday" is not an ISO 8601 date-time',
    )
    assert server.requests == []


def test_a_bookmark_under_another_replication_key_is_named(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData
) -> None:
    server = sandbox(data)
    account_id = data.visible_account_ids[0]
    state = state_with_partitions(
        lead_bookmark({"account_id": account_id}, BOOKMARK, replication_key="submittedAt")
    )

    run = run_cli(tmp_path, _config(server), state=state)

    _assert_one_clear_error(
        run,
        f"bookmark for lead_form_responses, ad account {account_id} whose `replication_key` "
        'is "submittedAt", not "submitted_at"',
    )
    assert server.requests == []


def test_a_bookmark_later_than_the_run_end_warns_naming_the_owner(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData
) -> None:
    server = sandbox(data)
    future, other = data.visible_account_ids[:2]
    clean = run_cli(tmp_path, _config(server))
    assert clean.returncode == 0, clean.stderr[-2000:]
    state = clean.last_state
    assert state is not None
    for partition in lead_partitions(state):
        if partition["context"] == {"account_id": future}:
            partition["replication_key_value"] = "2099-01-01T00:00:00+00:00"
    server.clear_requests()

    run = run_cli(tmp_path, _config(server), state=state)

    assert run.returncode == 0, run.stderr[-2000:]
    assert "Traceback" not in run.stderr
    warnings = [line for line in _lines(run.stderr, "WARNING") if "2099" in line]
    assert len(warnings) == 1, warnings
    assert (
        f"The bookmark of ad account {future} in lead_form_responses is "
        "2099-01-01T00:00:00.000+00:00, later than this run's end" in warnings[0]
    )
    assert "nothing is read for it until then" in warnings[0]
    lead_owners = {
        str(r.query.get("owner")) for r in server.requests if r.endpoint == "leadFormResponses"
    }
    assert not any(str(future) in owner for owner in lead_owners), "nothing asked for it"
    assert any(str(other) in owner for owner in lead_owners), "the other account still syncs"
    final = run.last_state
    assert final is not None
    kept = [
        p["replication_key_value"]
        for p in lead_partitions(final)
        if p["context"] == {"account_id": future}
    ]
    assert kept == ["2099-01-01T00:00:00+00:00"], "the state is not rewritten behind the user"


# Settings


def test_every_settings_problem_is_reported_at_once_before_any_api_call(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData
) -> None:
    server = sandbox(data)
    config = _config(server, page_size=5000, account_ids=["abc"], start_date="yesterday")

    run = run_cli(tmp_path, config)

    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert run.stdout == ""
    errors = _lines(run.stderr, "ERROR")
    assert [line.split("| ", 3)[3] for line in errors] == [
        '`account_ids` has entries that are not ids: ["abc"]. A valid value: "account_ids": '
        '["512345678", 523456789].',
        '`start_date` must be an ISO 8601 date-time; got "yesterday". A valid value: '
        '"start_date": "2025-01-01T00:00:00Z".',
        '`page_size` must be at most 1000; got 5000. A valid value: "page_size": 1000.',
        "The settings have 3 problems (listed above); nothing was synced. Fix them and run "
        "again: `tap-linkedin-leads --about` describes every setting.",
    ]
    assert server.requests == [], "stopped before any API call"


def test_a_secret_of_the_wrong_type_is_named_without_its_value(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData
) -> None:
    server = sandbox(data)
    config = _config(server, client_secret=8675309123, page_size=0)

    run = run_cli(tmp_path, config)

    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert run.stdout == ""
    assert [line.split("| ", 3)[3] for line in _lines(run.stderr, "ERROR")] == [
        '`client_secret` must be a string. A valid value: "client_secret": '
        '"WPL_AP1.xxxxxxxxxxxxxxxx".',
        '`page_size` must be at least 1; got 0. A valid value: "page_size": 1000.',
        "The settings have 2 problems (listed above); nothing was synced. Fix them and run "
        "again: `tap-linkedin-leads --about` describes every setting.",
    ]
    assert "8675309123" not in run.stderr
    assert server.requests == []


@pytest.mark.parametrize(
    ("text", "words"),
    [
        pytest.param("{'page_size': 5}", ["is not valid JSON (line 1, column 2"], id="not-json"),
        pytest.param('["page_size"]', ["holds a JSON array, not an object"], id="array"),
        pytest.param(None, ["does not exist"], id="missing"),
    ],
)
def test_a_config_file_that_is_not_a_settings_object_is_named(
    tmp_path: Path, text: str | None, words: list[str]
) -> None:
    path = tmp_path / "settings.json"
    if text is not None:
        path.write_text(text)

    # A second --config file, read after the good one the helper writes.
    run = run_cli(tmp_path, {}, extra_args=["--config", str(path)])

    _assert_one_clear_error(
        run, f"The --config file {path} ", *words, "`tap-linkedin-leads --about`"
    )


def test_a_catalog_file_that_is_not_json_is_named(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData
) -> None:
    server = sandbox(data)
    path = tmp_path / "catalog.json"
    path.write_text("streams:\n  - lead_forms\n")

    run = run_cli(tmp_path, _config(server), extra_args=["--catalog", str(path)])

    _assert_one_clear_error(run, f"The --catalog file {path} is not valid JSON", "--discover")
    assert server.requests == []


@pytest.mark.parametrize(
    "text",
    ['{"streams": 5}', '{"streams": [5]}', '{"streams": [{"schema": 3}]}'],
    ids=["streams-not-a-list", "stream-not-an-object", "stream-without-its-fields"],
)
def test_a_catalog_that_is_json_but_not_a_catalog_is_named(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData, text: str
) -> None:
    server = sandbox(data)
    path = tmp_path / "catalog.json"
    path.write_text(text)

    run = run_cli(tmp_path, _config(server), extra_args=["--catalog", str(path)])

    _assert_one_clear_error(run, f"The --catalog file {path} is not a Singer catalog", "--discover")
    assert server.requests == []


@pytest.mark.parametrize("option", ["--state", "--catalog"])
def test_a_state_or_catalog_file_that_is_not_utf8_text_is_named(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData, option: str
) -> None:
    server = sandbox(data)
    path = tmp_path / "input.json"
    path.write_bytes(b'{"bookmarks": "\xff\xfe"}')

    # Read as UTF-8 whatever the locale, as it is for most users.
    run = run_cli(
        tmp_path, _config(server), extra_args=[option, str(path)], env={"PYTHONUTF8": "1"}
    )

    _assert_one_clear_error(run, f"The {option} file {path} is not UTF-8 text. Fix ")
    assert server.requests == []


# Closed output


def test_a_closed_output_stops_with_one_line_and_no_sdk_noise(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData
) -> None:
    clean_server = sandbox(data)
    clean = run_cli(tmp_path, _config(clean_server))
    assert clean.returncode == 0, clean.stderr[-2000:]
    # Each lead page takes a moment, so the reader is gone while the tap still has output.
    server = sandbox(
        data, faults=[Fault("slow", endpoint="leadFormResponses", every=1, seconds=0.3)]
    )
    config_path = tmp_path / "config.json"
    config_path.write_text(json.dumps(_config(server)))
    stderr_path = tmp_path / "stderr.log"
    with stderr_path.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "tap_linkedin_leads", "--config", str(config_path)],
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
        assert process.stdout is not None
        first = process.stdout.readline()
        process.stdout.close()  # the target stops reading
        returncode = process.wait(timeout=60)
    log = stderr_path.read_text()

    assert json.loads(first)["type"] == "SCHEMA"
    assert returncode == 1
    assert "Traceback" not in log
    assert "Exception ignored" not in log
    assert "unhandled error" not in log, "no SDK line per stream"
    errors = _lines(log, "ERROR")
    assert len(errors) == 1, errors
    assert "The tap's output was closed: the target stopped reading it" in errors[0]
    assert "(it may have failed; see its log)" in errors[0]
    assert server.request_count("leadFormResponses") < clean_server.request_count(
        "leadFormResponses"
    ), "the tap stopped at the first write that failed"


def test_the_sdk_error_line_per_stream_is_not_logged_for_the_taps_own_errors(
    tmp_path: Path, sandbox: StartSandbox, data: SandboxData
) -> None:
    server = sandbox(data, faults=[Fault("daily_limit", endpoint="leadFormResponses")])

    run = run_cli(tmp_path, _config(server))

    assert run.returncode == 1
    assert "unhandled error" not in run.stderr
    errors = _lines(run.stderr, "ERROR")
    assert len(errors) == 1, errors
    assert "daily API limit is reached" in errors[0]
