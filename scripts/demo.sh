#!/usr/bin/env bash
# The one-command demo, from a fresh clone with only Python 3.10+:
#
#   bash scripts/demo.sh
#
# 1. Creates .cache/demo/venv with Meltano (installed with uv, which it installs first) and
#    the sandbox (sandbox/, its own distribution, editable): the tap does not ship it.
# 2. Installs the tap (this checkout, editable) and target-duckdb into Meltano's .meltano/.
# 3. Starts the local LinkedIn API stand-in (tap-linkedin-leads-sandbox, from that venv) on
#    127.0.0.1 in the background; it is stopped however the script ends.
# 4. Runs `meltano --environment sandbox run tap-linkedin-leads target-duckdb`.
# 5. Prints what landed in output/linkedin_leads.duckdb, which stays there for you to query.
#
# Each further run starts the sandbox with DEMO_NEW_LEADS (default 12) more leads than the run
# before, and the incremental sync (state kept by Meltano in .meltano/) loads only those.
# Logs go to output/logs/. Environment: PYTHON (interpreter, default python3),
# LINKEDIN_SANDBOX_PORT (default 8787; any free port if 8787 is taken and the variable is unset),
# DEMO_NEW_LEADS. Delete output/ to start over (the next run is then a full refresh).
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
out=$root/output
logs=$out/logs
demo_venv=$root/.cache/demo/venv
meltano_requirement="meltano==4.4.1"
uv_requirement="uv>=0.8.14" # Meltano 4.4.1 needs uv>=0.8.14 too
database=output/linkedin_leads.duckdb # relative to the repository root
counter=$out/.demo-runs
new_per_run=${DEMO_NEW_LEADS:-12}
tap_venv=$root/.meltano/extractors/tap-linkedin-leads/venv
duckdb_venv=$root/.meltano/loaders/target-duckdb/venv
mkdir -p "$logs"

# Meltano stays on this machine: no usage statistics, no version check, no Hub.
export MELTANO_SEND_ANONYMOUS_USAGE_STATS=false
export MELTANO_DISABLE_TRACKING=true
export MELTANO_CLI_DISABLE_VERSION_CHECK=true
export MELTANO_SNOWPLOW_COLLECTOR_ENDPOINTS='[]'
export MELTANO_HUB_URL=http://127.0.0.1:9
export MELTANO_HUB_API_ROOT=http://127.0.0.1:9/meltano/api/v1
unset MELTANO_SYS_DIR_ROOT MELTANO_ENVIRONMENT
# Settings for the real LinkedIn or another database must not leak into the demo.
for variable in $(compgen -e); do
  case $variable in TAP_LINKEDIN_LEADS_* | TARGET_DUCKDB_*) unset "$variable" ;; esac
done

say() { printf '==> %s\n' "$*"; }

fail() {
  printf '\nDemo failed: %s\n' "$1" >&2
  if [ -n "${2:-}" ] && [ -f "$2" ]; then
    printf -- '--- last lines of %s ---\n' "${2#"$root"/}" >&2
    tail -n 40 "$2" >&2
  fi
  exit 1
}

# run LOG COMMAND...: run quietly, output to LOG; on failure show its tail. The command runs
# in the background and is waited for, so Ctrl-C or a TERM stops it (and the sandbox) at once.
child_pid=
run() {
  local log=$1
  shift
  "$@" <&0 >"$log" 2>&1 &
  child_pid=$!
  if ! wait "$child_pid"; then
    child_pid=
    fail "$(basename "$1") ${*:2:3} ... failed" "$log"
  fi
  child_pid=
}

sandbox_pid=
stop_sandbox() {
  if [ -n "$sandbox_pid" ]; then
    kill "$sandbox_pid" 2>/dev/null || true
    wait "$sandbox_pid" 2>/dev/null || true
    sandbox_pid=
  fi
}
interrupted() {
  if [ -n "$child_pid" ]; then
    kill "$child_pid" 2>/dev/null || true
    wait "$child_pid" 2>/dev/null || true
  fi
  stop_sandbox
  printf '\nInterrupted; the sandbox is stopped. Run the demo again to load the rest.\n' >&2
  exit "$1"
}
trap stop_sandbox EXIT
trap 'interrupted 130' INT
trap 'interrupted 143' TERM

python_ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; }

pick_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3 python3.13 python3.12 python3.11 python3.10 python; do
    if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate"; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

started=$SECONDS

# --- 1. Meltano in its own venv (once) ------------------------------------------------------
python=$(pick_python) || fail "this demo needs Python 3.10 or newer (set PYTHON=/path/to/python3)"
stamp="$meltano_requirement $("$python" -c 'import sys; print(sys.version.split()[0])')"
if [ ! -x "$demo_venv/bin/meltano" ] || [ "$(cat "$demo_venv/.demo-stamp" 2>/dev/null)" != "$stamp" ]; then
  say "Installing Meltano into .cache/demo/venv (first run only)"
  rm -rf "$demo_venv"
  run "$logs/setup.log" "$python" -m venv "$demo_venv"
  run "$logs/setup.log" "$demo_venv/bin/python" -m pip install --quiet \
    --disable-pip-version-check "$uv_requirement"
  run "$logs/setup.log" "$demo_venv/bin/uv" pip install --quiet \
    --python "$demo_venv/bin/python" "$meltano_requirement"
  printf '%s\n' "$stamp" >"$demo_venv/.demo-stamp"
