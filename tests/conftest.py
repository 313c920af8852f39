"""Shared fixtures: the tiny hand-written inventory (three mappings, five countries)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cbdash.data.inventory import Inventory, load_inventory

FIXTURE_DIR = Path(__file__).parent / "fixtures" / "inventory"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def inventory() -> Inventory:
    """The fixture inventory, loaded once."""
    inv = load_inventory(FIXTURE_DIR)
    assert inv.report.ok, inv.report.text()
    return inv


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture inventory, for tests that break a file."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURE_DIR, target)
    return target
