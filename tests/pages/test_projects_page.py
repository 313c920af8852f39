"""Projects & duplicates page on the fixture (p1 is listed by alpha and beta)."""

from __future__ import annotations

import pytest

from tests.pages.conftest import run_page


def test_listed_by_several():
    at = run_page("projects")
    assert not at.exception
    assert at.title[0].value == "Which projects appear in several mappings?"
    table = at.dataframe[0].value
    assert list(table["title"]) == ["Kenya Cybercrime Training"]
    assert at.get("download_button")


@pytest.mark.parametrize("section", ["duplicates", "funders"])
def test_sections_render(section):
    at = run_page("projects", {"projects_view": section})
    assert not at.exception
    assert at.get("download_button")


def test_funding_flows_chart():
    at = run_page("projects", {"projects_view": "funders"})
    assert at.get("plotly_chart")


def test_filters_apply():
    at = run_page("projects", {"users": "civil_society"})
    assert any("No project that passes the filters is listed by two" in i.value for i in at.info)


def test_check_a_list_asks_for_a_file():
    at = run_page("projects", {"projects_view": "check"})
    assert not at.exception
    assert any("Upload another mapping's project list" in m.value for m in at.markdown)
    assert not at.dataframe  # nothing to show before a file is given
