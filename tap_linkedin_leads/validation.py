"""Settings checks: the JSON schema and the tap's own checks, every problem at once.

The SDK stops at its JSON-schema errors, so the checks JSON schema cannot express (ids,
dates, credentials, URLs) would only show up on a later run. Here both run together and
each problem becomes one line that names the setting and shows a valid value, so one run
tells the user everything to fix. No line repeats a secret's value.
"""

from __future__ import annotations

import ipaddress
import json
import typing as t
from dataclasses import dataclass
from urllib.parse import urlparse

from singer_sdk.typing import DEFAULT_JSONSCHEMA_VALIDATOR

from tap_linkedin_leads.json_input import brief_json
from tap_linkedin_leads.settings import (
    API_VERSION_PATTERN,
    CREDENTIAL_GROUPS,
    SETTING_NAMES,
    SETTINGS_SCHEMA,
    parse_account_id,
    parse_organization_id,
)
from tap_linkedin_leads.times import parse_datetime

if t.TYPE_CHECKING:
    import datetime
    from collections import deque
    from collections.abc import Callable, Mapping

__all__ = ["SettingProblem", "semantic_problems", "settings_problems", "summary_line"]

#: The refresh-token flow's settings, all needed together.
_OAUTH_SETTINGS = CREDENTIAL_GROUPS[0]
_TYPE_WORDS = {
    "array": "a list",
    "boolean": "true or false",
    "integer": "a whole number",
    "number": "a number",
    "object": "an object",
    "string": "a string",
}
#: What each ``pattern`` of the settings schema asks for, in words.
_PATTERN_WORDS = {API_VERSION_PATTERN: "a LinkedIn version in YYYYMM form"}


class _SchemaError(t.Protocol):
    """What is read of a ``jsonschema.ValidationError``."""

    path: deque[str | int]
    validator: object
    validator_value: t.Any
    instance: object
    message: str


@dataclass(frozen=True)
class SettingProblem:
    """One unusable setting: what is wrong with it, and a valid value to copy."""

    setting: str
    problem: str
    example: str

    def __str__(self) -> str:
        """The problem, then a valid value (``A valid value: "page_size": 1000.``)."""
        return f"{self.problem} A valid value: {self.example}."


def summary_line(problems: list[SettingProblem]) -> str:
    """The line that follows the problems."""
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    return (
        f"The settings have {count} (listed above); nothing was synced. Fix them and run "
        "again: `tap-linkedin-leads --about` describes every setting."
    )


def settings_problems(
    config: Mapping[str, t.Any],
    schema: Mapping[str, t.Any],
) -> list[SettingProblem]:
    """Every problem with ``config``, in the order the settings are documented.

    Where the tap's own check and the JSON schema both object to a setting, the tap's own
    line is kept: it says more about the value LinkedIn needs.
    """
    own = semantic_problems(config)
    flagged = {problem.setting for problem in own}
    from_schema = [p for p in _schema_problems(config, schema) if p.setting not in flagged]
    order = {name: index for index, name in enumerate(schema.get("properties", {}))}
    problems = [*own, *from_schema]
    return sorted(problems, key=lambda p: order.get(p.setting, len(order)))


def semantic_problems(config: Mapping[str, t.Any]) -> list[SettingProblem]:
    """The checks JSON schema cannot express: one problem per setting that is unusable."""
    return [
        *_auth_problems(config),
        *_id_list_problems(config, "account_ids", parse_account_id),
        *_id_list_problems(config, "organization_ids", parse_organization_id),
        *_date_problems(config),
        *_url_problems(config, "api_url"),
        *_url_problems(config, "oauth_token_url"),
    ]


# What the JSON schema rejects


def _schema_problems(
    config: Mapping[str, t.Any],
    schema: Mapping[str, t.Any],
) -> list[SettingProblem]:
    validator = DEFAULT_JSONSCHEMA_VALIDATOR(schema)
    problems = []
    for error in sorted(validator.iter_errors(dict(config)), key=lambda e: str(list(e.path))):
        setting = str(error.path[0]) if error.path else "settings"
        prop = schema.get("properties", {}).get(setting, {})
        problems.append(
            SettingProblem(
                setting,
                # Values of secrets are never repeated, nor those of the SDK's own settings
                # (stream maps and their config may hold anything).
                _describe_schema_error(
                    error, quote_value=setting in SETTING_NAMES and not _is_secret(prop)
                ),
                _example(setting, prop),
            )
        )
    return problems


def _describe_schema_error(error: _SchemaError, *, quote_value: bool) -> str:
    path = "".join(f"[{part}]" if isinstance(part, int) else str(part) for part in error.path)
    where = f"`{path}`" if path else "The settings"
    said = _rule_words(str(error.validator), error.validator_value)
    if said is None:
        said = (
            f"is not valid: {error.message}" if quote_value else f"is not valid ({error.validator})"
        )
        return f"{where} {said}."
    got = f"; got {brief_json(error.instance)}" if quote_value else ""
    return f"{where} {said}{got}."


