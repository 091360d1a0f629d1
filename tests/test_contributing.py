"""CONTRIBUTING.md names every module of the tap and of the sandbox, and only modules that exist,
so a newcomer's map of the code stays true."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"tap_linkedin_leads": ROOT / "tap_linkedin_leads",
            "linkedin_sandbox": ROOT / "sandbox" / "linkedin_sandbox"}  # fmt: skip
#: Modules every package has, with nothing for a newcomer to look up.
TRIVIAL = {"__init__.py", "__main__.py", "streams/__init__.py"}


def _section(heading: str) -> str:
    text = (ROOT / "CONTRIBUTING.md").read_text()
    start = text.index(heading)
    following = re.search(r"^###? ", text[start + len(heading) :], re.MULTILINE)
    return text[start : start + len(heading) + following.start()] if following else text[start:]


def _named_modules(table: str) -> set[str]:
    """Module paths in the first column of a markdown table (several per cell allowed)."""
    names: set[str] = set()
    for line in table.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([\w/]+\.py)`", first_cell))
    return names


@pytest.mark.parametrize(
    ("package", "heading"),
    [("tap_linkedin_leads", "### The tap"), ("linkedin_sandbox", "### The sandbox")],
)
def test_the_layout_names_each_module_of_the_package_and_no_other(
    package: str, heading: str
) -> None:
    root = PACKAGES[package]
    modules = {p.relative_to(root).as_posix() for p in root.rglob("*.py")} - TRIVIAL
    named = _named_modules(_section(heading))
    assert sorted(modules - named) == [], f"add them to CONTRIBUTING.md, {heading!r}"
    assert sorted(named - modules) == [], f"CONTRIBUTING.md, {heading!r}, names missing modules"


def test_the_paths_around_the_packages_exist() -> None:
    paths = re.findall(r"^\| `([^`]+)`", _section("### Around them"), re.MULTILINE)
    assert len(paths) > 5
    assert [p for p in paths if not (ROOT / p.rstrip("/")).exists()] == []


def test_the_table_reader_sees_every_module_of_a_cell() -> None:
    table = "| `forms.py`, `leads.py` | text `other.py` |\n| `a/b.py` | x |\n"
    assert _named_modules(table) == {"forms.py", "leads.py", "a/b.py"}


def test_the_readme_links_to_contributing() -> None:
    assert "(CONTRIBUTING.md)" in (ROOT / "README.md").read_text()
