"""The package's layout keeps its promises: the flow data -> analysis -> presentation -> app
shows in the imports, only cbdash.ui imports Streamlit, nothing under src/ reads tests/,
modules stay readable, and the README's module table matches the tree."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "cbdash"
MODULES = sorted(p for p in PACKAGE.rglob("*.py"))
# Which top-level parts of cbdash each part may import (besides itself).
ALLOWED = {
    "text": set(),
    "data": {"text"},
    "dedupe": {"data", "text"},
    "analysis": {"data", "dedupe", "text"},
    "present": {"analysis", "data", "dedupe", "text"},
    "ui": {"present", "analysis", "data", "dedupe", "text"},
    "cli": {"data", "dedupe", "text", "analysis"},
    "countries": {"data"},  # public interface: re-exports cbdash.data.countries
    "export": {"present"},  # public interface: re-exports cbdash.present.export
}


def _part(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_the_ui_package_imports_streamlit(path):
    streamlit = {n for n in _imports(path) if n == "streamlit" or n.startswith("streamlit.")}
    if _part(path) != "ui":
        assert not streamlit, f"{path.name} imports {sorted(streamlit)}: only cbdash.ui may"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_follow_the_flow(path):
    part = _part(path)
    if part in {"__init__", "__main__"}:
        return
    used = {
        n.split(".")[1] for n in _imports(path) if n.startswith("cbdash.") and n.count(".") >= 1
    }
    used.discard(part)
    assert used <= ALLOWED[part], f"{part} imports {sorted(used - ALLOWED[part])}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_reads_tests_or_assumes_a_checkout(path):
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"""["']tests["'/]|tests/data""", text), f"{path.name} names tests/"
    assert "parents[" not in text, f"{path.name} finds files relative to its own location"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_stay_readable(path):
    if _part(path) == "dedupe":
        return  # the dedupe package has its own budget, below
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines < 700, f"{path.relative_to(PACKAGE)} has {lines} lines"


def test_dedupe_package_size():
    total = sum(len(p.read_text().splitlines()) for p in (PACKAGE / "dedupe").rglob("*.py"))
    assert total <= 1200, total  # issue #17


def _readme_modules() -> set[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Modules", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`(cbdash(?:\.[a-z_]+)+)`", section))


def _tree_modules() -> set[str]:
    out = set()
    for path in MODULES:
        rel = path.relative_to(PACKAGE).with_suffix("")
        parts = [p for p in rel.parts if p != "__init__"]
        if parts and parts[-1] == "__main__":
            continue
        if parts:
            out.add(".".join(["cbdash", *parts]))
    return out


def test_readme_module_table_matches_the_tree():
    listed, tree = _readme_modules(), _tree_modules()
    # A package row (e.g. `cbdash.present.views`) covers its modules.
    missing = {m for m in tree - listed if not any(m.startswith(p + ".") for p in listed)}
    assert not missing, f"modules missing from the README's Modules table: {sorted(missing)}"
    stale = listed - tree
    assert not stale, f"README's Modules table names modules that do not exist: {sorted(stale)}"
