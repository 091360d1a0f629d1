"""The sandbox stands apart from the tap it tests: it imports nothing of the tap's own modules."""

from __future__ import annotations

import ast
from pathlib import Path

import tap_linkedin_leads.sandbox

SANDBOX = Path(tap_linkedin_leads.sandbox.__file__).parent


def _imported_modules(path: Path, package: list[str]) -> set[str]:
    """Absolute names of the modules a file of ``package`` imports, functions included."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def _package_of(path: Path) -> list[str]:
    return ["tap_linkedin_leads", "sandbox", *path.relative_to(SANDBOX).parent.parts]


def test_the_sandbox_imports_no_tap_module() -> None:
    files = sorted(SANDBOX.rglob("*.py"))
    assert len(files) > 10, "the sandbox's modules were not found"
    outside = {
        f"{path.relative_to(SANDBOX)}: {name}"
        for path in files
        for name in _imported_modules(path, _package_of(path))
        if name.split(".")[:1] == ["tap_linkedin_leads"] and name.split(".")[1:2] != ["sandbox"]
    }
    assert not outside, sorted(outside)


def test_the_import_check_sees_absolute_relative_and_nested_imports(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text(
        "from tap_linkedin_leads.sandbox import errors\n"
        "from . import paging\n"
        "def later():\n"
        "    import tap_linkedin_leads.streams\n"
        "    from .. import auth\n"
        "    from ..client import Client\n"
    )
    assert _imported_modules(module, ["tap_linkedin_leads", "sandbox"]) == {
        "tap_linkedin_leads.sandbox",
        "tap_linkedin_leads.sandbox.errors",
        "tap_linkedin_leads.sandbox.paging",
        "tap_linkedin_leads.streams",
        "tap_linkedin_leads",
        "tap_linkedin_leads.auth",
        "tap_linkedin_leads.client",
        "tap_linkedin_leads.client.Client",
    }