def _rule_words(rule: str, limit: t.Any) -> str | None:
    """The schema rule a value broke, in words (``None`` for rules without a wording)."""
    if rule == "type":
        return f"must be {_type_words(limit)}"
    if rule == "enum" and isinstance(limit, list):
        return "must be one of " + ", ".join(brief_json(v) for v in limit)
    if rule == "pattern" and limit in _PATTERN_WORDS:
        return f"must be {_PATTERN_WORDS[limit]}"
    bounds = {
        "minimum": "at least",
        "maximum": "at most",
        "exclusiveMinimum": "more than",
        "exclusiveMaximum": "less than",
    }
    if rule in bounds:
        return f"must be {bounds[rule]} {limit}"
    return None


def _type_words(types: object) -> str:
    names = [types] if isinstance(types, str) else types if isinstance(types, list) else []
    words = [_TYPE_WORDS.get(name, name) for name in names if name != "null"]
    return " or ".join(words) or "empty"


def _is_secret(prop: Mapping[str, t.Any]) -> bool:
    return bool(prop.get("secret") or prop.get("writeOnly"))


def _example(setting: str, prop: Mapping[str, t.Any]) -> str:
    """``"setting": <value>`` from the schema's first example, else its default or type."""
    if prop.get("examples"):
        value = prop["examples"][0]
    elif "default" in prop:
        value = prop["default"]
    else:
        types = prop.get("type", "string")
        first = types if isinstance(types, str) else next(x for x in types if x != "null")
        value = {"array": [], "boolean": True, "integer": 1, "number": 1, "object": {}}.get(
            first, "..."
        )
    return f'"{setting}": {json.dumps(value)}'


# The tap's own checks


def _documented_example(*settings: str) -> str:
    return ", ".join(_example(name, SETTINGS_SCHEMA["properties"][name]) for name in settings)


def _auth_problems(config: Mapping[str, t.Any]) -> list[SettingProblem]:
    oauth = {key: bool(config.get(key)) for key in _OAUTH_SETTINGS}
    has_access_token = bool(config.get("access_token"))
    example = _documented_example(*_OAUTH_SETTINGS)
    if has_access_token and oauth["refresh_token"]:
        problem = (
            "Set either `access_token` or `client_id` + `client_secret` + `refresh_token`, "
            "not both."
        )
        return [SettingProblem("access_token", problem, example)]
    if has_access_token and oauth["client_id"] != oauth["client_secret"]:
        problem = (
            "With `access_token`, `client_id` and `client_secret` are optional (the tap uses "
            "them only to ask LinkedIn which scopes the token has), but set both or neither."
        )
        example = _documented_example("access_token", "client_id", "client_secret")
        unset = "client_secret" if oauth["client_id"] else "client_id"
        return [SettingProblem(unset, problem, example)]
    if not has_access_token and any(oauth.values()) and not all(oauth.values()):
        missing = [key for key, present in oauth.items() if not present]
        problem = (
            "The OAuth refresh flow needs `client_id`, `client_secret` and `refresh_token`; "
            f"missing {', '.join(f'`{key}`' for key in missing)}."
        )
        return [SettingProblem(missing[0], problem, example)]
    if not has_access_token and not any(oauth.values()):
        problem = (
            "No LinkedIn credentials: set `client_id`, `client_secret` and `refresh_token` "
            "(recommended; tokens are refreshed automatically) or `access_token`."
        )
        return [SettingProblem("client_id", problem, example)]
    return []


def _id_list_problems(
    config: Mapping[str, t.Any],
    name: str,
    parse: Callable[[object], int | None],
) -> list[SettingProblem]:
    values = config.get(name)
    if values is None:
        return []
    example = _documented_example(name)
    if not isinstance(values, list) or not values:
        return [
            SettingProblem(name, f"`{name}` must be a non-empty list of ids, or unset.", example)
        ]
    bad = [value for value in values if parse(value) is None]
    if bad:
        problem = f"`{name}` has entries that are not ids: {brief_json(bad)}."
        return [SettingProblem(name, problem, example)]
    return []


def _date_problems(config: Mapping[str, t.Any]) -> list[SettingProblem]:
    problems = []
    parsed: dict[str, datetime.datetime | None] = {}
    for name in ("start_date", "end_date"):
        raw = config.get(name)
        parsed[name] = parse_datetime(raw)
        if raw is not None and parsed[name] is None:
            problem = f"`{name}` must be an ISO 8601 date-time; got {brief_json(raw)}."
            problems.append(SettingProblem(name, problem, _documented_example(name)))
    start, end = parsed["start_date"], parsed["end_date"]
    if start and end and start >= end:
        problem = (
            f"`start_date` ({config['start_date']}) must be before `end_date` "
            f"({config['end_date']})."
        )
        example = _documented_example("start_date", "end_date")
        problems.append(SettingProblem("start_date", problem, example))
    return problems


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url_problems(config: Mapping[str, t.Any], name: str) -> list[SettingProblem]:
    value = config.get(name)
    if not isinstance(value, str):
        return []
    parsed = urlparse(value)
    if parsed.scheme == "https" and parsed.netloc:
        return []
    if parsed.scheme == "http" and _is_loopback(parsed.hostname):
        return []
    problem = (
        f"`{name}` must be an https:// URL (plain http is accepted only for a loopback "
        f"sandbox such as http://127.0.0.1:8787); got {brief_json(value)}."
    )
    return [SettingProblem(name, problem, _documented_example(name))]
