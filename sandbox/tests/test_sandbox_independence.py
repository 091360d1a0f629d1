"""The sandbox and the tap stand apart: an oracle must not import the code it judges, and the
tap must not lean on its test double. Neither package imports the other, statically (every
import statement, functions included) or at run time (loading every module of one package
leaves the other unloaded). Tests and benchmarks may import both."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGES = ("tap_linkedin_leads", "linkedin_sandbox")


def _package_dir(name: str) -> Path:
    """Where an installed package lives, found without importing it."""
    spec = importlib.util.find_spec(name)
    assert spec is not None, f"{name} is not installed (bash scripts/test.sh installs both)"
    assert spec.submodule_search_locations, f"{name} is not a package"
    return Path(next(iter(spec.submodule_search_locations)))


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


def _imports_of_the_other(package: str, other: str) -> set[str]:
    root = _package_dir(package)
    files = sorted(root.rglob("*.py"))
    assert len(files) > 10, f"the modules of {package} were not found in {root}"
    return {
        f"{path.relative_to(root)}: {name}"
        for path in files
        for name in _imported_modules(path, [package, *path.relative_to(root).parent.parts])
        if name.split(".")[0] == other
    }


def test_the_sandbox_imports_no_tap_module() -> None:
    assert not _imports_of_the_other("linkedin_sandbox", "tap_linkedin_leads")


def test_the_tap_imports_no_sandbox_module() -> None:
    assert not _imports_of_the_other("tap_linkedin_leads", "linkedin_sandbox")


@pytest.mark.parametrize(("package", "other"), [PACKAGES, PACKAGES[::-1]])
def test_loading_every_module_of_one_package_leaves_the_other_unloaded(
    package: str, other: str
) -> None:
    script = (
        "import importlib, pkgutil, sys\n"
        f"package = importlib.import_module({package!r})\n"
        "prefix = package.__name__ + '.'\n"
        "names = [m.name for m in pkgutil.walk_packages(package.__path__, prefix)]\n"
        "for name in names:\n"
        "    if not name.endswith('.__main__'):\n"
        "        importlib.import_module(name)\n"
        "print(len(names))\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] == {other!r}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    loaded, others = result.stdout.splitlines()
    assert int(loaded) > 10, f"the modules of {package} were not found"
    assert others == "[]"


def test_the_import_check_sees_absolute_relative_and_nested_imports(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text(
        "from linkedin_sandbox import errors\n"
        "from . import paging\n"
        "def later():\n"
        "    import tap_linkedin_leads.streams\n"
        "    from .. import auth\n"
        "    from ..client import Client\n"
    )
    assert _imported_modules(module, ["tap_linkedin_leads", "streams"]) == {
        "linkedin_sandbox",
        "linkedin_sandbox.errors",
        "tap_linkedin_leads.streams",
        "tap_linkedin_leads.streams.paging",
        "tap_linkedin_leads",
        "tap_linkedin_leads.auth",
        "tap_linkedin_leads.client",
        "tap_linkedin_leads.client.Client",
    }


def test_the_import_check_sees_an_import_of_the_other_package(tmp_path: Path) -> None:
    """The filter the two tests above apply does flag a crossing import."""
    module = tmp_path / "module.py"
    module.write_text("def later():\n    from linkedin_sandbox.oracle import MinimalSync\n")
    names = _imported_modules(module, ["tap_linkedin_leads"])
    assert {n for n in names if n.split(".")[0] == "linkedin_sandbox"} == {
        "linkedin_sandbox.oracle",
        "linkedin_sandbox.oracle.MinimalSync",
    }