fi
meltano=$demo_venv/bin/meltano
sandbox=$demo_venv/bin/tap-linkedin-leads-sandbox
if [ ! -x "$sandbox" ]; then
  say "Installing the sandbox (sandbox/) into .cache/demo/venv"
  run "$logs/setup.log" "$demo_venv/bin/uv" pip install --quiet \
    --python "$demo_venv/bin/python" -e "$root/sandbox"
fi

# --- 2. The tap and target-duckdb, as Meltano plugins (again when meltano.yml or the tap's
#        dependencies change; the tap itself is installed editable, so code changes need
#        nothing) ------------------------------------------------------------------------------
plugins_stamp=$("$python" - <<'PY'
import hashlib
digest = hashlib.sha256()
for name in ("meltano.yml", "pyproject.toml"):
    with open(name, "rb") as handle:
        digest.update(handle.read())
print(digest.hexdigest())
PY
)
if [ ! -x "$tap_venv/bin/tap-linkedin-leads" ] || [ ! -x "$duckdb_venv/bin/target-duckdb" ] \
  || [ "$(cat "$root/.meltano/.demo-stamp" 2>/dev/null)" != "$plugins_stamp" ]; then
  say "Installing the tap and target-duckdb into .meltano/"
  run "$logs/meltano-install.log" "$meltano" --environment sandbox install \
    tap-linkedin-leads target-duckdb </dev/null
  printf '%s\n' "$plugins_stamp" >"$root/.meltano/.demo-stamp"
fi

# --- 3. This run's data: the seeded leads plus DEMO_NEW_LEADS per earlier run ----------------
runs_done=0
if [ -f "$database" ] && [ -f "$counter" ]; then
  runs_done=$(cat "$counter")
  case $runs_done in '' | *[!0-9]*) runs_done=0 ;; esac
fi
run_number=$((runs_done + 1))
extra_leads=$((new_per_run * runs_done))
refresh=()
if [ ! -f "$database" ]; then
  refresh=(--full-refresh) # a new database: ignore any bookmark Meltano still holds
fi

# The leads already loaded, to tell the new ones apart afterwards.
before_ids=$logs/ids-before-run.txt
: >"$before_ids"
if [ -f "$database" ]; then
  run "$logs/report.log" "$duckdb_venv/bin/python" - "$database" "$before_ids" <<'PY'
import sys

import duckdb

con = duckdb.connect(sys.argv[1], read_only=True)
ids = con.sql("select id from tap_linkedin_leads.lead_form_responses").fetchall()
with open(sys.argv[2], "w") as handle:
    handle.writelines(f"{row[0]}\n" for row in ids)
PY
fi

# --- 4. The sandbox on 127.0.0.1 ------------------------------------------------------------
port=${LINKEDIN_SANDBOX_PORT:-8787}
port_free() {
  "$python" - "$1" <<'PY'
import socket
import sys

with socket.socket() as sock:
    try:
        sock.bind(("127.0.0.1", int(sys.argv[1])))
    except OSError:
        sys.exit(1)
PY
}
if ! port_free "$port"; then
  [ -z "${LINKEDIN_SANDBOX_PORT:-}" ] || fail "port $port (LINKEDIN_SANDBOX_PORT) is in use"
  port=0 # let the sandbox pick a free one
fi


sandbox_log=$logs/sandbox.log
"$sandbox" --port "$port" --refresh-token sandbox-refresh-token \
  --extra-leads "$extra_leads" </dev/null >"$sandbox_log" 2>&1 &
sandbox_pid=$!
for _ in $(seq 1 300); do
  grep -q '^LinkedIn sandbox on ' "$sandbox_log" 2>/dev/null && break
  kill -0 "$sandbox_pid" 2>/dev/null || fail "the sandbox did not start" "$sandbox_log"
  sleep 0.1
done
grep -q '^LinkedIn sandbox on ' "$sandbox_log" || fail "the sandbox did not start within 30 s" "$sandbox_log"
sandbox_url=$(sed -n 's/^LinkedIn sandbox on \(http:[^:]*:[0-9]*\):.*/\1/p' "$sandbox_log")
sandbox_leads=$(sed -n 's/.* \([0-9]*\) leads;.*/\1/p' "$sandbox_log")
say "LinkedIn sandbox on $sandbox_url with $sandbox_leads leads ($extra_leads added since run 1)"
# The sandbox's first line is the tap config to use. Exported, its URLs (with the actual port)
# and fake credentials beat both meltano.yml's sandbox environment and any real credentials
# a .env file holds for the dev environment.
eval "$("$python" - "$sandbox_log" <<'PY'
import json
import shlex
import sys

with open(sys.argv[1]) as handle:
    config = json.loads(handle.readline())
