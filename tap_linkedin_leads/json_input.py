"""Reading the JSON files the tap is handed (``--config``, ``--state``, ``--catalog``).

Each must hold one JSON object. What is wrong with one is said in words, never by quoting
its content: a config file holds secrets.
"""

from __future__ import annotations

import json
import typing as t

__all__ = [
    "UnreadableJsonError",
    "brief_json",
    "json_kind",
    "read_json_object",
    "read_json_object_file",
    "read_text",
]

_MAX_SHOWN_CHARS = 80


class UnreadableJsonError(ValueError):
    """Text that is not one JSON object; the message completes "The file ..."."""


def brief_json(value: object) -> str:
    """``value`` as JSON, cut short: for quoting a setting or a bookmark in a message."""
    text = json.dumps(value, default=str)
    return text if len(text) <= _MAX_SHOWN_CHARS else text[: _MAX_SHOWN_CHARS - 1] + "…"


def json_kind(value: object) -> str:
    """How JSON calls ``value``'s type: object, array, string, number, boolean or null."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def read_json_object(text: str) -> dict[str, t.Any]:
    """Parse ``text`` as one JSON object, or say what it is instead."""
    if not text.strip():
        msg = "is empty"
        raise UnreadableJsonError(msg)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        raise UnreadableJsonError(msg) from None
    if not isinstance(value, dict):
        msg = f"holds a JSON {json_kind(value)}, not an object"
        raise UnreadableJsonError(msg)
    return value


def read_text(file: t.IO[str]) -> str:
    """All of an open text file, or say that it is not UTF-8 text."""
    try:
        return file.read()
    except UnicodeDecodeError:
        msg = "is not UTF-8 text"
        raise UnreadableJsonError(msg) from None


def read_json_object_file(path: str) -> dict[str, t.Any]:
    """Read the file at ``path`` as one JSON object, or say why it cannot be."""
    try:
        with open(path, encoding="utf-8") as file:  # noqa: PTH123 - a path string from the CLI
            text = read_text(file)
    except FileNotFoundError:
        msg = "does not exist"
        raise UnreadableJsonError(msg) from None
    except OSError as exc:
        msg = f"cannot be read ({exc.strerror})"
        raise UnreadableJsonError(msg) from None
    return read_json_object(text)
