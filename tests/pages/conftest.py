"""Page tests run each page with AppTest on the fixture inventory."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]
FIXTURE_DIR = REPO / "tests" / "fixtures" / "inventory"


@pytest.fixture(autouse=True)
def fixture_data(monkeypatch):
    """Point the app at the fixture inventory."""
    monkeypatch.setenv("CBDASH_DATA_DIR", str(FIXTURE_DIR))


def run_page(name: str, query: dict[str, str] | None = None, **state) -> AppTest:
    """Run one page file with optional query parameters and session state."""
    at = AppTest.from_file(str(REPO / "pages" / f"{name}.py"), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()