for key in ("api_url", "oauth_token_url", "client_id", "client_secret", "refresh_token"):
    print(f"export TAP_LINKEDIN_LEADS_{key.upper()}={shlex.quote(config[key])}")
PY
)"

# --- 5. Extract and load -----------------------------------------------------------------
say "meltano --environment sandbox run ${refresh[*]+"${refresh[*]} "}tap-linkedin-leads target-duckdb"
run "$logs/meltano-run.log" "$meltano" --environment sandbox run ${refresh[@]+"${refresh[@]}"} \
  tap-linkedin-leads target-duckdb </dev/null
stop_sandbox
printf '%s\n' "$run_number" >"$counter"

# --- 6. What landed ---------------------------------------------------------------------------
"$duckdb_venv/bin/python" - "$database" "$before_ids" "$run_number" "$new_per_run" \
  "$sandbox_leads" "$logs/meltano-run.log" <<'PY'
import json
import re
import sys

import duckdb

database, before_path, run_number, new_per_run, sandbox_leads, run_log = sys.argv[1:7]
with open(before_path) as handle:
    before = {line.strip() for line in handle if line.strip()}

con = duckdb.connect(database, read_only=True)
schema = "tap_linkedin_leads"
tables = [
    row[0]
    for row in con.execute(
        "select table_name from duckdb_tables() where schema_name = ? order by table_name",
        [schema],
    ).fetchall()
]
ids = {row[0] for row in con.sql(f"select id from {schema}.lead_form_responses").fetchall()}
new = ids - before


def clip(value: object, width: int) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "~"


print()
if run_number == "1":
    skipped = int(sandbox_leads) - len(new)
    print(
        f"Run 1 loaded {len(new)} leads; the sandbox's other {skipped} are test leads,"
        " which the tap skips by default (test_leads: exclude)."
    )
else:
    print(f"Run {run_number}: {len(new)} new leads arrived (incremental sync from the bookmarks).")
    # The tap's record counts, from the SDK's METRIC log lines.
    sent = 0
    with open(run_log, errors="replace") as handle:
        for line in handle:
            found = re.search(r"METRIC: (\{.*\})\s*$", line)
            if found:
                metric = json.loads(found.group(1))
                if metric.get("metric") == "record_count" and (
                    metric.get("tags", {}).get("stream") == "lead_form_responses"
                ):
                    sent += int(metric.get("value", 0))
    if sent > len(new):
        print(
            f"The tap sent {sent} leads: {len(new)} new, {sent - len(new)} re-sent from the"
            " one-day lookback window before each bookmark and updated in place (no duplicates)."
        )
print()
print(f"Tables in {database}, schema {schema}:")
for table in tables:
    (count,) = con.sql(f"select count(*) from {schema}.{table}").fetchone()
    print(f"  {table:<22} {count:>6} rows")

rows = con.sql(
    f"""
    select l.id,
           strftime(l.submitted_at, '%Y-%m-%d %H:%M') as submitted,
           concat_ws(' ', l.contact ->> 'first_name', l.contact ->> 'last_name') as name,
           coalesce(l.contact ->> 'work_email', l.contact ->> 'email') as email,
           l.contact ->> 'company_name' as company,
           l.form_name,
           coalesce(l.campaign_name,
                    case when l.organization_id is not null then '(company page)' end)
             as campaign
    from {schema}.lead_form_responses l
    order by l.submitted_at desc, l.id
    limit 6
    """
).fetchall()
print()
print("Newest leads" + ("" if run_number == "1" else " (* = arrived in this run)") + ":")
header = ("submitted (UTC)", "name", "email", "company", "form", "campaign")
table = [tuple(values) for _lead_id, *values in rows]
caps = (16, 20, 32, 20, 24, 20)
if run_number != "1":  # mark the leads of this run
    header = ("", *header)
    table = [("*" if row[0] in new else "", *line) for row, line in zip(rows, table)]
    caps = (1, *caps)
widths = [
    min(cap, max(len(str(cell or "")) for cell in (title, *column)))
    for cap, title, column in zip(caps, header, zip(*table))
]
for line in (header, *table):
    print("  " + "  ".join(f"{clip(v, w):<{w}}" for v, w in zip(line, widths)).rstrip())

organic, big_form = con.sql(
    f"""
    select count(*), max(form_id)::varchar from {schema}.lead_form_responses
    where organization_id is not null
    """
).fetchone()
if organic:
    print()
    print(
        f"{organic} leads came from the company page's organic forms"
        f" (19-digit form ids, kept exact: {big_form})."
    )
print()
print("Query it yourself, e.g.:")
print(
    '  .meltano/loaders/target-duckdb/venv/bin/python -c "import duckdb; '
    f"con = duckdb.connect('{database}', read_only=True); "
    f"con.sql('select form_name, count(*) from {schema}.lead_form_responses "
    "group by 1 order by 2 desc').show()\""
)
print(
    f"Run `bash scripts/demo.sh` again: the sandbox will have {new_per_run} more leads, "
    "and only those are loaded."
)
PY
say "Done in $((SECONDS - started)) s. Logs: output/logs/"
